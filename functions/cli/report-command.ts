import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { namedQuery } from '../../schemas/queries.js';
import { LocalTables, type QueryRow } from '../adapters/duckdb-tables.js';
import { encryptionStatusLabel, trafficPathLabel } from '../core/encryption-status.js';
import { type BoundaryReport, buildBoundaryReport, renderBoundaryReport } from './boundary-report.js';
import { formatBytes, formatCount, UsageError } from './usage.js';

export const REPORT_HELP = `Usage: ciphertrail report <dir> [--json]

Reads the Parquet tables written by 'ciphertrail ingest --out <dir>' with an embedded DuckDB
and prints the encryption-coverage picture: per VPC and per path, bytes and flows by status
(cleartext / nitro / application / both / unknown), and the top cleartext talkers.
When the ingest run had --boundaries (it leaves <dir>/boundaries.json), also the violations,
the EC-blocked flows and the enforcement readiness of each monitor-mode VPC.

Options:
  --json       print the query results as JSON
  -h, --help   show this help`;

export function parseReportArgs(args: string[]): { dir: string; json: boolean } | 'help' {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError('give exactly one output directory');
  const dir = positionals[0]!;
  if (!existsSync(dir)) throw new UsageError(`no such directory: ${dir}`);
  return { dir, json: values.json };
}

export interface CoverageReport {
  byVpc: QueryRow[];
  byPath: QueryRow[];
  topCleartextTalkers: QueryRow[];
  boundaries?: BoundaryReport;
}

export async function buildCoverageReport(dir: string): Promise<CoverageReport> {
  const tables = await LocalTables.open(dir);
  try {
    const run = (name: string) => tables.query(namedQuery(name)!.sql);
    return {
      byVpc: await run('coverage_by_vpc'),
      byPath: await run('coverage_by_path'),
      topCleartextTalkers: await run('top_cleartext_talkers'),
      boundaries: await buildBoundaryReport(dir, run),
    };
  } finally {
    tables.close();
  }
}

const pct = (v: unknown) => (v === null || v === undefined ? '-' : `${Number(v).toFixed(1)}%`);

export function renderCoverageReport(report: CoverageReport): string {
  const out: string[] = [];
  out.push('Encryption coverage by VPC (share of bytes; flows in parentheses)');
  out.push(table(
    ['VPC', 'flows', 'bytes', 'cleartext', 'nitro', 'application', 'both', 'unknown'],
    report.byVpc.map((r) => [
      String(r.vpc_id), formatCount(Number(r.flows)), formatBytes(r.bytes),
      `${pct(r.cleartext_bytes_pct)} (${pct(r.cleartext_flows_pct)})`, `${pct(r.nitro_bytes_pct)} (${pct(r.nitro_flows_pct)})`,
      `${pct(r.application_bytes_pct)} (${pct(r.application_flows_pct)})`, `${pct(r.both_bytes_pct)} (${pct(r.both_flows_pct)})`,
      `${pct(r.unknown_bytes_pct)} (${pct(r.unknown_flows_pct)})`,
    ]),
  ));
  out.push('', 'Encryption coverage by path (share of bytes)');
  out.push(table(
    ['direction', 'traffic path', 'flows', 'bytes', 'cleartext', 'nitro', 'application', 'both', 'unknown'],
    report.byPath.map((r) => [
      String(r.flow_direction),
      r.traffic_path === null ? '-' : `${r.traffic_path} ${trafficPathLabel(Number(r.traffic_path))}`,
      formatCount(Number(r.flows)), formatBytes(r.bytes), `${pct(r.cleartext_bytes_pct)} (${pct(r.cleartext_flows_pct)} flows)`,
      pct(r.nitro_bytes_pct), pct(r.application_bytes_pct), pct(r.both_bytes_pct), pct(r.unknown_bytes_pct),
    ]),
  ));
  out.push('', `Top cleartext talkers (${encryptionStatusLabel(0)}, encryption-status 0)`);
  out.push(report.topCleartextTalkers.length === 0
    ? '  none: no record with encryption-status 0'
    : table(
      ['VPC', 'ENI', 'source', 'destination', 'proto', 'port', 'action', 'flows', 'bytes'],
      report.topCleartextTalkers.map((r) => [
        String(r.vpc_id ?? '-'), String(r.interface_id ?? '-'), String(r.srcaddr ?? '-'), String(r.dstaddr ?? '-'),
        String(r.protocol ?? '-'), String(r.port ?? '-'), String(r.action ?? '-'), formatCount(Number(r.flows)),
        formatBytes(r.bytes),
      ]),
    ));
  if (report.boundaries) out.push('', renderBoundaryReport(report.boundaries, table));
  return out.join('\n');
}

/** A plain aligned text table. */
export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '  (no data)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
