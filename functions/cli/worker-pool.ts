import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { parseLogFormat } from '../core/flow-log-format.js';
import { ingestObject, type ObjectReport } from '../core/ingest-object.js';
import type { OutputSink, SourceObject } from '../core/ports.js';
import { ParquetTableSink } from '../adapters/parquet-sink.js';
import { IoTargets, readParquetFlowLogLazily } from './io-targets.js';
import { workerEntryFile } from './worker-entry.js';

/**
 * Multi-object local runs on every core: worker threads each ingest whole objects (one object
 * is one stream, so objects are the unit of parallelism). Every worker lists the same inputs
 * (sorted, deterministic) and writes its objects' Parquet itself; reports come back by
 * structured clone (bigint cleartext sums included) and are returned in input order, so the
 * output is byte-identical to a sequential run.
 */

/** What every worker needs to rebuild the run: plain data only (structured clone). */
export interface PoolSettings {
  readonly paths: readonly string[];
  readonly out: string;
  readonly endpoint?: string;
  readonly windowSeconds: number;
  /** The `--format` LogFormat string, parsed again in each worker. */
  readonly format?: string;
  readonly collectCleartext: boolean;
}

type Request = { readonly index: number; readonly name: string };
type Reply = { readonly index: number; readonly report: ObjectReport } | { readonly index: number; readonly error: string };

/** The default `--jobs`: the cores this process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

/** Ingests `objects` with up to `jobs` worker threads; reports in input order. */
export async function ingestInWorkers(objects: readonly SourceObject[], settings: PoolSettings, jobs: number,
  onReport: (done: readonly ObjectReport[]) => void = () => undefined): Promise<ObjectReport[]> {
  const reports: ObjectReport[] = new Array(objects.length);
  const done: ObjectReport[] = [];
  let next = 0;
  let failure: Error | undefined;
  const workers: Worker[] = [];
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const dispatch = () => {
        if (next >= objects.length || failure) {
          resolve();
          return;
        }
        const index = next++;
        worker.postMessage({ index, name: objects[index]!.name } satisfies Request);
      };
      worker.on('message', (reply: Reply) => {
        if ('error' in reply) {
          failure ??= new Error(`${objects[reply.index]!.name}: ${reply.error}`);
          resolve();
          return;
        }
        reports[reply.index] = reply.report;
        done.push(reply.report);
        onReport(done);
        dispatch();
      });
      worker.on('error', (err) => {
        failure ??= err;
        reject(err);
      });
      worker.on('exit', (code) => {
        if (code !== 0 && next < objects.length) reject(new Error(`ingest worker exited with code ${code}`));
      });
      dispatch();
    });
  try {
    const entry = await workerEntryFile();
    for (let w = 0; w < Math.min(jobs, objects.length); w++) workers.push(new Worker(entry, { workerData: settings }));
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  if (failure) throw failure;
  return reports;
}

/** The worker side: list the inputs once, then ingest the objects the parent names. */
export async function workerMain(): Promise<void> {
  if (isMainThread || !parentPort) throw new Error('workerMain runs in a worker thread');
  const port = parentPort;
  const settings = workerData as PoolSettings;
  const targets = new IoTargets(settings.endpoint);
  const objects = await targets.listInputs(settings.paths);
  const sink: OutputSink = new ParquetTableSink(await targets.output(settings.out));
  const format = settings.format === undefined ? undefined : parseLogFormat(settings.format);
  // One object at a time per worker: the parent sends the next index only after a reply.
  port.on('message', (request: Request) => {
    void (async () => {
      try {
        const object = objects[request.index];
        if (!object || object.name !== request.name) throw new Error('the inputs changed while the run was listing them');
        const report = await ingestObject(object, {
          sink, windowSeconds: settings.windowSeconds, format, collectCleartext: settings.collectCleartext,
          parquetReader: readParquetFlowLogLazily,
        });
        port.postMessage({ index: request.index, report } satisfies Reply);
      } catch (err) {
        port.postMessage({ index: request.index, error: (err as Error).message } satisfies Reply);
      }
    })();
  });
}
