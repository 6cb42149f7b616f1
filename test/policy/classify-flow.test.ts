import { describe, expect, it } from 'vitest';
import type { CleartextGroup } from '../../functions/core/flow-log-aggregator.js';
import { BoundaryIndex } from '../../functions/core/policy/boundary-index.js';
import { classifyFlow } from '../../functions/core/policy/classify-flow.js';
import { RULES, type RuleId } from '../../functions/core/policy/rules.js';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';

const PAYMENTS = 'vpc-0e1f2a3b4c5d6e7f8'; // enforce; InternetGateway + NatGateway; one excluded ENI
const LEGACY = 'vpc-0a9b8c7d6e5f4a3b2'; // monitor, no exclusions
const ANALYTICS = 'vpc-0fedcba9876543210'; // enforce (eu-west-1); VpcPeering
const MANAGED = 'vpc-0aaaaaaaaaaaaaaaa'; // enforce; VpcLattice, ElasticFileSystem, VirtualPrivateGateway, EgressOnlyInternetGateway
const STRICT = 'vpc-0bbbbbbbbbbbbbbbb'; // enforce, no exclusions
const SHARED = 'vpc-0123456789abcdef0'; // absent from the policy: no controls

const policy: BoundaryPolicy = {
  vpcs: {
    [PAYMENTS]: {
      mode: 'enforce',
      name: 'payments',
      exclusions: ['InternetGateway', 'NatGateway'],
      accountId: '111111111111',
      region: 'us-east-1',
      cidrs: ['10.1.0.0/16', '2600:1f18:4a3:6e00::/56'],
      excludedInterfaces: ['eni-0feedfeedfeedfeed'],
    },
    [LEGACY]: {
      mode: 'monitor',
      exclusions: [],
      cidrs: ['10.2.0.0/16'],
      accountId: '111111111111',
      region: 'us-east-1',
    },
    [ANALYTICS]: {
      mode: 'enforce',
      exclusions: ['VpcPeering'],
      cidrs: ['10.20.0.0/16'],
      accountId: '222222222222',
      region: 'eu-west-1',
    },
    [MANAGED]: {
      mode: 'enforce',
      cidrs: ['10.40.0.0/16', '2600:1f18:aaaa:bb00::/56'],
      region: 'us-east-1',
      exclusions: ['VpcLattice', 'ElasticFileSystem', 'VirtualPrivateGateway', 'EgressOnlyInternetGateway'],
    },
    [STRICT]: { mode: 'enforce', exclusions: [], cidrs: ['10.50.0.0/16'], region: 'us-east-1' },
  },
};
const index = new BoundaryIndex(policy);

/** A cleartext, accepted, egress, same-VPC TCP flow in payments unless overridden. */
function flow(overrides: Partial<CleartextGroup>): CleartextGroup {
  return {
    window_start: 1763719200_000,
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
    flows: 1n,
    packets: 10n,
    bytes: 1000n,
    first_seen: 1763719203_000,
    last_seen: 1763719260_000,
    ...overrides,
  };
}

type Case = [
  name: string,
  record: Partial<CleartextGroup>,
  classification: string,
  rule: RuleId,
  extra?: Record<string, unknown>,
];

const CASES: Case[] = [
  // violation: cleartext on an ENI of an enforced VPC, not covered by an enabled exclusion
  ['same-VPC cleartext in an enforced VPC pages', {}, 'violation', 'cleartext-in-enforced-vpc', { severity: 'high' }],
  ['  ...the same flow Nitro-encrypted does not', { encryption_status: 1 }, 'ok', 'not-cleartext'],
  [
    'internet egress without the InternetGateway exclusion pages, critical',
    { vpc_id: STRICT, srcaddr: '10.50.1.1', dstaddr: '203.0.113.10', traffic_path: 8 },
    'violation',
    'cleartext-in-enforced-vpc',
    { severity: 'critical', wouldBeCoveredBy: ['InternetGateway'] },
  ],
  [
    '  ...with the InternetGateway exclusion it is excluded',
    { dstaddr: '203.0.113.10', traffic_path: 8 },
    'excluded',
    'excluded-path',
    { exclusion: 'InternetGateway' },
  ],
  [
    'IPv4 internet egress is not covered by the EgressOnlyInternetGateway exclusion',
    { vpc_id: MANAGED, srcaddr: '10.40.1.1', dstaddr: '198.51.100.7', traffic_path: 8 },
    'violation',
    'cleartext-in-enforced-vpc',
  ],
  [
    '  ...IPv6 internet egress is',
    { vpc_id: MANAGED, srcaddr: '2600:1f18:aaaa:bb01::10', dstaddr: '2001:db8::1', traffic_path: 2 },
    'excluded',
    'excluded-path',
    { exclusion: 'EgressOnlyInternetGateway' },
  ],
  [
    'gateway endpoint (path 7) cleartext pages even with the IGW exclusion, high not critical',
    { dstaddr: '52.216.8.10', traffic_path: 7, port: 80, pkt_dst_aws_service: 'S3' },
    'violation',
    'cleartext-in-enforced-vpc',
    { severity: 'high' },
  ],
  [
    'peering without the VpcPeering exclusion pages',
    { vpc_id: STRICT, srcaddr: '10.50.1.1', dstaddr: '10.9.0.1', traffic_path: 4 },
    'violation',
    'cleartext-in-enforced-vpc',
    { wouldBeCoveredBy: ['VpcPeering'] },
  ],
  [
    '  ...with it the flow is excluded',
    { vpc_id: ANALYTICS, region: 'eu-west-1', srcaddr: '10.20.1.5', dstaddr: '10.30.0.7', traffic_path: 4 },
    'excluded',
    'excluded-path',
    { exclusion: 'VpcPeering' },
  ],
  [
    'ingress from the internet into a strict VPC pages',
    { vpc_id: STRICT, flow_direction: 'ingress', traffic_path: null, srcaddr: '203.0.113.50', dstaddr: '10.50.1.1' },
    'violation',
    'cleartext-in-enforced-vpc',
    { peer: '203.0.113.50', severity: 'critical' },
  ],
  [
    '  ...into a VPC with the IGW exclusion it is excluded',
    { flow_direction: 'ingress', traffic_path: null, srcaddr: '203.0.113.50', dstaddr: '10.1.1.10' },
    'excluded',
    'excluded-path',
    { peer: '203.0.113.50', exclusion: 'InternetGateway' },
  ],
  [
    'a private peer outside known VPCs, with no VGW or peering exclusion, pages',
    { vpc_id: STRICT, flow_direction: 'ingress', traffic_path: null, srcaddr: '192.168.5.5', dstaddr: '10.50.1.1' },
    'violation',
    'cleartext-in-enforced-vpc',
  ],
  [
    '  ...with the VirtualPrivateGateway exclusion it is excluded',
    { vpc_id: MANAGED, flow_direction: 'ingress', traffic_path: null, srcaddr: '192.168.5.5', dstaddr: '10.40.1.1' },
    'excluded',
    'excluded-path',
    { exclusion: 'VirtualPrivateGateway' },
  ],
  [
    'VGW egress is covered by the VirtualPrivateGateway exclusion',
    { vpc_id: MANAGED, srcaddr: '10.40.1.1', dstaddr: '172.16.0.9', traffic_path: 3 },
    'excluded',
    'excluded-path',
    { exclusion: 'VirtualPrivateGateway' },
  ],
  [
    'internet through a NAT gateway (path 1, public peer) is covered by the NatGateway exclusion',
    { dstaddr: '198.51.100.7', traffic_path: 1 },
    'excluded',
    'excluded-path',
    { exclusion: 'NatGateway' },
  ],
  [
    'Local Zone paths (6) cannot be excluded',
    { vpc_id: MANAGED, srcaddr: '10.40.1.1', dstaddr: '10.40.9.9', traffic_path: 6 },
    'violation',
    'cleartext-in-enforced-vpc',
  ],
  [
    'VPC Lattice addresses are covered by the VpcLattice exclusion',
    { vpc_id: MANAGED, srcaddr: '10.40.1.1', dstaddr: '169.254.171.5' },
    'excluded',
    'excluded-path',
    { exclusion: 'VpcLattice' },
  ],
  [
    '  ...not in a VPC without it',
    { vpc_id: STRICT, srcaddr: '10.50.1.1', dstaddr: '169.254.171.5' },
    'violation',
    'cleartext-in-enforced-vpc',
    { wouldBeCoveredBy: ['VpcLattice'] },
  ],
  [
    'NFS (tcp/2049) inside the VPC is covered by the ElasticFileSystem exclusion',
    { vpc_id: MANAGED, srcaddr: '10.40.1.1', dstaddr: '10.40.2.2', port: 2049 },
    'excluded',
    'excluded-path',
    { exclusion: 'ElasticFileSystem' },
  ],
  [
    '  ...other ports inside that VPC page',
    { vpc_id: MANAGED, srcaddr: '10.40.1.1', dstaddr: '10.40.2.2', port: 2050 },
    'violation',
    'cleartext-in-enforced-vpc',
  ],
  // excluded-interface
  [
    'an ENI listed in excludedInterfaces is excluded',
    { interface_id: 'eni-0feedfeedfeedfeed' },
    'excluded',
    'excluded-interface',
  ],
  [
    'a NAT gateway ENI (interface-type) is excluded with the NatGateway exclusion',
    { interface_type: 'nat_gateway', dstaddr: '198.51.100.7', traffic_path: 2, port: 80 },
    'excluded',
    'excluded-interface',
  ],
  [
    '  ...and pages without it',
    {
      vpc_id: ANALYTICS,
      region: 'eu-west-1',
      interface_type: 'nat_gateway',
      srcaddr: '10.20.9.1',
      dstaddr: '198.51.100.7',
      traffic_path: 2,
      port: 80,
    },
    'violation',
    'cleartext-in-enforced-vpc',
    { severity: 'critical' },
  ],
  // cleartext-into-enforced-vpc: a non-enforced VPC's ENI talking to an address inside an enforced VPC
  [
    'an uncontrolled VPC sending cleartext into an enforced VPC over peering pages',
    { vpc_id: SHARED, srcaddr: '10.3.0.15', dstaddr: '10.1.7.9', traffic_path: 4 },
    'violation',
    'cleartext-into-enforced-vpc',
    { boundaryVpcId: PAYMENTS },
  ],
  [
    '  ...into an enforced VPC with the VpcPeering exclusion it is excluded',
    { vpc_id: SHARED, region: 'eu-west-1', srcaddr: '10.3.0.15', dstaddr: '10.20.2.2', traffic_path: 4 },
    'excluded',
    'excluded-path',
    { boundaryVpcId: ANALYTICS },
  ],
  [
    'the receiving side (ingress from an enforced VPC) pages too',
    { vpc_id: SHARED, flow_direction: 'ingress', traffic_path: null, srcaddr: '10.1.7.9', dstaddr: '10.3.0.15' },
    'violation',
    'cleartext-into-enforced-vpc',
    { peer: '10.1.7.9' },
  ],
  [
    'IPv6 CIDRs of enforced VPCs count',
    { vpc_id: SHARED, srcaddr: '2600:1f18:ffff::1', dstaddr: '2600:1f18:4a3:6e10::5', traffic_path: 4 },
    'violation',
    'cleartext-into-enforced-vpc',
  ],
  [
    'a monitor-mode VPC sending into an enforced VPC pages (the enforced boundary wins)',
    { vpc_id: LEGACY, srcaddr: '10.2.3.4', dstaddr: '10.1.7.9', traffic_path: 4 },
    'violation',
    'cleartext-into-enforced-vpc',
  ],
  // cleartext-in-monitor-vpc: readiness, never a page
  [
    'same-VPC cleartext in a monitor-mode VPC is a readiness finding',
    { vpc_id: LEGACY, srcaddr: '10.2.3.4', dstaddr: '10.2.8.8', port: 6379 },
    'readiness',
    'cleartext-in-monitor-vpc',
    { severity: 'low' },
  ],
  [
    '  ...an internet flow there too (no IGW exclusion)',
    { vpc_id: LEGACY, srcaddr: '10.2.3.4', dstaddr: '203.0.113.1', traffic_path: 8 },
    'readiness',
    'cleartext-in-monitor-vpc',
  ],
  // ec-blocked
  [
    'reject-reason EC is blocked, not a page',
    { action: 'REJECT', reject_reason: 'EC', port: 80 },
    'blocked',
    'ec-blocked',
    { severity: 'medium' },
  ],
  [
    '  ...whatever the status field says',
    { action: 'REJECT', reject_reason: 'EC', encryption_status: null },
    'blocked',
    'ec-blocked',
  ],
  // never a violation
  ['status - (unknown) never pages', { encryption_status: null }, 'ok', 'not-cleartext'],
  [
    'status 2 (application) never pages',
    { encryption_status: 2, vpc_id: STRICT, dstaddr: '203.0.113.1', traffic_path: 8 },
    'ok',
    'not-cleartext',
  ],
  ['status 3 (both) never pages', { encryption_status: 3 }, 'ok', 'not-cleartext'],
  ['a security-group REJECT never pages', { action: 'REJECT', reject_reason: null }, 'ok', 'not-accepted'],
  ['  ...a BPA reject neither', { action: 'REJECT', reject_reason: 'BPA' }, 'ok', 'not-accepted'],
  [
    'cleartext where no VPC has controls is ok',
    { vpc_id: SHARED, srcaddr: '10.3.0.15', dstaddr: '10.3.4.4' },
    'ok',
    'no-encryption-controls',
  ],
  [
    '  ...towards the internet too',
    { vpc_id: SHARED, srcaddr: '10.3.0.15', dstaddr: '203.0.113.1', traffic_path: 8 },
    'ok',
    'no-encryption-controls',
  ],
];

describe('classifyFlow', () => {
  it.each(CASES)('%s', (_name, record, classification, rule, extra) => {
    const verdict = classifyFlow(flow(record), index);
    expect({ classification: verdict.classification, rule: verdict.rule }).toEqual({ classification, rule });
    if (extra) expect(verdict).toMatchObject(extra);
    expect(verdict.reason.length).toBeGreaterThan(10);
  });

  it('covers every rule with a case', () => {
    expect(new Set(CASES.map((c) => c[3]))).toEqual(new Set(Object.keys(RULES)));
  });

  it('only violations page, and never for status -, 1, 2 or 3', () => {
    for (const [, record] of CASES) {
      for (const status of [null, 1, 2, 3]) {
        expect(classifyFlow(flow({ ...record, encryption_status: status }), index).classification).not.toBe(
          'violation',
        );
      }
    }
  });

  it('finds the VPC from the address when the format has no vpc-id', () => {
    const verdict = classifyFlow(
      flow({ vpc_id: null, flow_direction: null, traffic_path: null, srcaddr: '10.50.1.1', dstaddr: '10.50.2.2' }),
      index,
    );
    expect(verdict).toMatchObject({
      classification: 'violation',
      boundaryVpcId: STRICT,
      local: '10.50.1.1',
      peer: '10.50.2.2',
    });
  });

  it('takes the local side from the VPC CIDRs when flow-direction is missing', () => {
    const verdict = classifyFlow(
      flow({ flow_direction: null, traffic_path: null, srcaddr: '203.0.113.9', dstaddr: '10.1.1.10' }),
      index,
    );
    expect(verdict).toMatchObject({ local: '10.1.1.10', peer: '203.0.113.9', classification: 'excluded' });
  });

  it("narrows overlapping CIDRs (other accounts reuse ranges) to the record's region", () => {
    const overlapping = new BoundaryIndex({
      vpcs: {
        'vpc-0ccccccccccccccc1': { mode: 'enforce', cidrs: ['10.60.0.0/16'], region: 'us-east-1' },
        'vpc-0ccccccccccccccc2': { mode: 'monitor', cidrs: ['10.60.0.0/16'], region: 'eu-west-1', exclusions: [] },
      },
    });
    const verdict = classifyFlow(
      flow({ vpc_id: SHARED, region: 'eu-west-1', srcaddr: '10.3.0.1', dstaddr: '10.60.0.9', traffic_path: 4 }),
      overlapping,
    );
    expect(verdict.rule).toBe('no-encryption-controls');
    const east = classifyFlow(
      flow({ vpc_id: SHARED, region: 'us-east-1', srcaddr: '10.3.0.1', dstaddr: '10.60.0.9', traffic_path: 4 }),
      overlapping,
    );
    expect(east).toMatchObject({ rule: 'cleartext-into-enforced-vpc', boundaryVpcId: 'vpc-0ccccccccccccccc1' });
  });

  it('describes the path in words', () => {
    expect(
      classifyFlow(flow({ vpc_id: SHARED, srcaddr: '10.3.0.15', dstaddr: '10.1.7.9', traffic_path: 4 }), index).path,
    ).toBe('egress to 10.1.7.9 (in vpc-0e1f2a3b4c5d6e7f8 (payments)) over intra-region VPC peering, tcp/8080');
  });
});
