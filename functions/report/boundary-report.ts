import { existsSync, readFileSync } from 'node:fs';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import type { QueryRow } from '../adapters/query-runner.js';
import { protocolName } from '../core/policy/classify-flow.js';
import { formatBytes, formatCount, utcMinute } from './format.js';

export interface BoundaryReport {
  /** Every VPC of the policy the ingest run classified with (`<dir>/boundaries.json`), with its mode. */
  readonly vpcs: { id: string; name?: string; mode: string }[];
  /** Monitor-mode VPCs of that policy. */
  readonly monitorVpcs: { id: string; name?: string }[];
  readonly violations: QueryRow[];
  readonly blocked: QueryRow[];
  readonly readiness: QueryRow[];
}

/**
 * The boundary sections of `report`, from the `findings` table and the boundary policy (the copy a
 * local ingest run with --boundaries keeps, or the sync's snapshot); undefined without a policy.
 * Remediation hints come from the pages sent (`alerts.jsonl`), when there is such a file.
 */
export async function buildBoundaryReport(
  policy: BoundaryPolicy | undefined,
  alertsPath: string | undefined,
  run: (query: string) => Promise<QueryRow[]>,
): Promise<BoundaryReport | undefined> {
  if (!policy) return undefined;
  const monitorVpcs = Object.entries(policy.vpcs)
    .filter(([, v]) => v.mode === 'monitor')
    .map(([id, v]) => ({ id, ...(v.name ? { name: v.name } : {}) }));
  const vpcs = Object.entries(policy.vpcs).map(([id, v]) => ({
    id,
    mode: v.mode,
    ...(v.name ? { name: v.name } : {}),
  }));
  const hints = alertsPath ? remediationHints(alertsPath) : new Map<string, string>();
  const violations = (await run('cleartext_crossing_enforced_boundaries')).map((r) => ({
    ...r,
    remediation: hints.get([r.vpc_id, r.interface_id, r.peer, r.protocol, r.port, r.rule].join('|')) ?? null,
  }));
  return {
    vpcs,
    monitorVpcs,
    violations,
    blocked: await run('blocked_ec_flows'),
    readiness: await run('readiness_by_monitor_vpc'),
  };
}

/**
 * The remediation hint each violation paged with, by dedup key (VPC|ENI|peer|protocol|port|rule:
 * the grain of the violations query), from `<dir>/alerts.jsonl`; the latest line of a key wins.
 * A key that never paged (held back by the per-run cap until a later run) has no hint yet.
 */
function remediationHints(path: string): Map<string, string> {
  const hints = new Map<string, string>();
  if (!existsSync(path)) return hints;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const alert = JSON.parse(line) as { dedup_key?: unknown; remediation?: unknown };
      if (typeof alert.dedup_key === 'string' && typeof alert.remediation === 'string') {
        hints.set(alert.dedup_key, alert.remediation);
      }
    } catch {
      // A torn last line (a run that died mid-write) holds no hint; the other lines still count.
    }
  }
  return hints;
}

type Table = (header: string[], rows: string[][]) => string;

const proto = (r: QueryRow) => `${protocolName(r.protocol === null ? null : Number(r.protocol))}/${r.port ?? '-'}`;
const volume = (r: QueryRow) => [formatCount(Number(r.flows)), formatBytes(r.bytes)];

export function renderBoundaryReport(report: BoundaryReport, table: Table): string {
  const out: string[] = [];
  out.push('Cleartext crossing enforced boundaries (violations)');
  out.push(
    report.violations.length === 0
      ? '  none'
      : table(
          ['VPC', 'ENI', 'rule', 'severity', 'peer', 'service', 'flows', 'bytes'],
          report.violations.map((r) => [
            String(r.vpc_id ?? '-'),
            String(r.interface_id ?? '-'),
            String(r.rule),
            String(r.severity),
            String(r.peer ?? '-'),
            proto(r),
            ...volume(r),
          ]),
        ),
  );
  out.push('', 'Blocked by encryption controls (reject-reason EC)');
  out.push(
    report.blocked.length === 0
      ? '  none'
      : table(
          ['VPC', 'ENI', 'source', 'destination', 'service', 'flows', 'bytes'],
          report.blocked.map((r) => [
            String(r.vpc_id ?? '-'),
            String(r.interface_id ?? '-'),
            String(r.srcaddr ?? '-'),
            String(r.dstaddr ?? '-'),
            proto(r),
            ...volume(r),
          ]),
        ),
  );
  out.push('', 'Enforcement readiness per monitor-mode VPC (cleartext that enforce mode would block)');
  if (report.monitorVpcs.length === 0) out.push('  no monitor-mode VPC in the boundary policy');
  for (const vpc of report.monitorVpcs) {
    const rows = report.readiness.filter((r) => r.vpc_id === vpc.id);
    const label = vpc.name ? `${vpc.id} (${vpc.name})` : vpc.id;
    if (rows.length === 0) {
      out.push(`  ${label}: no cleartext seen in these logs`);
      continue;
    }
    const flows = rows.reduce((n, r) => n + Number(r.flows), 0);
    const bytes = rows.reduce((n, r) => n + Number(r.bytes), 0);
    out.push(
      `  ${label}: ${rows.length} ENI/peer pairs still send cleartext (${formatCount(flows)} flows, ${formatBytes(bytes)})`,
    );
    out.push(
      table(
        ['ENI', 'peer', 'service', 'flows', 'bytes', 'last seen'],
        rows.map((r) => [
          String(r.interface_id ?? '-'),
          String(r.peer ?? '-'),
          proto(r),
          ...volume(r),
          r.last_seen === null || r.last_seen === undefined ? '-' : utcMinute(String(r.last_seen)),
        ]),
      ),
    );
  }
  return out.join('\n');
}
