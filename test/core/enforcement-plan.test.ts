import { describe, expect, it } from 'vitest';
import { buildEnforcementPlan, type PlanFlow } from '../../functions/core/enforcement-plan.js';
import { instanceLabel, nitroClass } from '../../functions/core/policy/instance-types.js';
import { validateBoundaryPolicy } from '../../functions/core/policy/policy-document.js';
import type { BoundaryPolicy, BoundaryVpc } from '../../schemas/boundary-policy.js';

const VPC = 'vpc-0a9b8c7d6e5f4a3b2';
const ENI = 'eni-0c3c3c3c3c3c3c3c3';
const WINDOW = { since: '2025-11-07T00:00:00.000Z', until: '2025-11-21T00:00:00.000Z' };

const monitor = (extra: Partial<BoundaryVpc> = {}): BoundaryVpc => ({
  name: 'legacy',
  mode: 'monitor',
  state: 'available',
  controlId: 'vpcec-0a1b2c3d4e5f60718',
  exclusions: [],
  cidrs: ['10.2.0.0/16'],
  accountId: '111111111111',
  region: 'us-east-1',
  blockingResources: [],
  ...extra,
});

/** Every policy the tests use must also be a valid snapshot. */
const policyOf = (vpc: BoundaryVpc, extra: Partial<BoundaryPolicy> = {}): BoundaryPolicy =>
  validateBoundaryPolicy({
    schemaVersion: 2,
    vpcs: { [VPC]: vpc },
    interfaces: {
      [ENI]: {
        vpcId: VPC,
        interfaceType: 'interface',
        instanceId: 'i-0c3c3c3c3c3c3c3c3',
        instanceType: 'm4.large',
        nitro: 'not-nitro',
        label: 'i-0c3c3c3c3c3c3c3c3 (m4.large, not Nitro)',
      },
    },
    ...extra,
  });

const flow = (fields: Partial<PlanFlow>): PlanFlow => ({
  account_id: '111111111111',
  region: 'us-east-1',
  vpc_id: VPC,
  interface_id: ENI,
  interface_type: null,
  srcaddr: '10.2.3.4',
  dstaddr: '10.2.8.8',
  protocol: 6,
  port: 6379,
  traffic_path: 1,
  flow_direction: 'egress',
  action: 'ACCEPT',
  reject_reason: null,
  encryption_status: 0,
  flows: 2,
  bytes: 4_300_000,
  first_seen: '2025-11-21T10:00:05.000Z',
  last_seen: '2025-11-21T10:01:05.000Z',
  ...fields,
});

const TO_INTERNET = flow({ dstaddr: '203.0.113.50', port: 80, traffic_path: 2, bytes: 1000, flows: 1 });
const IGW = { id: 'igw-0a1b2c3d4e5f60718', type: 'InternetGateway', excludable: true };
const OLD_ENI = {
  id: ENI,
  type: 'NetworkInterface',
  description: 'attached to i-0c3c3c3c3c3c3c3c3 (m4.large)',
  excludable: false,
};

describe('buildEnforcementPlan verdicts', () => {
  const cases: {
    name: string;
    vpc: BoundaryVpc;
    flows: PlanFlow[];
    verdict: string;
    exclusions: string[];
    command: string | null;
  }[] = [
    {
      name: 'ready: nothing blocks, no cleartext enforce would drop',
      vpc: monitor(),
      flows: [],
      verdict: 'ready',
      exclusions: [],
      command:
        'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --region us-east-1',
    },
    {
      name: 'ready: cleartext to the internet is already covered by an enabled exclusion',
      vpc: monitor({ exclusions: ['InternetGateway'], blockingResources: [] }),
      flows: [TO_INTERNET],
      verdict: 'ready',
      exclusions: [],
      command:
        'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --region us-east-1',
    },
    {
      name: 'needs exclusions: an excludable IGW and cleartext through it',
      vpc: monitor({ blockingResources: [IGW] }),
      flows: [TO_INTERNET],
      verdict: 'needs-exclusions',
      exclusions: ['InternetGateway'],
      command:
        'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --internet-gateway-exclusion enable --region us-east-1',
    },
    {
      name: 'needs exclusions: NFS to EFS and peering paths, two flags',
      vpc: monitor(),
      flows: [flow({ dstaddr: '10.2.5.5', port: 2049 }), flow({ dstaddr: '172.31.0.9', port: 5432, traffic_path: 4 })],
      verdict: 'needs-exclusions',
      exclusions: ['ElasticFileSystem', 'VpcPeering'],
      command:
        'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --elastic-file-system-exclusion enable --vpc-peering-exclusion enable --region us-east-1',
    },
    {
      name: 'blocked: cleartext Redis inside the VPC from a non-Nitro instance',
      vpc: monitor({ blockingResources: [OLD_ENI, IGW] }),
      flows: [flow({})],
      verdict: 'blocked',
      exclusions: ['InternetGateway'],
      command:
        'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --internet-gateway-exclusion enable --region us-east-1',
    },
    {
      name: 'blocked: a non-excludable resource with no traffic still blocks (idle)',
      vpc: monitor({ blockingResources: [OLD_ENI] }),
      flows: [],
      verdict: 'blocked',
      exclusions: [],
      command:
        'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --region us-east-1',
    },
    {
      name: 'blocked: a cleartext path no exclusion covers, with no blocking resource reported',
      vpc: monitor(),
      flows: [flow({ port: 8080, dstaddr: '10.2.9.1' })],
      verdict: 'blocked',
      exclusions: [],
      command:
        'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --region us-east-1',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = buildEnforcementPlan(policyOf(c.vpc), c.flows, WINDOW);
      expect(plan.vpcs).toHaveLength(1);
      const [vpc] = plan.vpcs;
      expect(vpc!.verdict).toBe(c.verdict);
      expect(vpc!.exclusionsNeeded.map((e) => e.name)).toEqual(c.exclusions);
      expect(vpc!.command).toBe(c.command);
      expect(plan.counts[vpc!.verdict]).toBe(1);
    });
  }
});

describe('buildEnforcementPlan evidence', () => {
  it('puts each cleartext flow under the blocking resource it went through, and marks idle ones', () => {
    const plan = buildEnforcementPlan(policyOf(monitor({ blockingResources: [OLD_ENI, IGW] })), [flow({})], WINDOW);
    const [vpc] = plan.vpcs;
    const [eni, igw] = vpc!.blockingResources!;
    expect(eni).toMatchObject({
      id: ENI,
      label: `${ENI} → i-0c3c3c3c3c3c3c3c3 (m4.large, not Nitro)`,
      excludable: false,
      idle: false,
    });
    expect(eni!.paths).toEqual([
      expect.objectContaining({
        outcome: 'blocked',
        peer: '10.2.8.8',
        protocol: 'tcp',
        port: 6379,
        bytes: 4_300_000,
        flows: 2,
        lastSeen: '2025-11-21T10:01:05.000Z',
        resource: 'i-0c3c3c3c3c3c3c3c3 (m4.large, not Nitro)',
      }),
    ]);
    expect(eni!.hint).toContain('move i-0c3c3c3c3c3c3c3c3 from m4.large to a Nitro type that encrypts in transit');
    expect(igw).toMatchObject({ id: IGW.id, exclusion: 'InternetGateway', idle: true, paths: [] });
    expect(igw!.hint).toMatch(/^idle in the window: remove it/);
    // The path is shown under its resource, not again among the unexplained ones.
    expect(vpc!.paths).toEqual([]);
    expect(vpc!.reasons).toEqual([
      `${ENI} → i-0c3c3c3c3c3c3c3c3 (m4.large, not Nitro) blocks enforce and cannot be excluded`,
      '1 cleartext path(s) no exclusion can cover would be dropped',
      'needs the InternetGateway exclusion (igw-0a1b2c3d4e5f60718)',
    ]);
  });

  it('ingress from a public address can need InternetGateway or NatGateway: a reported NAT gateway decides', () => {
    const ingress = flow({
      srcaddr: '198.51.100.7',
      dstaddr: '10.2.3.4',
      port: 80,
      flow_direction: 'ingress',
      traffic_path: null,
    });
    const nat = { id: 'nat-0a1b2c3d4e5f60718', type: 'NatGateway', excludable: true };
    const plan = buildEnforcementPlan(policyOf(monitor({ blockingResources: [nat] })), [ingress], WINDOW);
    const [vpc] = plan.vpcs;
    expect(vpc!.verdict).toBe('needs-exclusions');
    expect(vpc!.exclusionsNeeded).toEqual([
      { name: 'NatGateway', because: [`${ENI} → 198.51.100.7 tcp/80`, 'nat-0a1b2c3d4e5f60718'] },
    ]);
    expect(vpc!.blockingResources![0]!.paths[0]).toMatchObject({
      exclusion: 'NatGateway',
      alternatives: ['InternetGateway'],
    });
  });

  it('counts cleartext sent into the VPC from a peer VPC that logs it (the receiver may not log)', () => {
    const other = 'vpc-0123456789abcdef0';
    const policy = policyOf(monitor(), {});
    const withPeer = validateBoundaryPolicy({
      ...policy,
      vpcs: {
        ...policy.vpcs,
        [other]: { mode: 'monitor', cidrs: ['10.3.0.0/16'], accountId: '111111111111', region: 'us-east-1' },
      },
    });
    const plan = buildEnforcementPlan(
      withPeer,
      [
        flow({
          vpc_id: other,
          interface_id: 'eni-0d4d4d4d4d4d4d4d4',
          srcaddr: '10.3.0.15',
          dstaddr: '10.2.8.8',
          traffic_path: 4,
        }),
      ],
      { ...WINDOW, vpcIds: [VPC] },
    );
    expect(plan.vpcs[0]!.exclusionsNeeded.map((e) => e.name)).toEqual(['VpcPeering']);
  });

  it('a version 1 snapshot: verdict from flows only, no command, and it says what it could not know', () => {
    const v1 = validateBoundaryPolicy({
      vpcs: {
        [VPC]: {
          mode: 'monitor',
          exclusions: [],
          cidrs: ['10.2.0.0/16'],
          accountId: '111111111111',
          region: 'us-east-1',
        },
      },
    });
    const plan = buildEnforcementPlan(v1, [TO_INTERNET], WINDOW);
    expect(plan.vpcs[0]).toMatchObject({ verdict: 'needs-exclusions', command: null, blockingResources: null });
    expect(plan.vpcs[0]!.unknowns[0]).toMatch(/no blocking resources/);
  });

  it('plans every monitor-mode and failed VPC by default, --vpc picks, unknown ids are reported', () => {
    const policy = validateBoundaryPolicy({
      vpcs: {
        [VPC]: monitor(),
        'vpc-0e1f2a3b4c5d6e7f8': { mode: 'enforce', state: 'available', cidrs: ['10.1.0.0/16'] },
        'vpc-0fedcba9876543210': { mode: 'enforce', state: 'enforce-failed', cidrs: ['10.20.0.0/16'] },
      },
    });
    expect(buildEnforcementPlan(policy, [], WINDOW).vpcs.map((v) => v.vpcId)).toEqual([VPC, 'vpc-0fedcba9876543210']);
    const picked = buildEnforcementPlan(policy, [], { ...WINDOW, vpcIds: ['vpc-0e1f2a3b4c5d6e7f8', 'vpc-00000000'] });
    expect(picked.vpcs.map((v) => v.vpcId)).toEqual(['vpc-0e1f2a3b4c5d6e7f8']);
    expect(picked.unknownVpcs).toEqual(['vpc-00000000']);
  });

  it('shows the account-level mode and the transit gateways of the region', () => {
    const plan = buildEnforcementPlan(
      policyOf(monitor(), {
        accountControls: [
          { accountId: '111111111111', region: 'us-east-1', mode: 'attempt-enforce', managedBy: 'declarative-policy' },
        ],
        transitGateways: {
          'tgw-0a1b2c3d4e5f60718': { accountId: '111111111111', region: 'us-east-1', encryptionSupport: 'enabling' },
        },
      }),
      [],
      WINDOW,
    );
    expect(plan.vpcs[0]!.context).toEqual([
      'account 111111111111 us-east-1 mode attempt-enforce, managed by a declarative policy: VPCs created here start in enforce mode',
      'transit gateway tgw-0a1b2c3d4e5f60718 encryption support enabling: enabling can take up to 14 days; until then paths over it are encrypted only up to the attachment',
    ]);
  });
});

describe('instance types', () => {
  it.each([
    ['m4.large', 'not-nitro'],
    ['t2.micro', 'not-nitro'],
    ['m5.large', 'nitro'],
    ['t3.small', 'nitro'],
    ['i3.metal', 'nitro'],
    ['m6i.large', 'encrypts'],
    ['c5n.18xlarge', 'encrypts'],
    ['m7g.medium', 'encrypts'],
    ['r8g.large', 'encrypts'],
    ['p3dn.24xlarge', 'encrypts'],
    ['p3.2xlarge', 'not-nitro'],
    [undefined, 'unknown'],
  ] as const)('%s is %s', (type, expected) => {
    expect(nitroClass(type)).toBe(expected);
  });
  it('names an instance in plain words', () => {
    expect(instanceLabel('i-0abc', 'm4.large')).toBe('i-0abc (m4.large, not Nitro)');
    expect(instanceLabel('i-0abc', 'm6i.large')).toBe('i-0abc (m6i.large, Nitro, encrypts in transit)');
  });
});
