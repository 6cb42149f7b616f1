import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, type Worker } from 'node:worker_threads';
import { type LocalObjectRef, localObjectAt } from '../adapters/local-files.js';
import { describeError } from '../core/describe-error.js';
import { OutputError } from '../core/errors.js';
import { type FlowLogLayout, parseLogFormat } from '../core/flow-log-format.js';
import type { ObjectReport } from '../core/ingest-object.js';
import type { OutputSink, SourceObject } from '../core/ports.js';
import type { InflateOn } from '../core/text-stream.js';
import { ingestOne } from './ingest-one.js';
import { IoTargets, readParquetFlowLogLazily } from './io-targets.js';
import { warmUpOnce } from './warm-up.js';
import { startIngestWorkers } from './worker-entry.js';

/**
 * Multi-object local runs on every core: worker threads each ingest whole objects (one object
 * is one stream, so objects are the unit of parallelism). The parent lists the inputs once and
 * sends each worker the run's settings, then objects by reference (path, key, identity, size),
 * one or two at a time (see aheadOf); a worker writes an object's Parquet itself and sends back
 * its report (structured clone, bigint cleartext sums included). Reports are folded in input
 * order, so the output is byte-identical to a sequential run.
 */

/** What every worker needs besides the objects: plain data only (structured clone). */
export interface PoolSettings {
  readonly out: string;
  readonly endpoint?: string;
  readonly windowSeconds: number;
  /** The `--format` LogFormat string, parsed again in each worker. */
  readonly format?: string;
  readonly collectCleartext: boolean;
  readonly maxTextBytes: number;
  /** Where each worker inflates gzip: the parent knows how many workers share the cores. */
  readonly inflateOn: InflateOn;
}

/** The objects of a run in order, and how many (an array, or the listing's SourceList, read as it goes). */
export interface ObjectSequence extends Iterable<SourceObject> {
  readonly length: number;
}

export interface PoolCallbacks {
  /** Each object's report, in input order. */
  readonly onReport: (index: number, report: ObjectReport, object: SourceObject) => void;
  /** Stored bytes read by any worker (progress). */
  readonly onBytes?: (bytes: number) => void;
}

/** The first message to a worker is the run's settings; every later one names an object. */
type Request =
  | { readonly kind: 'settings'; readonly settings: PoolSettings }
  | { readonly kind: 'object'; readonly index: number; readonly ref: LocalObjectRef };
type Reply =
  | { readonly kind: 'bytes'; readonly bytes: number }
  | { readonly kind: 'report'; readonly index: number; readonly report: ObjectReport }
  | { readonly kind: 'output-error'; readonly index: number; readonly error: string };

/** Progress messages carry at least this many bytes (a message per 1 MiB chunk would be noise). */
const BYTES_MESSAGE = 8 << 20;

/**
 * Objects a worker holds at once (the one it reads and the next ones): two while many objects
 * remain, so that a worker starts its next object without waiting for the parent's reply (the
 * round trip was 15 ms on a busy 2-core machine, more than a small object's whole ingest); one
 * near the end of the run, so that the last objects go to whichever worker is free first.
 */
function aheadOf(remaining: number, workers: number): number {
  return remaining >= 4 * workers ? 2 : 1;
}

/** The default `--jobs`: the cores this process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

export interface PoolOptions {
  /** Replaces the worker script (a test gives one that crashes). */
  readonly entry?: string;
  /**
   * Workers started earlier with startIngestWorkers (the CLI starts them before it loads the
   * ingest modules). The pool uses what it needs, starts the rest, and terminates them all.
   */
  readonly started?: readonly Worker[];
}

/**
 * Ingests local `objects` with up to `jobs` worker threads. An output that cannot be written
 * throws OutputError; a worker that dies throws an error naming the object it was reading.
 */
export async function ingestInWorkers(
  objects: ObjectSequence,
  settings: PoolSettings,
  jobs: number,
  callbacks: PoolCallbacks,
  options: PoolOptions = {},
): Promise<void> {
  const pending = objects[Symbol.iterator]();
  // The objects handed out and not yet folded: a few per worker, never the whole run.
  const inFlight = new Map<number, SourceObject>();
  const reports = new Map<number, ObjectReport>();
  let folded = 0;
  const fold = () => {
    for (let report = reports.get(folded); report; report = reports.get(folded)) {
      const object = inFlight.get(folded)!;
      reports.delete(folded);
      inFlight.delete(folded);
      callbacks.onReport(folded++, report, object);
    }
  };
  let next = 0;
  let failure: Error | undefined;
  let stopping = false;
  const workers: Worker[] = [];
  const run = (worker: Worker) =>
    new Promise<void>((resolve) => {
      // The objects sent to this worker and not yet reported, oldest (the one it is reading) first.
      const queued: { index: number; ref: LocalObjectRef }[] = [];
      const fail = (err: Error) => {
        failure ??= err;
        resolve();
      };
      const send = (): boolean => {
        const item = pending.next();
        if (item.done) return false;
        const object = item.value;
        const ref = (object as { ref?: LocalObjectRef }).ref;
        if (!ref) {
          fail(new Error(`${object.name} is not a local file: workers read local files only`));
          return false;
        }
        inFlight.set(next, object);
        const request = { index: next++, ref };
        queued.push(request);
        worker.postMessage({ kind: 'object', ...request } satisfies Request);
        return true;
      };
      const dispatch = () => {
        if (failure) return resolve();
        while (queued.length < aheadOf(objects.length - next, workers.length) && send());
        if (failure || queued.length === 0) resolve();
      };
      worker.on('message', (reply: Reply) => {
        if (reply.kind === 'bytes') return callbacks.onBytes?.(reply.bytes);
        if (reply.kind === 'output-error') return fail(new OutputError(reply.error));
        queued.shift();
        reports.set(reply.index, reply.report);
        fold();
        dispatch();
      });
      const died = (why: string) =>
        fail(
          new Error(
            `an ingest worker ${why}` +
              (queued[0] ? ` while reading ${queued[0].ref.path}` : '') +
              ': re-run, or use --jobs 1 to read it in this process',
          ),
        );
      worker.on('error', (err) => died(`failed (${describeError(err)})`));
      worker.on('exit', (code) => {
        if (!stopping) died(`exited with code ${code}`);
      });
      worker.postMessage({ kind: 'settings', settings } satisfies Request);
      dispatch();
    });
  const started = [...(options.started ?? [])];
  const wanted = Math.min(jobs, objects.length);
  try {
    workers.push(...started.splice(0, wanted));
    if (workers.length < wanted) workers.push(...startIngestWorkers(wanted - workers.length, options.entry));
    await Promise.all(workers.map(run));
  } finally {
    stopping = true;
    pending.return?.();
    await Promise.all([...workers, ...started].map((worker) => worker.terminate()));
  }
  if (failure) throw failure;
}

/** The worker side: ingest the objects the parent names, one at a time. */
export async function workerMain(): Promise<void> {
  if (isMainThread || !parentPort) throw new Error('workerMain runs in a worker thread');
  const port = parentPort;
  // The settings come first; objects that arrive while the output opens wait for it.
  let setup: Promise<{ settings: PoolSettings; sink: OutputSink; format: FlowLogLayout | undefined }>;
  const open = async (settings: PoolSettings) => {
    const targets = new IoTargets(settings.endpoint);
    const sink: OutputSink = targets.sink(await targets.output(settings.out));
    return { settings, sink, format: settings.format === undefined ? undefined : parseLogFormat(settings.format) };
  };
  // The warm-up runs while the parent still lists the inputs and opens the output, instead of
  // before this worker's first large object (warm-up.ts); objects wait for it, so none overlaps it.
  let reading: Promise<unknown> = warmUpOnce();
  let unsent = 0;
  const onBytes = (n: number) => {
    unsent += n;
    if (unsent < BYTES_MESSAGE) return;
    port.postMessage({ kind: 'bytes', bytes: unsent } satisfies Reply);
    unsent = 0;
  };
  port.on('message', (request: Request) => {
    if (request.kind === 'settings') {
      setup = open(request.settings);
      // Each object awaits it and reports a failure to open the output; none is left unhandled.
      setup.catch(() => undefined);
      return;
    }
    // One object at a time, in the order sent (the pool sends the next before this one ends).
    reading = reading.then(async () => {
      try {
        const { settings, sink, format } = await setup;
        const report = await ingestOne(localObjectAt(request.ref), {
          sink,
          windowSeconds: settings.windowSeconds,
          format,
          collectCleartext: settings.collectCleartext,
          maxTextBytes: settings.maxTextBytes,
          inflateOn: settings.inflateOn,
          parquetReader: readParquetFlowLogLazily,
          onBytes,
        });
        if (unsent > 0) port.postMessage({ kind: 'bytes', bytes: unsent } satisfies Reply);
        unsent = 0;
        port.postMessage({ kind: 'report', index: request.index, report } satisfies Reply);
      } catch (err) {
        port.postMessage({ kind: 'output-error', index: request.index, error: describeError(err) } satisfies Reply);
      }
    });
  });
}
