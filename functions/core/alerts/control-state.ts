import type { BoundaryPolicy, BoundaryVpc } from '../../../schemas/boundary-policy.js';
import { vpcLabel } from '../policy/boundary-index.js';
import { FAILED_STATES } from '../policy/build-policy.js';
import { CONTROL_FAILED_RULE } from '../policy/rules.js';
import type { Alert } from './alert.js';

/**
 * One alert per VPC whose encryption control is in a failed state and has not paged for that
 * state yet (`stateAlertedAt`, kept by the sync while the state lasts). The alert has the shape
 * of a violation (schemas/alert.schema.json) with no ENI, peer or traffic, so it goes through
 * the same paging as violations: dedup key, suppression window, per-VPC cap, one SNS message per
 * boundary. Pure.
 */
export function controlStateAlerts(policy: BoundaryPolicy, nowMs: number): Alert[] {
  const at = new Date(nowMs).toISOString();
  const alerts: Alert[] = [];
  for (const [id, vpc] of Object.entries(policy.vpcs)) {
    if (!FAILED_STATES.has(vpc.state ?? '') || vpc.stateAlertedAt) continue;
    alerts.push(controlAlert(id, vpc, at));
  }
  return alerts.sort((a, b) => (a.dedup_key < b.dedup_key ? -1 : 1));
}

function controlAlert(id: string, vpc: BoundaryVpc, at: string): Alert {
  const label = vpcLabel({ id, ...(vpc.name ? { name: vpc.name } : {}) });
  const target = vpc.state === 'enforce-failed' ? 'enforce' : 'monitor';
  const control = vpc.controlId ?? 'its encryption control';
  const blocking = vpc.blockingResources?.length
    ? `; ${vpc.blockingResources.length} resource(s) block enforce: ${vpc.blockingResources
        .slice(0, 5)
        .map((r) => r.id)
        .join(', ')}`
    : '';
  return {
    rule: CONTROL_FAILED_RULE,
    classification: 'violation',
    severity: 'high',
    account_id: vpc.accountId ?? null,
    region: vpc.region ?? null,
    vpc_id: id,
    interface_id: null,
    interface_type: null,
    boundary_vpc_id: id,
    boundary_account_id: vpc.accountId ?? null,
    boundary_region: vpc.region ?? null,
    srcaddr: null,
    dstaddr: null,
    peer: null,
    protocol: null,
    protocol_name: '-',
    port: null,
    flow_direction: null,
    traffic_path: null,
    path: `encryption control ${control} of ${label}`,
    flows: 0,
    packets: 0,
    bytes: 0,
    first_seen: at,
    last_seen: at,
    reason:
      `the switch of ${label} to ${target} mode failed (state ${vpc.state}, mode still ${vpc.mode})` +
      (vpc.stateMessage ? `: ${vpc.stateMessage}` : '') +
      blocking,
    remediation:
      `Run ciphertrail plan --vpc ${id} for what blocks ${target} mode, fix or exclude it, then run ` +
      `aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id ${vpc.controlId ?? '<id>'} --mode ${target} again`,
    // The state is part of the key: an enforce-failed after a monitor-failed is news again.
    dedup_key: [id, '-', '-', '-', '-', `${CONTROL_FAILED_RULE}:${vpc.state}`].join('|'),
  };
}
