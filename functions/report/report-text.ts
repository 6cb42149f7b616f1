import type { QueryRow } from '../adapters/query-runner.js';
import { encryptionStatusLabel, trafficPathLabel } from '../core/encryption-status.js';
import { protocolName } from '../core/policy/classify-flow.js';
import { renderBoundaryReport } from './boundary-report.js';
import { formatBytes, formatCount, plural, utcMinute } from './format.js';
import type { Evidence, ReportData } from './report-data.js';

const pct = (v: unknown) => (v === null || v === undefined ? '-' : `${Number(v).toFixed(1)}%`);
const share = (part: unknown, total: unknown) =>
  Number(total) > 0 ? `${((100 * Number(part)) / Number(total)).toFixed(1)}%` : '-';

/** The terminal rendering of `report`: for an engineer reading it the first time. */
export function renderReportText(report: ReportData, dir: string): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(`ciphertrail coverage report of ${dir}`);
  out.push(`  period     ${periodText(report)}`);
  out.push(...evidenceLines(report.evidence));
  out.push(
    `  traffic    ${formatBytes(t.bytes ?? 0)} in ${plural(Number(t.flows ?? 0), 'flow')}, ` +
      `${plural(Number(t.vpcs ?? 0), 'VPC')}, ${plural(Number(t.interfaces ?? 0), 'ENI')}`,
  );
  out.push(
    `  encrypted  ${pct(t.encrypted_bytes_pct)} of bytes (${pct(t.encrypted_flows_pct)} of flows); ` +
      `cleartext ${formatBytes(t.cleartext_bytes ?? 0)} (${share(t.cleartext_bytes, t.bytes)}), ` +
      `unknown ${formatBytes(t.unknown_bytes ?? 0)} (${share(t.unknown_bytes, t.bytes)}), ` +
      `no status field ${formatBytes(t.no_status_field_bytes ?? 0)} (${share(t.no_status_field_bytes, t.bytes)})`,
  );
  out.push('', 'Statuses (the encryption-status field of flow-log version 10)');
  for (const s of report.legend) out.push(`  ${s.code.padEnd(2)}${s.label.padEnd(17)}${s.meaning}`);
  out.push('', 'Encryption coverage by VPC (share of bytes; flows in parentheses)');
  out.push(
    table(
      ['VPC', 'flows', 'bytes', 'cleartext', 'nitro', 'application', 'both', 'unknown', 'no status field'],
      report.byVpc.map((r) => [
        String(r.vpc_id),
        formatCount(Number(r.flows)),
        formatBytes(r.bytes),
        `${pct(r.cleartext_bytes_pct)} (${pct(r.cleartext_flows_pct)})`,
        `${pct(r.nitro_bytes_pct)} (${pct(r.nitro_flows_pct)})`,
        `${pct(r.application_bytes_pct)} (${pct(r.application_flows_pct)})`,
        `${pct(r.both_bytes_pct)} (${pct(r.both_flows_pct)})`,
        `${pct(r.unknown_bytes_pct)} (${pct(r.unknown_flows_pct)})`,
        `${pct(r.no_status_field_bytes_pct)} (${pct(r.no_status_field_flows_pct)})`,
      ]),
    ),
  );
  out.push('', 'Encryption coverage by path (share of bytes)');
  out.push(
    table(
      [
        'direction',
        'traffic path',
        'flows',
        'bytes',
        'cleartext',
        'nitro',
        'application',
        'both',
        'unknown',
        'no status field',
      ],
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
        pct(r.no_status_field_bytes_pct),
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
  if (report.trend) out.push('', ...trendLines(report.trend));
  if (report.boundaries) out.push('', renderBoundaryReport(report.boundaries, table));
  return out.join('\n');
}

/** "2025-11-21 10:00 UTC to 2025-11-21 11:05 UTC (1 day)", with the --since window when one was given. */
export function periodText(report: ReportData): string {
  const { start, end, days } = report.evidence.period;
  const window = report.window.since
    ? ` (--since ${report.window.since}: ${report.window.fromDay ?? '?'} to ${report.window.lastDay ?? '?'})`
    : '';
  if (start === null) return `no rows in the tables${window}`;
  return `${utcMinute(start)} to ${utcMinute(end ?? start)}, ${plural(days, 'day')} with data${window}`;
}

function evidenceLines(e: Evidence): string[] {
  const lines: string[] = [];
  const inTables = e.objectsInTables === null ? 'unknown' : plural(e.objectsInTables, 'source object');
  lines.push(`  evidence   ${inTables} in the tables (all ingest runs)`);
  const run = e.lastIngestRun;
  if (run) {
    lines.push(
      `             last ingest run: ${plural(run.objects, 'object')}, ${formatCount(run.accepted)} accepted, ` +
        `${formatCount(run.rejected)} rejected, ${plural(run.malformedLines, 'malformed line')}`,
    );
    for (const r of run.rejectedObjects) lines.push(`             rejected: ${r.name}: ${r.reason}`);
    if (run.rejected > run.rejectedObjects.length) {
      lines.push(`             ... ${formatCount(run.rejected - run.rejectedObjects.length)} more rejected`);
    }
  } else lines.push('             no ingest-report.json: objects rejected by the run that wrote these tables unknown');
  if (e.quarantined !== null && e.quarantined > 0)
    lines.push(`             ${plural(e.quarantined, 'object')} quarantined under rejects/`);
  return lines;
}

function trendLines(trend: NonNullable<ReportData['trend']>): string[] {
  const out = ['Daily trend per VPC (share of bytes encrypted; cleartext ENI/peer pairs)'];
  out.push(
    table(
      ['VPC', 'day', 'flows', 'bytes', 'encrypted', 'cleartext', 'unknown', 'no status field', 'cleartext pairs'],
      trend.byVpcDay.map((r) => [
        String(r.vpc_id),
        String(r.day),
        formatCount(Number(r.flows)),
        formatBytes(r.bytes),
        pct(r.encrypted_bytes_pct),
        formatBytes(r.cleartext_bytes),
        formatBytes(r.unknown_bytes),
        formatBytes(r.no_status_field_bytes),
        formatCount(Number(r.cleartext_pairs)),
      ]),
    ),
  );
  out.push('', 'New cleartext ENI/peer pairs (first seen in the latest 7 days, never before them)');
  out.push(
    trend.newCleartextPairs.length === 0
      ? '  none (or the tables hold 7 days or less: nothing to compare with)'
      : table(
          ['VPC', 'ENI', 'peer', 'service', 'flows', 'bytes', 'first seen', 'last seen'],
          trend.newCleartextPairs.map((r) => [
            String(r.vpc_id ?? '-'),
            String(r.interface_id ?? '-'),
            String(r.peer ?? '-'),
            service(r),
            formatCount(Number(r.flows)),
            formatBytes(r.bytes),
            utcMinute(String(r.first_seen)),
            utcMinute(String(r.last_seen)),
          ]),
        ),
  );
  return out;
}

export const service = (r: QueryRow) =>
  `${protocolName(r.protocol === null || r.protocol === undefined ? null : Number(r.protocol))}/${r.port ?? '-'}`;

/** A plain aligned text table. */
export function table(header: string[], rows: string[][]): string {
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
