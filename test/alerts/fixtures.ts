import { type Alert, buildAlerts, classifyGroups } from '../../functions/core/alerts/alert.js';
import { type AlertRunPorts, type AlertRunSettings, runAlerts } from '../../functions/core/alerts/alert-run.js';
import type { PageResult } from '../../functions/core/alerts/page-alerts.js';
import type { CleartextGroup } from '../../functions/core/flow-log-aggregator.js';
import { BoundaryIndex } from '../../functions/core/policy/boundary-index.js';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';

export const PAYMENTS = 'vpc-0e1f2a3b4c5d6e7f8';
export const ANALYTICS = 'vpc-0fedcba9876543210';
export const SHARED = 'vpc-0123456789abcdef0';

export const POLICY: BoundaryPolicy = {
  vpcs: {
    [PAYMENTS]: {
      mode: 'enforce',
      name: 'payments',
      exclusions: ['InternetGateway'],
      cidrs: ['10.1.0.0/16'],
      accountId: '111111111111',
      region: 'us-east-1',
    },
    [ANALYTICS]: {
      mode: 'enforce',
      exclusions: [],
      cidrs: ['10.20.0.0/16'],
      accountId: '222222222222',
      region: 'eu-west-1',
    },
  },
};
const INDEX = new BoundaryIndex(POLICY);

export const T0 = Date.UTC(2025, 10, 21, 10, 0, 0);

/** A cleartext egress group inside payments (a violation) unless overridden. */
export function group(overrides: Partial<CleartextGroup> = {}): CleartextGroup {
  return {
    window_start: T0,
    account_id: '111111111111',
    region: 'us-east-1',
    vpc_id: PAYMENTS,
    interface_id: 'eni-0a1a1a1a1a1a1a1a1',
    srcaddr: '10.1.1.10',
    dstaddr: '10.1.7.9',
    protocol: 6,
    port: 8080,
    server_side: 'dst',
    pkt_src_aws_service: null,
    pkt_dst_aws_service: null,
    traffic_path: 1,
    flow_direction: 'egress',
    action: 'ACCEPT',
    reject_reason: null,
    interface_type: null,
    encryption_status: 0,
    flows: 2n,
    packets: 20n,
    bytes: 4000n,
    first_seen: T0 + 3000,
    last_seen: T0 + 60_000,
    ...overrides,
  };
}

/** `n` distinct violations in payments (one ENI each), bytes descending. */
export function manyGroups(n: number, vpc = PAYMENTS): CleartextGroup[] {
  const base = vpc === PAYMENTS ? '10.1' : '10.20';
  const account = vpc === PAYMENTS ? '111111111111' : '222222222222';
  return Array.from({ length: n }, (_, i) =>
    group({
      vpc_id: vpc,
      account_id: account,
      interface_id: `eni-${(i + 1).toString(16).padStart(17, '0')}`,
      srcaddr: `${base}.${(i >> 8) & 255}.${i & 255}`,
      dstaddr: `${base}.200.1`,
      bytes: BigInt(1_000_000 - i),
    }),
  );
}

export const violations = (groups: readonly CleartextGroup[]): Alert[] =>
  buildAlerts(classifyGroups(groups, INDEX), 'violation', INDEX);

const ORIGIN = { object: 'AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/a.log.gz', identity: 'a#1' };

/** One alerting run (the orchestration the CLI and the Lambda call) over one object's groups, at `now`; its paging. */
export async function runOnce(
  groups: readonly CleartextGroup[],
  ports: Partial<AlertRunPorts> & Pick<AlertRunPorts, 'dedup'>,
  now = T0,
  settings: AlertRunSettings = {},
): Promise<PageResult> {
  const outcome = await runAlerts(
    [{ origin: ORIGIN, groups }],
    { policy: { get: async () => INDEX }, clock: () => now, ...ports },
    settings,
  );
  return outcome.paging;
}
