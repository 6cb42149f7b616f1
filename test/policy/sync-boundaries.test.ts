import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBoundaryPolicy } from '../../functions/core/policy/policy-document.js';
import { syncBoundaries } from '../../functions/adapters/ec2-boundary-source.js';
import { parseSyncBoundariesArgs } from '../../functions/cli/sync-boundaries-command.js';
import { UsageError } from '../../functions/cli/usage.js';
import { runCli } from '../helpers/cli.js';
import { QueryApiServer, TEST_CREDENTIALS } from '../helpers/query-api-server.js';
import { EXPECTED_VPCS as EXPECTED, MEMBER_KEY, MEMBER_ROLE, respondEc2 as respond } from './ec2-fixtures.js';
import { tempDir } from '../helpers/sources.js';

/*
 * EC2 and STS speak the Query protocol with XML responses. No local EC2 exists, so a local HTTP
 * endpoint replays recorded responses (ec2-fixtures.ts) to the real EC2Client and STSClient, and
 * the test asserts the requests they sent.
 */
describe('sync-boundaries against recorded EC2 responses', () => {
  let server: QueryApiServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await QueryApiServer.start(respond);
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(async () => {
    process.env = saved;
    await server.close();
  });

  it('builds the policy from the caller and an assumed member role, in every region', async () => {
    server.requests.length = 0;
    const { policy, notes } = await syncBoundaries({
      regions: ['us-east-1', 'eu-west-1'], roleArns: [MEMBER_ROLE], endpoint: server.endpoint, now: new Date('2026-11-28T12:00:00Z'),
    });
    expect(policy).toEqual({ generatedAt: '2026-11-28T12:00:00.000Z', source: 'ciphertrail sync-boundaries', vpcs: EXPECTED });
    expect(notes).toEqual([
      'vpc-0e1f2a3b4c5d6e7f8: VpcPeering exclusion is enabling, not counted',
      'vpc-0a9b8c7d6e5f4a3b2: Lambda exclusion is disabling, not counted',
      'vpc-0deaddeaddeaddead: skipped, encryption control is deleting',
    ]);

    const assume = server.requests.find((r) => r.action === 'AssumeRole')!;
    expect(assume.params.get('RoleArn')).toBe(MEMBER_ROLE);
    expect(assume.accessKeyId).toBe(TEST_CREDENTIALS.accessKeyId);
    const memberCalls = server.requests.filter((r) => r.accessKeyId === MEMBER_KEY).map((r) => `${r.region} ${r.action}`);
    expect(memberCalls).toEqual(['us-east-1 DescribeVpcEncryptionControls', 'eu-west-1 DescribeVpcEncryptionControls',
      'eu-west-1 DescribeVpcs']);
    const pages = server.requests.filter((r) => r.action === 'DescribeVpcEncryptionControls' && r.accessKeyId !== MEMBER_KEY &&
      r.region === 'us-east-1');
    expect(pages.map((r) => r.params.get('NextToken'))).toEqual([null, 'eyJ2IjoxLCJjIjoicGFnZTIifQ==']);
    // Interfaces are only described for VPCs whose NAT/Lambda/EFS/... exclusions are enabled.
    const enis = server.requests.filter((r) => r.action === 'DescribeNetworkInterfaces');
    expect(enis).toHaveLength(1);
    expect(Object.fromEntries([...enis[0]!.params].filter(([k]) => k.startsWith('Filter.')))).toEqual({
      'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': 'vpc-0e1f2a3b4c5d6e7f8',
    });
    expect(() => parseBoundaryPolicy(JSON.stringify(policy))).not.toThrow();
  });

  it('without ec2:DescribeNetworkInterfaces it still builds the policy, without excludedInterfaces', async () => {
    const denied = await QueryApiServer.start((request) => request.action === 'DescribeNetworkInterfaces'
      ? { status: 403, body: '<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to ' +
        'perform this operation.</Message></Error></Errors><RequestID>1b2c3d4e</RequestID></Response>' }
      : respond(request));
    try {
      const { policy, notes } = await syncBoundaries({ regions: ['us-east-1'], endpoint: denied.endpoint });
      expect(policy.vpcs['vpc-0e1f2a3b4c5d6e7f8']).not.toHaveProperty('excludedInterfaces');
      expect(policy.vpcs['vpc-0e1f2a3b4c5d6e7f8']!.exclusions).toEqual(['InternetGateway', 'NatGateway']);
      expect(notes).toContain('caller us-east-1: ec2:DescribeNetworkInterfaces denied, excludedInterfaces left empty');
    } finally {
      await denied.close();
    }
  });

  it('names the account and region when a call fails', async () => {
    await expect(syncBoundaries({ regions: ['us-east-1'], roleArns: ['arn:aws:iam::333333333333:role/nope'],
      includeCaller: false, endpoint: `http://127.0.0.1:1` }))
      .rejects.toThrow(/cannot assume arn:aws:iam::333333333333:role\/nope/);
  });

  it('the CLI writes the policy file', async () => {
    const dir = tempDir('sync');
    try {
      const out = join(dir.path, 'boundaries.json');
      const result = await runCli(['sync-boundaries', '--out', out, '--region', 'us-east-1', '--region', 'eu-west-1',
        '--role-arn', MEMBER_ROLE, '--endpoint-url', server.endpoint]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/3 VPCs with encryption controls \(2 enforce, 1 monitor\) from 2 account\(s\)/);
      expect(result.stdout).toMatch(/note {9}vpc-0e1f2a3b4c5d6e7f8: VpcPeering exclusion is enabling, not counted/);
      expect(parseBoundaryPolicy(readFileSync(out, 'utf8')).vpcs).toEqual(EXPECTED);
    } finally {
      dir.remove();
    }
  });

  it('rejects a malformed role ARN and a missing region as usage errors', () => {
    expect(() => parseSyncBoundariesArgs(['--out', 'x.json', '--region', 'us-east-1', '--role-arn', 'role/x']))
      .toThrow(new UsageError('--role-arn "role/x" is not an IAM role ARN'));
    delete process.env.AWS_REGION;
    expect(() => parseSyncBoundariesArgs(['--out', 'x.json'])).toThrow(UsageError);
  });
});
