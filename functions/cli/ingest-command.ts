import type { Worker } from 'node:worker_threads';
import { Command } from 'commander';
import { inflatePlacement } from '../adapters/inflate-placement.js';
import { isS3Url } from '../adapters/s3-url.js';
import { describeError } from '../core/describe-error.js';
import { OutputError } from '../core/errors.js';
import { type FlowLogLayout, formatString, parseLogFormat, UnknownFieldError } from '../core/flow-log-format.js';
import type { ObjectReport } from '../core/ingest-object.js';
import type { SourceObject } from '../core/ports.js';
import { type RunReport, RunSummary } from '../core/run-report.js';
import { formatBytes, formatCount, plural } from '../report/format.js';
import type { AlertingOutcome } from './alerting.js';
import { DEFAULT_MAX_OBJECT_TEXT, defineIngest, type IngestOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';
import { ingestOne } from './ingest-one.js';
import { IoTargets, readParquetFlowLogLazily } from './io-targets.js';
import { Progress } from './progress.js';
import { UsageError } from './usage.js';
import { defaultJobs, ingestInWorkers, type PoolOptions } from './worker-pool.js';

export interface IngestSettings {
  readonly paths: string[];
  readonly out: string;
  readonly windowSeconds: number;
  readonly format: FlowLogLayout | undefined;
  readonly quiet: boolean;
  readonly json: boolean;
  readonly boundaries?: string;
  readonly snsTopicArn?: string;
  readonly suppressMinutes: number;
  readonly endpoint?: string;
  /** Worker threads for multi-object local runs (1: in this thread; default: see `autoJobs`). */
  readonly jobs?: number;
  /** Text one object may inflate to before it is rejected. */
  readonly maxTextBytes: number;
}

/** `ciphertrail ingest`: runs and prints the report; the exit code says how it went. */
export async function runIngestCommand(
  inputs: string[],
  options: IngestOptionValues,
  started: readonly Worker[] = [],
): Promise<number> {
  const settings = ingestSettings(inputs, options);
  const { report, exitCode, alerting } = await runIngest(settings, { started });
  console.log(
    settings.json
      ? JSON.stringify(alerting ? { ...report, alerting } : report, null, 2)
      : renderIngestReport(report, settings.out) +
          (alerting ? `\n${(await import('./alerting.js')).renderAlertingSummary(alerting)}` : ''),
  );
  return exitCode;
}

/** Settings from command-line words, through the same definition `ciphertrail ingest` parses with. */
export function parseIngestArgs(args: string[]): IngestSettings {
  const command = defineIngest(new Command('ingest'))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  command.parse(args, { from: 'user' });
  return ingestSettings(command.args, command.opts<IngestOptionValues>());
}

function ingestSettings(inputs: string[], options: IngestOptionValues): IngestSettings {
  if (options.snsTopicArn && !options.boundaries) throw new UsageError('--sns-topic-arn needs --boundaries <file>');
  let format: FlowLogLayout | undefined;
  if (options.format !== undefined) {
    try {
      format = parseLogFormat(options.format);
    } catch (err) {
      throw new UsageError(err instanceof UnknownFieldError ? err.message : `--format: ${(err as Error).message}`);
    }
  }
  return {
    paths: inputs,
    out: options.out,
    windowSeconds: options.window,
    format,
    quiet: options.quiet ?? false,
    json: options.json ?? false,
    ...(options.boundaries ? { boundaries: options.boundaries } : {}),
    ...(options.snsTopicArn ? { snsTopicArn: options.snsTopicArn } : {}),
    suppressMinutes: options.suppressMinutes,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
    maxTextBytes: options.maxObjectText ?? DEFAULT_MAX_OBJECT_TEXT,
  };
}

/**
 * One ingest run. Every object is read and written on its own: a rejected object is counted and
 * named while the others go on; an object that fails for another reason (an S3 read that failed
 * after the SDK's retries, a bug) is rejected the same way, with that error. Only an output that
 * cannot be written stops the run (exit 3): what was committed before stays consistent.
 * `pool.started`: workers the CLI started before it loaded this module (worker-entry.ts).
 */
export async function runIngest(
  settings: IngestSettings,
  pool: PoolOptions = {},
): Promise<{ report: RunReport; exitCode: number; alerting?: AlertingOutcome }> {
  // Loaded with --boundaries only: the policy validator (Ajv) and the alert rules cost a run without them start-up time.
  const alertingModule = settings.boundaries ? await import('./alerting.js') : undefined;
  const policy = alertingModule && (await alertingModule.loadBoundaries(settings.boundaries!));
  const targets = new IoTargets(settings.endpoint);
  const store = await targets.output(settings.out);
  const { objects, skipped } = await targets.listInputs(settings.paths);
  if (objects.length === 0) {
    const why = skipped.length
      ? ` (${plural(skipped.length, 'entry', 'entries')} skipped: ${skipped
          .slice(0, 3)
          .map((s) => `${s.path} (${s.reason})`)
          .join(', ')}${skipped.length > 3 ? ', ...' : ''})`
      : '';
    throw new UsageError(`no flow-log objects in ${settings.paths.join(', ')}${why}`);
  }
  const sink = targets.sink(store);
  const started = Date.now();
  const summary = new RunSummary();
  summary.skip(skipped);
  const collectCleartext = policy !== undefined;
  // Kept only for the alert rules (the policy classifies each object's cleartext groups).
  const ingested: { object: SourceObject; report: ObjectReport }[] = [];
  const totalBytes = objects.totalBytes;
  const progress = new Progress({ quiet: settings.quiet, objects: objects.length, bytes: totalBytes });
  const done = (object: SourceObject, report: ObjectReport) => {
    summary.add(report);
    progress.object(report.parse?.records ?? 0);
    if (collectCleartext) ingested.push({ object, report });
  };
  const jobs = settings.jobs ?? autoJobs(totalBytes ?? 0);
  if (jobs > 1 && objects.length > 1 && !settings.paths.some(isS3Url)) {
    await ingestInWorkers(
      objects,
      {
        out: settings.out,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        windowSeconds: settings.windowSeconds,
        ...(settings.format ? { format: formatString(settings.format) } : {}),
        collectCleartext,
        maxTextBytes: settings.maxTextBytes,
        inflateOn: inflatePlacement(Math.min(jobs, objects.length)),
      },
      jobs,
      { onReport: (_index, report, object) => done(object, report), onBytes: (n) => progress.bytes(n) },
      pool,
    );
  } else {
    for (const object of objects) {
      done(
        object,
        await ingestOne(object, {
          sink,
          windowSeconds: settings.windowSeconds,
          format: settings.format,
          collectCleartext,
          maxTextBytes: settings.maxTextBytes,
          inflateOn: inflatePlacement(1),
          parquetReader: readParquetFlowLogLazily,
          onBytes: (n) => progress.bytes(n),
        }),
      );
    }
  }
  progress.done();
  const report = summary.finish(Date.now() - started);
  await writeOutput(
    () => store.put('ingest-report.json', Buffer.from(`${JSON.stringify(report, null, 2)}\n`), 'application/json'),
    store.describe('ingest-report.json'),
  );
  const alerting =
    policy &&
    alertingModule &&
    (await alertingModule.runAlerting(ingested, policy, sink, {
      boundaries: settings.boundaries!,
      store,
      snsTopicArn: settings.snsTopicArn,
      suppressMinutes: settings.suppressMinutes,
    }));
  const failed = report.totals.rejected > 0 || alerting?.publishError !== undefined;
  return { report, exitCode: failed ? EXIT.rejected : EXIT.ok, ...(alerting ? { alerting } : {}) };
}

async function writeOutput(write: () => Promise<void>, where: string): Promise<void> {
  try {
    await write();
  } catch (err) {
    throw new OutputError(`cannot write ${where}: ${describeError(err)}`, { cause: err });
  }
}

/** Starting a worker costs about half a second: runs under 16 MB stay in this thread. */
const AUTO_PARALLEL_BYTES = 16 * 1024 * 1024;

function autoJobs(bytes: number): number {
  return bytes >= AUTO_PARALLEL_BYTES ? defaultJobs() : 1;
}

/** A run shorter than this has no meaningful rate: its report leaves throughput out. */
const THROUGHPUT_MIN_MS = 2_000;

function renderIngestReport(report: RunReport, out: string): string {
  const t = report.totals;
  const noData = t.noDataRecords + t.skipDataRecords;
  const lines = [
    `ciphertrail ingest: ${plural(t.objects, 'object')} (${t.accepted} accepted, ${t.rejected} rejected) in ${(report.elapsedMs / 1000).toFixed(2)} s`,
    `  records      ${formatCount(t.records)}: ${formatCount(t.flows)} flows aggregated (${formatCount(t.cleartextRecords)} cleartext)` +
      `${noData ? `, ${formatCount(noData)} NODATA/SKIPDATA` : ''}` +
      `${t.malformed ? `; ${plural(t.malformed, 'malformed line')} not counted` : ''}`,
    `  bytes        ${formatBytes(t.bytesIn)} read, ${formatBytes(t.bytesText)} of text`,
  ];
  if (report.elapsedMs >= THROUGHPUT_MIN_MS)
    lines.push(`  throughput   ${formatCount(report.recordsPerSecond)} records/s`);
  if (noData) {
    lines.push(
      `  no data      ${plural(t.noDataRecords, 'NODATA record')} (${plural(t.noDataInterfaces, 'interface')}), ` +
        `${plural(t.skipDataRecords, 'SKIPDATA record')} (${plural(t.skipDataInterfaces, 'interface')})`,
    );
  }
  const rows = Object.entries(t.outputRows)
    .map(([table, n]) => `${table} ${formatCount(n)} rows`)
    .join(', ');
  lines.push(`  output       ${plural(t.outputFiles, 'Parquet file')} in ${out} (${rows || 'no rows'})`);
  for (const r of report.rejected) {
    lines.push(`  REJECTED     ${r.name}: ${r.reason}`);
    for (const s of r.samples.slice(0, 3)) lines.push(`                 line ${s.line}: ${s.reason}: ${s.text}`);
  }
  for (const m of report.malformed.slice(0, 20))
    lines.push(`  malformed    ${m.object}:${m.line}: ${m.reason}: ${m.text}`);
  if (t.malformed > 20)
    lines.push(`  malformed    ... ${formatCount(t.malformed - 20)} more (samples in ${out}/ingest-report.json)`);
  for (const s of report.skippedInputs.slice(0, 10)) lines.push(`  skipped      ${s.path}: ${s.reason}`);
  if (t.skipped > 10)
    lines.push(`  skipped      ... ${formatCount(t.skipped - 10)} more (in ${out}/ingest-report.json)`);
  for (const w of report.warnings) lines.push(`  warning      ${w.object}: ${w.warning}`);
  return lines.join('\n');
}
