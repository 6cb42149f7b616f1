import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBoundarySync } from '../../functions/adapters/boundary-sync.js';
import { syncBoundaries } from '../../functions/adapters/ec2-boundary-source.js';
import { parseSyncBoundariesArgs } from '../../functions/cli/sync-boundaries-command.js';
import { UsageError } from '../../functions/cli/usage.js';
import { parseBoundaryPolicy } from '../../functions/core/policy/policy-document.js';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { runCli } from '../helpers/cli.js';
import { QueryApiServer, type QueryRequest, TEST_CREDENTIALS } from '../helpers/query-api-server.js';
import { tempDir } from '../helpers/sources.js';
import {
  CALLER_ACCOUNT,
  EXPECTED_VPCS as EXPECTED,
  expectedInventory,
  jsonResponse,
  MEMBER_ACCOUNT,
  MEMBER_KEY,
  MEMBER_ROLE,
  queryError,
  respondEc2 as respond,
} from './ec2-fixtures.js';

/*
 * EC2 and STS speak the Query protocol with XML responses, SSM and Organizations the JSON
 * protocol. No local server exists for any of the four, so a local HTTP endpoint replays
 * recorded responses (ec2-fixtures.ts) to the real EC2Client, STSClient, SSMClient and
 * OrganizationsClient, and the tests assert the requests they sent.
 */
const T0 = new Date('2026-11-28T12:00:00Z');
const T1 = new Date('2026-11-28T13:00:00Z');
const T2 = new Date('2026-11-28T14:00:00Z');
const MEMBER_ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/ciphertrail-boundary-read`;
const ANALYTICS = 'vpc-0fedcba9876543210';

/** The recorded account, except that the member role cannot be assumed and the caller is denied eu-west-1. */
const failing = (request: QueryRequest) => {
  if (request.action === 'AssumeRole')
    return queryError(403, 'AccessDenied', 'User is not authorized to perform: sts:AssumeRole');
  if (request.region === 'eu-west-1' && request.accessKeyId !== MEMBER_KEY && request.action.startsWith('Describe')) {
    return queryError(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
  }
  return respond(request);
};

describe('sync-boundaries against recorded EC2 responses', () => {
  let server: QueryApiServer;
  let broken: QueryApiServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await QueryApiServer.start(respond);
    broken = await QueryApiServer.start(failing);
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(async () => {
    process.env = saved;
    await server.close();
    await broken.close();
  });

  it('builds the policy from the caller and each member account through the fixed role name, in every region', async () => {
    server.requests.length = 0;
    const { policy, notes, failures } = await syncBoundaries({
      regions: ['us-east-1', 'eu-west-1'],
      accountIds: [MEMBER_ACCOUNT, CALLER_ACCOUNT],
      endpoint: server.endpoint,
      now: T0,
    });
    expect(policy).toEqual({
      ...expectedInventory(),
      generatedAt: T0.toISOString(),
      source: 'ciphertrail sync-boundaries',
      vpcs: EXPECTED,
      accounts: [CALLER_ACCOUNT, MEMBER_ACCOUNT].flatMap((accountId) =>
        ['us-east-1', 'eu-west-1'].map((region) => ({
          accountId,
          region,
          status: 'ok',
          lastSuccessAt: T0.toISOString(),
        })),
      ),
    });
    expect(failures).toEqual([]);
    expect(notes).toEqual([
      `${CALLER_ACCOUNT}: the sync's own account, read with its own role`,
      'vpc-0e1f2a3b4c5d6e7f8: VpcPeering exclusion is enabling, not counted',
      'vpc-0a9b8c7d6e5f4a3b2: Lambda exclusion is disabling, not counted',
      'vpc-0deaddeaddeaddead: skipped, encryption control is deleting',
    ]);

    // The caller's own account is never assumed: one AssumeRole, for the member, by its fixed role name.
    const assumes = server.requests.filter((r) => r.action === 'AssumeRole');
    expect(assumes.map((r) => r.params.get('RoleArn'))).toEqual([MEMBER_ROLE_ARN]);
    expect(assumes[0]!.accessKeyId).toBe(TEST_CREDENTIALS.accessKeyId);
    const memberCalls = server.requests
      .filter((r) => r.accessKeyId === MEMBER_KEY)
      .map((r) => `${r.region} ${r.action}`);
    // A region with no controls costs two calls; one with only enforced, healthy VPCs no blocking or ENI calls.
    expect(memberCalls).toEqual([
      'us-east-1 DescribeVpcEncryptionControls',
      'us-east-1 DescribeAccountVpcEncryptionControl',
      'eu-west-1 DescribeVpcEncryptionControls',
      'eu-west-1 DescribeAccountVpcEncryptionControl',
      'eu-west-1 DescribeVpcs',
      'eu-west-1 DescribeTransitGateways',
    ]);
    // Blocking resources only for the monitor-mode VPC, over both pages.
    const blocking = server.requests.filter((r) => r.action === 'GetVpcResourcesBlockingEncryptionEnforcement');
    expect(blocking.map((r) => [r.params.get('VpcId'), r.params.get('NextToken')])).toEqual([
      ['vpc-0a9b8c7d6e5f4a3b2', null],
      ['vpc-0a9b8c7d6e5f4a3b2', 'eyJ2IjoxLCJjIjoiYmxvY2tpbmcyIn0='],
    ]);
    // The instances behind the monitor VPC's ENIs, by id filter.
    const instances = server.requests.filter((r) => r.action === 'DescribeInstances');
    expect(instances).toHaveLength(1);
    expect(Object.fromEntries([...instances[0]!.params].filter(([k]) => k.startsWith('Filter.')))).toEqual({
      'Filter.1.Name': 'instance-id',
      'Filter.1.Value.1': 'i-0c3c3c3c3c3c3c3c3',
      'Filter.1.Value.2': 'i-0e5e5e5e5e5e5e5e5',
    });
    const pages = server.requests.filter(
      (r) => r.action === 'DescribeVpcEncryptionControls' && r.accessKeyId !== MEMBER_KEY && r.region === 'us-east-1',
    );
    expect(pages.map((r) => r.params.get('NextToken'))).toEqual([null, 'eyJ2IjoxLCJjIjoicGFnZTIifQ==']);
    // Interfaces are only described for VPCs whose NAT/Lambda/EFS/... exclusions are enabled (payments)
    // and for the VPCs a plan is made for (legacy, monitor mode): never for analytics.
    const enis = server.requests.filter((r) => r.action === 'DescribeNetworkInterfaces');
    expect(enis).toHaveLength(1);
    expect(Object.fromEntries([...enis[0]!.params].filter(([k]) => k.startsWith('Filter.')))).toEqual({
      'Filter.1.Name': 'vpc-id',
      'Filter.1.Value.1': 'vpc-0a9b8c7d6e5f4a3b2',
      'Filter.1.Value.2': 'vpc-0e1f2a3b4c5d6e7f8',
    });
    expect(() => parseBoundaryPolicy(JSON.stringify(policy))).not.toThrow();
  });

  it('without ec2:DescribeNetworkInterfaces it still builds the policy, without excludedInterfaces', async () => {
    const denied = await QueryApiServer.start((request) =>
      request.action === 'DescribeNetworkInterfaces'
        ? {
            status: 403,
            body:
              '<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to ' +
              'perform this operation.</Message></Error></Errors><RequestID>1b2c3d4e</RequestID></Response>',
          }
        : respond(request),
    );
    try {
      const { policy, notes } = await syncBoundaries({ regions: ['us-east-1'], endpoint: denied.endpoint });
      expect(policy.vpcs['vpc-0e1f2a3b4c5d6e7f8']).not.toHaveProperty('excludedInterfaces');
      expect(policy.vpcs['vpc-0e1f2a3b4c5d6e7f8']!.exclusions).toEqual(['InternetGateway', 'NatGateway']);
      expect(notes).toContain(
        `${CALLER_ACCOUNT} us-east-1: ec2:DescribeNetworkInterfaces denied, excludedInterfaces left empty`,
      );
    } finally {
      await denied.close();
    }
  });

  it('isolates failures: a member role that cannot be assumed and a denied region keep their last state, marked stale', async () => {
    const before = await syncBoundaries({
      regions: ['us-east-1', 'eu-west-1'],
      accountIds: [MEMBER_ACCOUNT],
      endpoint: server.endpoint,
      now: T0,
    });
    expect(before.policy.vpcs[ANALYTICS]).not.toHaveProperty('staleSince');

    const first = await syncBoundaries({
      regions: ['us-east-1', 'eu-west-1'],
      accountIds: [MEMBER_ACCOUNT],
      endpoint: broken.endpoint,
      now: T1,
      previous: before.policy,
    });
    // The caller's us-east-1 was read now; its denied eu-west-1 had no VPCs to keep.
    expect(first.policy.vpcs['vpc-0e1f2a3b4c5d6e7f8']).toEqual(EXPECTED['vpc-0e1f2a3b4c5d6e7f8']);
    // The member's VPC is its state as read at T0, marked so.
    expect(first.policy.vpcs[ANALYTICS]).toEqual({ ...EXPECTED[ANALYTICS], staleSince: T0.toISOString() });
    const HINT = ' (an IAM permission is missing: docs/deployment.md lists them)';
    const assumeError = `cannot assume ${MEMBER_ROLE_ARN}: AccessDenied: User is not authorized to perform: sts:AssumeRole${HINT}`;
    expect(first.failures).toEqual([
      {
        accountId: CALLER_ACCOUNT,
        region: 'eu-west-1',
        status: 'failed',
        lastSuccessAt: T0.toISOString(),
        failedSince: T1.toISOString(),
        error: `UnauthorizedOperation: You are not authorized to perform this operation.${HINT}`,
      },
      ...['us-east-1', 'eu-west-1'].map((region) => ({
        accountId: MEMBER_ACCOUNT,
        region,
        status: 'failed',
        lastSuccessAt: T0.toISOString(),
        failedSince: T1.toISOString(),
        error: assumeError,
      })),
    ]);
    expect(first.policy.accounts).toContainEqual({
      accountId: CALLER_ACCOUNT,
      region: 'us-east-1',
      status: 'ok',
      lastSuccessAt: T1.toISOString(),
    });
    expect(first.ageSeconds).toBe(3600);
    expect(() => parseBoundaryPolicy(JSON.stringify(first.policy))).not.toThrow();

    // Still failing an hour later: the state keeps its time and the failure its start; the age grows.
    const second = await syncBoundaries({
      regions: ['us-east-1', 'eu-west-1'],
      accountIds: [MEMBER_ACCOUNT],
      endpoint: broken.endpoint,
      now: T2,
      previous: first.policy,
    });
    expect(second.policy.vpcs[ANALYTICS]!.staleSince).toBe(T0.toISOString());
    expect(second.failures.map((f) => f.failedSince)).toEqual([T1, T1, T1].map((t) => t.toISOString()));
    expect(second.ageSeconds).toBe(7200);

    // Recovered: current state, no stale mark, nothing failed.
    const third = await syncBoundaries({
      regions: ['us-east-1', 'eu-west-1'],
      accountIds: [MEMBER_ACCOUNT],
      endpoint: server.endpoint,
      now: T2,
      previous: second.policy,
    });
    expect(third.policy.vpcs).toEqual(EXPECTED);
    expect(third.failures).toEqual([]);
    expect(third.ageSeconds).toBe(0);
  });

  it('a policy from before failure isolation (no "accounts") still lends its VPCs to a failed account', async () => {
    const legacy = { generatedAt: T0.toISOString(), vpcs: { [ANALYTICS]: EXPECTED[ANALYTICS] } } as BoundaryPolicy;
    const { policy, failures } = await syncBoundaries({
      regions: ['eu-west-1'],
      accountIds: [MEMBER_ACCOUNT],
      includeCaller: false,
      endpoint: broken.endpoint,
      now: T1,
      previous: legacy,
    });
    expect(policy.vpcs[ANALYTICS]!.staleSince).toBe(T0.toISOString());
    expect(failures[0]).toMatchObject({ lastSuccessAt: T0.toISOString(), failedSince: T1.toISOString() });
  });

  it('starts no account after the deadline: those are failed as not read, and keep their state', async () => {
    const before = await syncBoundaries({
      regions: ['eu-west-1'],
      accountIds: [MEMBER_ACCOUNT],
      includeCaller: false,
      endpoint: server.endpoint,
      now: T0,
    });
    const late = await syncBoundaries({
      regions: ['eu-west-1'],
      accountIds: [MEMBER_ACCOUNT],
      includeCaller: false,
      endpoint: server.endpoint,
      now: T1,
      previous: before.policy,
      deadline: Date.now() - 1,
    });
    expect(late.failures).toEqual([
      {
        accountId: MEMBER_ACCOUNT,
        region: 'eu-west-1',
        status: 'failed',
        lastSuccessAt: T0.toISOString(),
        failedSince: T1.toISOString(),
        error: 'not read: the run ran out of time',
      },
    ]);
    expect(late.policy.vpcs[ANALYTICS]!.staleSince).toBe(T0.toISOString());
  });

  it('fails only when the caller cannot be identified at all', async () => {
    await expect(syncBoundaries({ regions: ['us-east-1'], endpoint: 'http://127.0.0.1:1' })).rejects.toThrow(
      /cannot identify the caller \(STS GetCallerIdentity\)/,
    );
  });
});

describe('member accounts from SSM and AWS Organizations (JSON protocol)', () => {
  let server: QueryApiServer;
  let listsFail = false;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await QueryApiServer.start((request) => {
      if (request.action === 'GetParameter') {
        if (listsFail)
          return jsonResponse(
            { __type: 'AccessDeniedException', message: 'not authorized to perform: ssm:GetParameter' },
            400,
          );
        if (request.json?.Name !== '/ciphertrail/member-accounts')
          return jsonResponse({ __type: 'ParameterNotFound' }, 400);
        return jsonResponse({
          Parameter: {
            Name: '/ciphertrail/member-accounts',
            Type: 'StringList',
            Version: 3,
            Value: `${CALLER_ACCOUNT},${MEMBER_ACCOUNT},not-an-account`,
          },
        });
      }
      if (request.action === 'ListAccounts') {
        if (!request.json?.NextToken) {
          return jsonResponse({
            NextToken: 'page-2',
            Accounts: [
              { Id: CALLER_ACCOUNT, Name: 'log-archive', State: 'ACTIVE', Status: 'ACTIVE' },
              { Id: '333333333333', Name: 'closing', State: 'PENDING_CLOSURE', Status: 'SUSPENDED' },
            ],
          });
        }
        return jsonResponse({
          Accounts: [{ Id: MEMBER_ACCOUNT, Name: 'analytics', State: 'ACTIVE', Status: 'ACTIVE' }],
        });
      }
      return respond(request);
    });
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    process.env = saved;
    await server.close();
  });

  it.each([
    [
      'an SSM StringList parameter',
      { kind: 'ssm', parameterName: '/ciphertrail/member-accounts' } as const,
      'GetParameter',
      '/ciphertrail/member-accounts: "not-an-account" is not a 12-digit account id, skipped',
    ],
    [
      'AWS Organizations ListAccounts (paged, ACTIVE only)',
      { kind: 'organizations' } as const,
      'ListAccounts',
      'AWS Organizations: 1 account(s) not ACTIVE, skipped',
    ],
  ])('reads the members from %s and never assumes into its own account', async (_name, members, action, note) => {
    const dir = tempDir('members');
    try {
      server.requests.length = 0;
      const report = await runBoundarySync({
        location: join(dir.path, 'b.json'),
        regions: ['eu-west-1'],
        members,
        includeCaller: true,
        endpoint: server.endpoint,
        now: T0,
      });
      expect(report.memberAccounts).toBe(1);
      expect(report.notes).toContain(note);
      expect(server.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.params.get('RoleArn'))).toEqual([
        MEMBER_ROLE_ARN,
      ]);
      expect(server.requests.find((r) => r.action === action)?.headers['x-amz-target']).toMatch(
        new RegExp(`\\.${action}$`),
      );
      expect(report.policy.vpcs[ANALYTICS]).toEqual(EXPECTED[ANALYTICS]);
    } finally {
      dir.remove();
    }
  });

  it('when the member list cannot be read, syncs the accounts of the last policy and reports it', async () => {
    const dir = tempDir('members');
    const location = join(dir.path, 'b.json');
    try {
      listsFail = false;
      await runBoundarySync({
        location,
        regions: ['eu-west-1'],
        members: { kind: 'ssm', parameterName: '/ciphertrail/member-accounts' },
        includeCaller: true,
        endpoint: server.endpoint,
        now: T0,
      });
      listsFail = true;
      server.requests.length = 0;
      const report = await runBoundarySync({
        location,
        regions: ['eu-west-1'],
        members: { kind: 'ssm', parameterName: '/ciphertrail/member-accounts' },
        includeCaller: true,
        endpoint: server.endpoint,
        now: T1,
      });
      expect(report.memberListError).toMatch(
        /^cannot list member accounts from SSM parameter \/ciphertrail\/member-accounts: AccessDeniedException/,
      );
      expect(server.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.params.get('RoleArn'))).toEqual([
        MEMBER_ROLE_ARN,
      ]);
      expect(parseBoundaryPolicy(readFileSync(location, 'utf8')).vpcs[ANALYTICS]).toEqual(EXPECTED[ANALYTICS]);
    } finally {
      listsFail = false;
      dir.remove();
    }
  });
});

describe('the sync-boundaries command', () => {
  let server: QueryApiServer;
  let broken: QueryApiServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await QueryApiServer.start(respond);
    broken = await QueryApiServer.start(failing);
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    process.env = saved;
    await server.close();
    await broken.close();
  });

  it('writes the policy file, then reports each failed account and region, keeps their state and exits 1', async () => {
    const dir = tempDir('sync');
    try {
      const out = join(dir.path, 'boundaries.json');
      const args = [
        'sync-boundaries',
        '--out',
        out,
        '--region',
        'us-east-1',
        '--region',
        'eu-west-1',
        '--account',
        MEMBER_ACCOUNT,
      ];
      const ok = await runCli([...args, '--endpoint-url', server.endpoint]);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/3 VPCs with encryption controls \(2 enforce, 1 monitor\) from 2 account\(s\)/);
      expect(ok.stdout).toMatch(/read {9}4 of 4 account-region\(s\)\n/);
      expect(ok.stdout).toMatch(/note {9}vpc-0e1f2a3b4c5d6e7f8: VpcPeering exclusion is enabling, not counted/);
      const written = parseBoundaryPolicy(readFileSync(out, 'utf8'));
      expect(written.vpcs).toEqual(EXPECTED);

      const failed = await runCli([...args, '--endpoint-url', broken.endpoint]);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(
        /read {9}1 of 4 account-region\(s\); 1 VPC\(s\) kept from an earlier sync, marked stale/,
      );
      expect(failed.stdout).toContain(
        `failed       ${MEMBER_ACCOUNT} eu-west-1: cannot assume ${MEMBER_ROLE_ARN}: AccessDenied`,
      );
      expect(failed.stdout).toMatch(
        new RegExp(
          `failed {7}${MEMBER_ACCOUNT} eu-west-1: .*kept 1 VPC\\(s\\) as read at ` +
            `${written.generatedAt!.replace(/\./g, '\\.')}, marked stale`,
        ),
      );
      expect(failed.stdout).toMatch(
        new RegExp(
          `failed {7}${CALLER_ACCOUNT} eu-west-1: UnauthorizedOperation: .*last read .* \\(no VPCs with controls\\)`,
        ),
      );
      const after = parseBoundaryPolicy(readFileSync(out, 'utf8'));
      expect(after.vpcs[ANALYTICS]).toEqual({ ...EXPECTED[ANALYTICS], staleSince: written.generatedAt });
    } finally {
      dir.remove();
    }
  });

  it('keeps --role-arn for roles named otherwise', async () => {
    const dir = tempDir('sync');
    try {
      const out = join(dir.path, 'boundaries.json');
      writeFileSync(out, 'not json');
      server.requests.length = 0;
      const result = await runCli([
        'sync-boundaries',
        '--out',
        out,
        '--region',
        'eu-west-1',
        '--role-arn',
        MEMBER_ROLE,
        '--members-only',
        '--endpoint-url',
        server.endpoint,
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`note         the last policy at ${out} is invalid and was not reused`);
      expect(server.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.params.get('RoleArn'))).toEqual([
        MEMBER_ROLE,
      ]);
      expect(Object.keys(parseBoundaryPolicy(readFileSync(out, 'utf8')).vpcs)).toEqual([ANALYTICS]);
    } finally {
      dir.remove();
    }
  });

  it('rejects malformed members and a missing region as usage errors', () => {
    expect(() => parseSyncBoundariesArgs(['--out', 'x.json', '--region', 'us-east-1', '--role-arn', 'role/x'])).toThrow(
      new UsageError('--role-arn "role/x" is not an IAM role ARN'),
    );
    expect(() => parseSyncBoundariesArgs(['--out', 'x.json', '--region', 'us-east-1', '--account', '12345'])).toThrow(
      new UsageError('--account "12345" is not a 12-digit account id'),
    );
    expect(() =>
      parseSyncBoundariesArgs(['--out', 'x.json', '--region', 'us-east-1', '--accounts-from', 'ldap']),
    ).toThrow(/--accounts-from: "ldap" is not a member-account source/);
    expect(() => parseSyncBoundariesArgs(['--out', 'x.json', '--region', 'us-east-1', '--members-only'])).toThrow(
      /--members-only needs member accounts/,
    );
    delete process.env.AWS_REGION;
    expect(() => parseSyncBoundariesArgs(['--out', 'x.json'])).toThrow(UsageError);
  });
});
