import { parseArgs } from 'node:util';
import { formatString, parseLogFormat, UnknownFieldError, type FlowLogLayout } from '../core/flow-log-format.js';
import { ingestObject, type ObjectReport } from '../core/ingest-object.js';
import type { SourceObject } from '../core/ports.js';
import { type RunReport, summarizeRun } from '../core/run-report.js';
import { ParquetTableSink } from '../adapters/parquet-sink.js';
import { isS3Url } from '../adapters/s3-url.js';
import { IoTargets, readParquetFlowLogLazily } from './io-targets.js';
import { defaultJobs, ingestInWorkers } from './worker-pool.js';
import { type AlertingOutcome, loadBoundaries, runAlerting } from './alerting.js';
import { formatBytes, formatCount, positiveInt, UsageError } from './usage.js';

export const INGEST_HELP = `Usage: ciphertrail ingest <file-or-dir|s3://bucket/prefix>... --out <dir|s3://bucket/prefix> [options]

Parses VPC flow-log objects (gzip or plain text, any custom format with a header line),
aggregates them and writes Parquet tables <dir>/summary/ and <dir>/unencrypted/.

Options:
  --out <dir>          output directory (required)
  --window <seconds>   aggregation window for window_start (default 300)
  --endpoint <url>     S3-compatible endpoint for s3:// inputs and outputs (default: AWS S3)
  --format <fields>    layout of headerless objects: '\${version} \${vpc-id} ...' or plain names
  --boundaries <file>  boundary policy (file or s3://): classify cleartext, write <dir>/findings/,
                       <dir>/alerts.jsonl (new pages) and <dir>/readiness.jsonl
  --sns-topic-arn <arn>  also publish new pages to this SNS topic (needs --boundaries)
  --suppress-minutes <n> page the same VPC/ENI/peer/port/rule at most once per n minutes (default 60)
  --jobs <n>           objects ingested in parallel by worker threads (default: available cores
                       when the inputs hold 16 MB or more; local inputs only, s3:// inputs run
                       one at a time)
  --quiet              no progress on stderr
  --json               print the run report as JSON instead of text
  -h, --help           show this help

Exit status: 0 every object accepted, 1 some object rejected (the rest were written) or an SNS
message could not be published, 2 usage error.`;

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
}

export function parseIngestArgs(args: string[]): IngestSettings | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      window: { type: 'string' },
      format: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      boundaries: { type: 'string' },
      'sns-topic-arn': { type: 'string' },
      'suppress-minutes': { type: 'string' },
      endpoint: { type: 'string' },
      jobs: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('give at least one file or directory to ingest');
  if (values['sns-topic-arn'] && !values.boundaries) throw new UsageError('--sns-topic-arn needs --boundaries <file>');
  if (!values.out) throw new UsageError('--out <dir> is required');
  let format: FlowLogLayout | undefined;
  if (values.format !== undefined) {
    try {
      format = parseLogFormat(values.format);
    } catch (err) {
      throw new UsageError(err instanceof UnknownFieldError ? err.message : `--format: ${(err as Error).message}`);
    }
  }
  return {
    paths: positionals, out: values.out, windowSeconds: positiveInt('--window', values.window, 300), format,
    quiet: values.quiet, json: values.json,
    ...(values.boundaries ? { boundaries: values.boundaries } : {}),
    ...(values['sns-topic-arn'] ? { snsTopicArn: values['sns-topic-arn'] } : {}),
    suppressMinutes: positiveInt('--suppress-minutes', values['suppress-minutes'], 60),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.jobs !== undefined ? { jobs: positiveInt('--jobs', values.jobs, 1) } : {}),
  };
}

export async function runIngest(settings: IngestSettings):
  Promise<{ report: RunReport; exitCode: number; alerting?: AlertingOutcome }> {
  const policy = settings.boundaries ? await loadBoundaries(settings.boundaries) : undefined;
  const targets = new IoTargets(settings.endpoint);
  let objects: SourceObject[];
  try {
    objects = await targets.listInputs(settings.paths);
  } catch (err) {
    throw new UsageError(`cannot read input: ${(err as Error).message}`);
  }
  const store = await targets.output(settings.out);
  const sink = new ParquetTableSink(store);
  const started = Date.now();
  let reports: ObjectReport[] = [];
  const progress = new Progress(settings.quiet, objects.length);
  const jobs = settings.jobs ?? autoJobs(objects);
  if (jobs > 1 && objects.length > 1 && !settings.paths.some(isS3Url)) {
    reports = await ingestInWorkers(objects, {
      paths: settings.paths, out: settings.out, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      windowSeconds: settings.windowSeconds, ...(settings.format ? { format: formatString(settings.format) } : {}),
      collectCleartext: policy !== undefined,
    }, jobs, (done) => progress.update(done));
  } else {
    for (const object of objects) {
      reports.push(await ingestObject(object, {
        sink, windowSeconds: settings.windowSeconds, format: settings.format, collectCleartext: policy !== undefined,
        parquetReader: readParquetFlowLogLazily,
      }));
      progress.update(reports);
    }
  }
  progress.done();
  const report = summarizeRun(reports, Date.now() - started);
  await store.put('ingest-report.json', Buffer.from(JSON.stringify(report, null, 2) + '\n'), 'application/json');
  const alerting = policy && await runAlerting(objects.map((object, i) => ({ object, report: reports[i]! })), policy, sink,
    { boundaries: settings.boundaries!, store, snsTopicArn: settings.snsTopicArn, suppressMinutes: settings.suppressMinutes });
  const failed = report.totals.rejected > 0 || alerting?.publishError !== undefined;
  return { report, exitCode: failed ? 1 : 0, ...(alerting ? { alerting } : {}) };
}

/** Starting a worker costs about half a second: runs under 16 MB stay in this thread. */
const AUTO_PARALLEL_BYTES = 16 * 1024 * 1024;

function autoJobs(objects: readonly SourceObject[]): number {
  const bytes = objects.reduce((sum, object) => sum + (object.size ?? 0), 0);
  return bytes >= AUTO_PARALLEL_BYTES ? defaultJobs() : 1;
}

/** Progress on stderr, at most every two seconds, only for runs long enough to need it. */
class Progress {
  private readonly started = Date.now();
  private last = Date.now();
  private shown = false;
  constructor(private readonly quiet: boolean, private readonly total: number) {}

  update(reports: readonly ObjectReport[]): void {
    const now = Date.now();
    if (this.quiet || now - this.last < 2000) return;
    this.last = now;
    this.shown = true;
    const records = reports.reduce((n, r) => n + (r.parse?.records ?? 0), 0);
    const rate = Math.round((records * 1000) / (now - this.started));
    process.stderr.write(`ingest: ${reports.length}/${this.total} objects, ${formatCount(records)} records, ` +
      `${formatCount(rate)} records/s\n`);
  }

  done(): void {
    if (this.shown) process.stderr.write('ingest: done\n');
  }
}

export function renderIngestReport(report: RunReport, out: string): string {
  const t = report.totals;
  const lines = [
    `ciphertrail ingest: ${t.objects} objects (${t.accepted} accepted, ${t.rejected} rejected) in ${(report.elapsedMs / 1000).toFixed(2)} s`,
    `  records      ${formatCount(t.records)} (${formatCount(t.cleartextRecords)} cleartext), ${formatCount(t.malformed)} malformed lines`,
    `  bytes        ${formatBytes(t.bytesIn)} read, ${formatBytes(t.bytesText)} of text`,
    `  throughput   ${formatCount(report.recordsPerSecond)} records/s`,
  ];
  if (t.noDataRecords || t.skipDataRecords) {
    lines.push(`  no data      ${formatCount(t.noDataRecords)} NODATA records on ${t.noDataInterfaces} interfaces, ` +
      `${formatCount(t.skipDataRecords)} SKIPDATA records on ${t.skipDataInterfaces} interfaces`);
  }
  const rows = Object.entries(t.outputRows).map(([table, n]) => `${table} ${formatCount(n)} rows`).join(', ');
  lines.push(`  output       ${t.outputFiles} Parquet files in ${out} (${rows || 'no rows'})`);
  for (const r of report.rejected) {
    lines.push(`  REJECTED     ${r.name}: ${r.reason}`);
    for (const s of r.samples.slice(0, 3)) lines.push(`                 line ${s.line}: ${s.reason}: ${s.text}`);
  }
  for (const m of report.malformed.slice(0, 20)) lines.push(`  malformed    ${m.object}:${m.line}: ${m.reason}: ${m.text}`);
  if (report.malformed.length > 20) lines.push(`  malformed    ... ${report.malformed.length - 20} more samples in ${out}/ingest-report.json`);
  for (const w of report.warnings) lines.push(`  warning      ${w.object}: ${w.warning}`);
  return lines.join('\n');
}
