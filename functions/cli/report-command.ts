import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { namedQuery } from '../../schemas/queries.js';
import { OUTPUT_TABLES } from '../../schemas/tables.js';
import { LocalTables, type QueryRow } from '../adapters/duckdb-tables.js';
import { isS3Url } from '../adapters/s3-url.js';
import { definedProps } from '../core/defined.js';
import { encryptionStatusLabel, trafficPathLabel } from '../core/encryption-status.js';
import { type BoundaryReport, buildBoundaryReport, renderBoundaryReport } from './boundary-report.js';
import type { ReportOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';
import { formatBytes, formatCount, UsageError } from './usage.js';

/** `ciphertrail report <dir>`: the coverage report of an ingest run's tables. */
export async function runReportCommand(dir: string, options: ReportOptionValues): Promise<number> {
  if (isS3Url(dir)) {
    throw new UsageError(
      `report reads the tables of a local run; ${dir} is in S3. Query the deployed tables in Athena ` +
        '(workgroup ciphertrail, the saved queries are the same SQL), or copy them first: aws s3 sync <s3 tables prefix> <dir>',
    );
  }
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) throw new UsageError(`no such folder: ${dir}`);
  if (!info.isDirectory() || !hasTables(dir)) {
    throw new UsageError(
      `no ciphertrail tables in ${dir}: give the --out folder of \`ciphertrail ingest\`` +
        (info.isDirectory() ? ' (it holds summary/, unencrypted/ and ingest-report.json)' : ' (this is a file)'),
    );
  }
  const report = await buildCoverageReport(dir);
  console.log(options.json ? JSON.stringify(report, null, 2) : renderCoverageReport(report));
  return EXIT.ok;
}

/** True when `dir` holds an ingest run report or a table folder (tables copied from S3 have no report). */
function hasTables(dir: string): boolean {
  if (existsSync(join(dir, 'ingest-report.json'))) return true;
  return OUTPUT_TABLES.some((table) => existsSync(join(dir, table.name)));
}

interface CoverageReport {
  byVpc: QueryRow[];
  byPath: QueryRow[];
  topCleartextTalkers: QueryRow[];
  boundaries?: BoundaryReport;
}

async function buildCoverageReport(dir: string): Promise<CoverageReport> {
  const tables = await LocalTables.open(dir);
  try {
    const run = (name: string) => tables.query(namedQuery(name)!.sql);
    return {
      byVpc: await run('coverage_by_vpc'),
      byPath: await run('coverage_by_path'),
      topCleartextTalkers: await run('top_cleartext_talkers'),
      ...definedProps({ boundaries: await buildBoundaryReport(dir, run) }),
    };
  } finally {
    tables.close();
  }
}

const pct = (v: unknown) => (v === null || v === undefined ? '-' : `${Number(v).toFixed(1)}%`);

function renderCoverageReport(report: CoverageReport): string {
  const out: string[] = [];
  out.push('Encryption coverage by VPC (share of bytes; flows in parentheses)');
  out.push(
    table(
      ['VPC', 'flows', 'bytes', 'cleartext', 'nitro', 'application', 'both', 'unknown'],
      report.byVpc.map((r) => [
        String(r.vpc_id),
        formatCount(Number(r.flows)),
        formatBytes(r.bytes),
        `${pct(r.cleartext_bytes_pct)} (${pct(r.cleartext_flows_pct)})`,
        `${pct(r.nitro_bytes_pct)} (${pct(r.nitro_flows_pct)})`,
        `${pct(r.application_bytes_pct)} (${pct(r.application_flows_pct)})`,
        `${pct(r.both_bytes_pct)} (${pct(r.both_flows_pct)})`,
        `${pct(r.unknown_bytes_pct)} (${pct(r.unknown_flows_pct)})`,
      ]),
    ),
  );
  out.push('', 'Encryption coverage by path (share of bytes)');
  out.push(
    table(
      ['direction', 'traffic path', 'flows', 'bytes', 'cleartext', 'nitro', 'application', 'both', 'unknown'],
      report.byPath.map((r) => [
        String(r.flow_direction),
        r.traffic_path === null ? '-' : `${r.traffic_path} ${trafficPathLabel(Number(r.traffic_path))}`,
        formatCount(Number(r.flows)),
        formatBytes(r.bytes),
        `${pct(r.cleartext_bytes_pct)} (${pct(r.cleartext_flows_pct)} flows)`,
        pct(r.nitro_bytes_pct),
        pct(r.application_bytes_pct),
        pct(r.both_bytes_pct),
        pct(r.unknown_bytes_pct),
      ]),
    ),
  );
  out.push(
    '',
    `Top cleartext conversations (${encryptionStatusLabel(0)}, encryption-status 0; both directions, client to server)`,
  );
  out.push(
    report.topCleartextTalkers.length === 0
      ? '  none: no record with encryption-status 0'
      : table(
          ['VPC', 'ENI', 'client', 'server', 'proto', 'port', 'action', 'flows', 'bytes'],
          report.topCleartextTalkers.map((r) => [
            String(r.vpc_id ?? '-'),
            String(r.interface_id ?? '-'),
            String(r.client ?? '-'),
            String(r.server ?? '-'),
            String(r.protocol ?? '-'),
            String(r.port ?? '-'),
            String(r.action ?? '-'),
            formatCount(Number(r.flows)),
            formatBytes(r.bytes),
          ]),
        ),
  );
  if (report.boundaries) out.push('', renderBoundaryReport(report.boundaries, table));
  return out.join('\n');
}

/** A plain aligned text table. */
function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '  (no data)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    '  ' +
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
