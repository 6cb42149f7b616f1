import { type AlertRecord, type FindingClass, SEVERITY_ORDER, type Severity } from '../../../schemas/alert.js';
import type { FindingRow } from '../../../schemas/tables.js';
import type { CleartextGroup } from '../flow-log-aggregator.js';
import type { BoundaryIndex } from '../policy/boundary-index.js';
import { classifyFlow, type FlowClassification, protocolName } from '../policy/classify-flow.js';
import type { AlertRuleId } from '../policy/rules.js';
import { remediationHint } from './remediation.js';

/** A group the policy did not find `ok`, with the verdict. */
export interface ClassifiedGroup {
  readonly group: CleartextGroup;
  readonly verdict: FlowClassification;
}

/**
 * One finding at the grain on-call acts on: (VPC, ENI, peer, protocol, port, rule), summed over
 * windows and objects. Paging alerts (violations) are the lines of `alerts.jsonl` and the
 * offenders of an SNS message. The shape is schemas/alert.schema.json's; the schema leaves `rule`
 * an open string (a new rule is no contract change), the rule catalog (rules.ts) owns the ids.
 */
export type Alert = Omit<AlertRecord, 'rule'> & { readonly rule: AlertRuleId };

/** Classifies groups; `ok` ones are dropped (they are neither findings nor alerts). */
export function classifyGroups(groups: readonly CleartextGroup[], index: BoundaryIndex): ClassifiedGroup[] {
  const out: ClassifiedGroup[] = [];
  for (const group of groups) {
    const verdict = classifyFlow(group, index);
    if (verdict.classification !== 'ok') out.push({ group, verdict });
  }
  return out;
}

/** Rows of the `findings` table. */
export function findingRows(classified: readonly ClassifiedGroup[]): FindingRow[] {
  return classified.map(({ group, verdict }) => ({
    ...group,
    classification: verdict.classification,
    rule: verdict.rule,
    severity: verdict.severity,
  }));
}

/** Same (VPC, ENI, peer, protocol, port, rule): one page per suppression window. */
function dedupKey(group: CleartextGroup, verdict: FlowClassification): string {
  return [
    group.vpc_id ?? '-',
    group.interface_id ?? '-',
    verdict.peer ?? '-',
    group.protocol ?? '-',
    group.port ?? '-',
    verdict.rule,
  ].join('|');
}

/** Merges the groups of one classification by dedup key and ranks them (worst first). */
export function buildAlerts(
  classified: readonly ClassifiedGroup[],
  classification: FindingClass,
  index: BoundaryIndex,
): Alert[] {
  const merged = new Map<string, { alert: Alert; topBytes: number }>();
  for (const { group, verdict } of classified) {
    if (verdict.classification !== classification) continue;
    const key = dedupKey(group, verdict);
    const bytes = Number(group.bytes ?? 0n);
    const current = merged.get(key);
    if (!current) {
      merged.set(key, { alert: toAlert(group, verdict, classification, key, index), topBytes: bytes });
      continue;
    }
    const a = current.alert;
    // The largest group speaks for the conversation (its direction, addresses and words).
    const lead = bytes > current.topBytes ? toAlert(group, verdict, classification, key, index) : a;
    current.topBytes = Math.max(bytes, current.topBytes);
    current.alert = {
      ...lead,
      flows: a.flows + Number(group.flows ?? 0n),
      packets: a.packets + Number(group.packets ?? 0n),
      bytes: a.bytes + bytes,
      first_seen: minIso(a.first_seen, iso(group.first_seen)),
      last_seen: maxIso(a.last_seen, iso(group.last_seen)),
    };
  }
  return rankAlerts([...merged.values()].map((m) => m.alert));
}

/** Severity first, then bytes, then flows; ties by key so output is stable. */
function rankAlerts(alerts: Alert[]): Alert[] {
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
  return alerts.sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      b.bytes - a.bytes ||
      b.flows - a.flows ||
      (a.dedup_key < b.dedup_key ? -1 : a.dedup_key > b.dedup_key ? 1 : 0),
  );
}

function toAlert(
  group: CleartextGroup,
  verdict: FlowClassification,
  classification: FindingClass,
  key: string,
  index: BoundaryIndex,
): Alert {
  const boundary = index.vpc(verdict.boundaryVpcId);
  const ownBoundary = verdict.boundaryVpcId === group.vpc_id;
  return {
    rule: verdict.rule,
    classification,
    severity: verdict.severity,
    account_id: group.account_id,
    region: group.region,
    vpc_id: group.vpc_id,
    interface_id: group.interface_id,
    interface_type: group.interface_type,
    boundary_vpc_id: verdict.boundaryVpcId,
    boundary_account_id: boundary?.accountId ?? (ownBoundary ? group.account_id : null),
    boundary_region: boundary?.region ?? (ownBoundary ? group.region : null),
    srcaddr: group.srcaddr,
    dstaddr: group.dstaddr,
    peer: verdict.peer,
    protocol: group.protocol,
    protocol_name: protocolName(group.protocol),
    port: group.port,
    flow_direction: group.flow_direction,
    traffic_path: group.traffic_path,
    path: verdict.path,
    flows: Number(group.flows ?? 0n),
    packets: Number(group.packets ?? 0n),
    bytes: Number(group.bytes ?? 0n),
    first_seen: iso(group.first_seen),
    last_seen: iso(group.last_seen),
    reason: verdict.reason,
    remediation: remediationHint(group, verdict, boundary),
    dedup_key: key,
  };
}

const iso = (ms: number | null) => new Date(ms ?? 0).toISOString();
const minIso = (a: string, b: string) => (a < b ? a : b);
const maxIso = (a: string, b: string) => (a > b ? a : b);
