import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLogFormat, UnknownFieldError, type FlowLogLayout } from '../core/flow-log-format.js';
import { ingestObject, type ObjectReport } from '../core/ingest-object.js';
import type { SourceObject } from '../core/ports.js';
import { type RunReport, summarizeRun } from '../core/run-report.js';
import { listLocalObjects } from '../adapters/local-files.js';
import { LocalDirStore } from '../adapters/local-dir-store.js';
import { ParquetTableSink } from '../adapters/parquet-sink.js';
import { formatBytes, formatCount, positiveInt, UsageError } from './usage.js';

export const INGEST_HELP = `Usage: ciphertrail ingest <file-or-dir>... --out <dir> [options]

Parses VPC flow-log objects (gzip or plain text, any custom format with a header line),
aggregates them and writes Parquet tables <dir>/summary/ and <dir>/unencrypted/.

Options:
  --out <dir>          output directory (required)
  --window <seconds>   aggregation window for window_start (default 300)
  --format <fields>    layout of headerless objects: '\${version} \${vpc-id} ...' or plain names
  --quiet              no progress on stderr
  --json               print the run report as JSON instead of text
  -h, --help           show this help

Exit status: 0 every object accepted, 1 some object rejected (the rest were written), 2 usage error.`;

export interface IngestSettings {
  readonly paths: string[];
  readonly out: string;
  readonly windowSeconds: number;
  readonly format: FlowLogLayout | undefined;
  readonly quiet: boolean;
  readonly json: boolean;
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('give at least one file or directory to ingest');
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
  };
}

export async function runIngest(settings: IngestSettings): Promise<{ report: RunReport; exitCode: number }> {
  let objects: SourceObject[];
  try {
    objects = await listLocalObjects(settings.paths);
  } catch (err) {
    throw new UsageError(`cannot read input: ${(err as Error).message}`);
  }
  const sink = new ParquetTableSink(new LocalDirStore(settings.out));
  const started = Date.now();
  const reports: ObjectReport[] = [];
  const progress = new Progress(settings.quiet, objects.length);
  for (const object of objects) {
    reports.push(await ingestObject(object, { sink, windowSeconds: settings.windowSeconds, format: settings.format }));
    progress.update(reports);
  }
  progress.done();
  const report = summarizeRun(reports, Date.now() - started);
  await mkdir(settings.out, { recursive: true });
  await writeFile(join(settings.out, 'ingest-report.json'), JSON.stringify(report, null, 2) + '\n');
  return { report, exitCode: report.totals.rejected > 0 ? 1 : 0 };
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
