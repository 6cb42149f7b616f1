import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { buildEnforcementPlan, type EnforcementPlan, type PlanFlow } from '../core/enforcement-plan.js';
import { LocalTables, type QueryRow } from './duckdb-tables.js';

export interface PlanWindow {
  /** The first instant of the window, from the newest window_start in the tables (`--since 14d`). */
  readonly startOf: (untilMs: number) => number;
  readonly vpcIds?: readonly string[];
}

/**
 * The enforcement plan over the tables of a local run (`ciphertrail plan`, and the HTML report):
 * the cleartext conversations of the window, summed over it, and the policy snapshot. The window
 * ends at the newest `window_start` in the tables, not at the wall clock, so a plan over tables
 * copied from S3 or over the bundled samples means the same thing on any day.
 */
export async function planFromTables(
  dir: string,
  policy: BoundaryPolicy,
  window: PlanWindow,
): Promise<EnforcementPlan> {
  const tables = await LocalTables.open(dir);
  try {
    const [latest] = await tables.query(
      'SELECT epoch_ms(max(window_start)) AS latest FROM (SELECT window_start FROM summary UNION ALL SELECT window_start FROM unencrypted)',
    );
    const untilMs = latest?.latest === null || latest?.latest === undefined ? 0 : Number(latest.latest);
    const sinceMs = window.startOf(untilMs);
    const rows = untilMs === 0 ? [] : await tables.query(cleartextConversations(sinceMs, untilMs));
    return buildEnforcementPlan(policy, rows.map(planFlow), {
      since: new Date(sinceMs).toISOString(),
      until: new Date(untilMs).toISOString(),
      ...(window.vpcIds ? { vpcIds: window.vpcIds } : {}),
    });
  } finally {
    tables.close();
  }
}

/** Cleartext (status 0) conversations of the window, at the grain classification reads. */
function cleartextConversations(sinceMs: number, untilMs: number): string {
  return `SELECT account_id, region, vpc_id, interface_id, interface_type, srcaddr, dstaddr, protocol, port,
    traffic_path, flow_direction, action, reject_reason,
    sum(flows) AS flows, sum(coalesce(bytes, 0)) AS bytes,
    epoch_ms(min(first_seen)) AS first_seen, epoch_ms(max(last_seen)) AS last_seen
  FROM unencrypted
  WHERE window_start >= make_timestamptz(${Math.trunc(sinceMs)} * 1000) AND window_start <= make_timestamptz(${Math.trunc(untilMs)} * 1000)
  GROUP BY ALL
  ORDER BY bytes DESC, flows DESC, interface_id, srcaddr, dstaddr, port`;
}

const str = (v: QueryRow[string] | undefined) => (v === null || v === undefined ? null : String(v));
const int = (v: QueryRow[string] | undefined) => (v === null || v === undefined ? null : Number(v));
const iso = (v: QueryRow[string] | undefined) =>
  v === null || v === undefined ? '' : new Date(Number(v)).toISOString();

function planFlow(r: QueryRow): PlanFlow {
  const direction = str(r.flow_direction);
  return {
    account_id: str(r.account_id),
    region: str(r.region),
    vpc_id: str(r.vpc_id),
    interface_id: str(r.interface_id),
    interface_type: str(r.interface_type),
    srcaddr: str(r.srcaddr),
    dstaddr: str(r.dstaddr),
    protocol: int(r.protocol),
    port: int(r.port),
    traffic_path: int(r.traffic_path),
    flow_direction: direction === 'ingress' || direction === 'egress' ? direction : null,
    action: str(r.action) as PlanFlow['action'],
    reject_reason: str(r.reject_reason) as PlanFlow['reject_reason'],
    encryption_status: 0,
    flows: Number(r.flows ?? 0),
    bytes: Number(r.bytes ?? 0),
    first_seen: iso(r.first_seen),
    last_seen: iso(r.last_seen),
  };
}
