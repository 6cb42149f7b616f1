/**
 * The version 2 inventory of sync-boundaries against a local EC2 Query-API endpoint (no EC2
 * server exists locally; the real EC2Client, STSClient and SNSClient talk to it): per-call failure
 * isolation, empty sets, a region with no controls, a failed account keeping its inventory, and
 * a failed control state paging once through the CLI (SNS on the same endpoint, dedup file
 * beside --out).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncBoundaries } from '../../functions/adapters/ec2-boundary-source.js';
import { parseBoundaryPolicy } from '../../functions/core/policy/policy-document.js';
import alertSchema from '../../schemas/alert.schema.json' with { type: 'json' };
import { runCli } from '../helpers/cli.js';
import {
  QueryApiServer,
  type QueryRequest,
  type QueryResponse,
  snsError,
  snsPublishOk,
  TEST_CREDENTIALS,
} from '../helpers/query-api-server.js';
import { tempDir } from '../helpers/sources.js';
import { CALLER_ACCOUNT, expectedInventory, queryError, respondEc2 } from './ec2-fixtures.js';

const LEGACY = 'vpc-0a9b8c7d6e5f4a3b2';
const validateMessage = new AjvModule.default({ allErrors: true, strict: true }).compile(alertSchema);
const T0 = new Date('2026-11-28T12:00:00Z');
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:ciphertrail-alerts';
const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** EC2's error document for a denied call (the Query API's `Response/Errors/Error`). */
const denied = (): QueryResponse => ({
  status: 403,
  body:
    '<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform ' +
    'this operation.</Message></Error></Errors><RequestID>1b2c3d4e-0000-4000-8000-000000000000</RequestID></Response>',
});

/** The recorded answers, with the legacy VPC's switch to enforce failed. */
const FAILED_MESSAGE = 'Enforcement failed: 1 resource does not support encryption in transit';
function failedEnforce(request: QueryRequest): QueryResponse {
  const answer = respondEc2(request);
  if (request.action !== 'DescribeVpcEncryptionControls' || !request.params.get('NextToken')) return answer;
  return {
    ...answer,
    body: answer.body.replace(
      `<vpcId>${LEGACY}</vpcId>\n            <vpcEncryptionControlId>vpcec-0a1b2c3d4e5f60718</vpcEncryptionControlId>\n            <mode>monitor</mode>\n            <state>available</state>`,
      `<vpcId>${LEGACY}</vpcId>\n            <vpcEncryptionControlId>vpcec-0a1b2c3d4e5f60718</vpcEncryptionControlId>\n            <mode>monitor</mode>\n            <state>enforce-failed</state>\n            <stateMessage>${FAILED_MESSAGE}</stateMessage>`,
    ),
  };
}

describe('sync-boundaries inventory (version 2)', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
  });

  const withServer = async <T>(
    respond: (r: QueryRequest) => QueryResponse,
    work: (s: QueryApiServer) => Promise<T>,
  ) => {
    const server = await QueryApiServer.start(respond);
    try {
      return await work(server);
    } finally {
      await server.close();
    }
  };

  it('AccessDenied on one inventory call records a gap; the account and the rest of its inventory are still read', async () => {
    const respond = (r: QueryRequest) =>
      r.action === 'GetVpcResourcesBlockingEncryptionEnforcement' || r.action === 'DescribeInstances'
        ? denied()
        : respondEc2(r);
    const { policy, failures } = await withServer(respond, (s) =>
      syncBoundaries({ regions: ['us-east-1'], endpoint: s.endpoint, now: T0 }),
    );
    expect(failures).toEqual([]);
    expect(policy.accounts).toEqual([
      { accountId: CALLER_ACCOUNT, region: 'us-east-1', status: 'ok', lastSuccessAt: T0.toISOString() },
    ]);
    expect(policy.vpcs[LEGACY]).not.toHaveProperty('blockingResources');
    expect(policy.vpcs[LEGACY]!.controlId).toBe('vpcec-0a1b2c3d4e5f60718');
    expect(policy.gaps).toEqual([
      {
        accountId: CALLER_ACCOUNT,
        region: 'us-east-1',
        call: 'GetVpcResourcesBlockingEncryptionEnforcement',
        vpcId: LEGACY,
        error: expect.stringContaining('UnauthorizedOperation'),
      },
      {
        accountId: CALLER_ACCOUNT,
        region: 'us-east-1',
        call: 'DescribeInstances',
        error: expect.stringContaining('UnauthorizedOperation'),
      },
    ]);
    // The ENI is still named by its instance, without the type it could not read.
    expect(policy.interfaces!['eni-0c3c3c3c3c3c3c3c3']).toMatchObject({
      instanceId: 'i-0c3c3c3c3c3c3c3c3',
      nitro: 'unknown',
      label: 'i-0c3c3c3c3c3c3c3c3',
    });
    expect(policy.transitGateways).toEqual(expectedInventory(['us-east-1'], false).transitGateways);
    expect(() => parseBoundaryPolicy(JSON.stringify(policy))).not.toThrow();
  });

  it('an empty set of blocking resources is recorded as checked and empty, and a region with no controls costs two calls', async () => {
    const respond = (r: QueryRequest) =>
      r.action === 'GetVpcResourcesBlockingEncryptionEnforcement'
        ? {
            body: `<GetVpcResourcesBlockingEncryptionEnforcementResponse xmlns="${EC2_NS}"><requestId>0</requestId><nonCompliantResourceSet/></GetVpcResourcesBlockingEncryptionEnforcementResponse>`,
          }
        : respondEc2(r);
    await withServer(respond, async (server) => {
      const { policy } = await syncBoundaries({
        regions: ['us-east-1', 'eu-west-1'],
        endpoint: server.endpoint,
        now: T0,
      });
      expect(policy.vpcs[LEGACY]!.blockingResources).toEqual([]);
      expect(policy).not.toHaveProperty('gaps');
      const euWest = server.requests.filter((r) => r.region === 'eu-west-1').map((r) => r.action);
      expect(euWest).toEqual(['DescribeVpcEncryptionControls', 'DescribeAccountVpcEncryptionControl']);
      expect(policy.accountControls).toEqual(expectedInventory(['us-east-1', 'eu-west-1'], false).accountControls);
    });
  });

  it('a failed account and region keeps its account control, transit gateways and named ENIs from the last sync', async () => {
    const first = await withServer(respondEc2, (s) =>
      syncBoundaries({ regions: ['us-east-1'], endpoint: s.endpoint, now: T0 }),
    );
    const down = (r: QueryRequest) =>
      r.action.startsWith('Describe') && r.action !== 'DescribeAccountVpcEncryptionControl'
        ? queryError(503, 'Unavailable', 'Service unavailable')
        : respondEc2(r);
    const second = await withServer(down, (s) =>
      syncBoundaries({
        regions: ['us-east-1'],
        endpoint: s.endpoint,
        previous: first.policy,
        now: new Date(T0.getTime() + 3_600_000),
      }),
    );
    expect(second.failures).toHaveLength(1);
    expect(second.policy.accountControls).toEqual(first.policy.accountControls);
    expect(second.policy.transitGateways).toEqual(first.policy.transitGateways);
    expect(second.policy.interfaces).toEqual(first.policy.interfaces);
    expect(second.policy.vpcs[LEGACY]).toMatchObject({
      blockingResources: first.policy.vpcs[LEGACY]!.blockingResources,
      staleSince: T0.toISOString(),
    });
  });

  it('a failed switch to enforce pages once through the CLI, names its state message, and a failed page is retried', async () => {
    let snsDown = false;
    const respond = (r: QueryRequest) => {
      if (r.action === 'Publish')
        return snsDown
          ? snsError(400, 'InvalidParameter', 'Topic is not ready')
          : snsPublishOk(`m-${r.params.get('Subject')?.length}`);
      return failedEnforce(r);
    };
    await withServer(respond, async (server) => {
      process.env.AWS_ENDPOINT_URL_SNS = server.endpoint;
      const dir = tempDir('sync-page');
      try {
        const out = join(dir.path, 'boundaries.json');
        const args = [
          'sync-boundaries',
          '--out',
          out,
          '--region',
          'us-east-1',
          '--endpoint-url',
          server.endpoint,
          '--sns-topic-arn',
          TOPIC,
        ];
        const publishes = () => server.requests.filter((r) => r.action === 'Publish');

        snsDown = true;
        const failed = await runCli(args);
        expect(failed.code).toBe(1);
        expect(failed.stdout).toContain('failed       page ciphertrail HIGH');
        expect(failed.stdout).toContain(
          'inventory    2 blocking resource(s) in 1 VPC(s) checked, 2 ENI(s) named, 2 transit gateway(s)',
        );
        expect(parseBoundaryPolicy(readFileSync(out, 'utf8')).vpcs[LEGACY]).not.toHaveProperty('stateAlertedAt');

        snsDown = false;
        const before = publishes().length;
        const paged = await runCli(args);
        expect(paged.stderr).toBe('');
        expect(paged.code).toBe(0);
        expect(paged.stdout).toContain(
          `note         ${LEGACY}: encryption control enforce-failed (${FAILED_MESSAGE}); paged`,
        );
        expect(publishes().length).toBe(before + 1);
        const message = JSON.parse(publishes().at(-1)!.params.get('Message')!);
        expect(validateMessage(message), JSON.stringify(validateMessage.errors)).toBe(true);
        expect(message.vpc_id).toBe(LEGACY);
        expect(message.rules).toEqual(['encryption-control-failed']);
        expect(message.top_offenders[0].reason).toContain(FAILED_MESSAGE);
        expect(message.top_offenders[0].reason).toContain('eni-0c3c3c3c3c3c3c3c3, igw-0c1d2e3f4a5b6c7d8');
        const alertedAt = parseBoundaryPolicy(readFileSync(out, 'utf8')).vpcs[LEGACY]!.stateAlertedAt;
        expect(alertedAt).toMatch(/^\d{4}-/);

        // Still failed at the next sync: no second page, the time of the first is kept.
        const again = await runCli(args);
        expect(again.code).toBe(0);
        expect(publishes().length).toBe(before + 1);
        expect(again.stdout).toContain(`enforce-failed (${FAILED_MESSAGE}); paged at ${alertedAt}`);
        expect(parseBoundaryPolicy(readFileSync(out, 'utf8')).vpcs[LEGACY]!.stateAlertedAt).toBe(alertedAt);
      } finally {
        delete process.env.AWS_ENDPOINT_URL_SNS;
        dir.remove();
      }
    });
  });
});
