import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { syncConfig } from '../../functions/adapters/boundary-config.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { CachedPolicyLoader, readPolicy, writePolicy } from '../../functions/adapters/policy-store.js';
import { BoundaryPolicyError } from '../../functions/core/policy/policy-document.js';
import { createSyncBoundariesHandler } from '../../functions/handlers/sync-boundaries.js';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { lambdaContext } from '../handlers/aws-events.js';
import { QueryApiServer, type QueryRequest, TEST_CREDENTIALS } from '../helpers/query-api-server.js';
import { getObject, type LocalS3, putObject, startLocalS3 } from '../s3/local-s3.js';
import { EXPECTED_VPCS, jsonResponse, MEMBER_ACCOUNT, queryError, respondEc2 } from './ec2-fixtures.js';

const BUCKET = 'config';
const policyA: BoundaryPolicy = { vpcs: { 'vpc-0e1f2a3b4c5d6e7f8': { mode: 'monitor', cidrs: ['10.1.0.0/16'] } } };
const policyB: BoundaryPolicy = { vpcs: { 'vpc-0e1f2a3b4c5d6e7f8': { mode: 'enforce', cidrs: ['10.1.0.0/16'] } } };

describe('boundary policy in S3 (s3rver)', () => {
  let s3: LocalS3;
  const saved = { ...process.env };

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    process.env = saved;
    await s3.stop();
  });

  it('writes and reads a policy at s3://, and names the object when it is invalid', async () => {
    await writePolicy(`s3://${BUCKET}/policy/a.json`, policyA, s3.client);
    expect(await readPolicy(`s3://${BUCKET}/policy/a.json`, s3.client)).toEqual(policyA);
    await putObject(s3.client, BUCKET, 'policy/bad.json', '{"vpcs": {"vpc-0e1f2a3b4c5d6e7f8": {"mode": "on"}}}');
    const error = await readPolicy(`s3://${BUCKET}/policy/bad.json`, s3.client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoundaryPolicyError);
    expect((error as Error).message).toMatch(
      /s3:\/\/config\/policy\/bad\.json:\n {2}\/vpcs\/vpc-0e1f2a3b4c5d6e7f8\/mode/,
    );
  });

  it('the cached loader reuses the policy for its TTL, reloads after, and keeps the last good one on failure', async () => {
    const uri = `s3://${BUCKET}/policy/cached.json`;
    await writePolicy(uri, policyA, s3.client);
    let now = 0;
    let loads = 0;
    const stale: unknown[] = [];
    const loader = new CachedPolicyLoader(
      () => {
        loads++;
        return readPolicy(uri, s3.client);
      },
      {
        ttlMs: 60_000,
        clock: () => now,
        onStaleError: (e) => stale.push(e),
      },
    );
    const [a1, a2] = await Promise.all([loader.get(), loader.get()]);
    expect(a1).toBe(a2);
    expect(loads).toBe(1);
    await writePolicy(uri, policyB, s3.client);
    now = 59_999;
    expect((await loader.get()).policy).toEqual(policyA);
    now = 60_000;
    expect((await loader.get()).policy).toEqual(policyB);
    await putObject(s3.client, BUCKET, 'policy/cached.json', 'not json');
    now = 120_000;
    expect((await loader.get()).policy).toEqual(policyB);
    expect(stale).toHaveLength(1);
    expect(loads).toBe(3);
    await expect(
      CachedPolicyLoader.forLocation(`s3://${BUCKET}/policy/missing.json`, s3.client).get(),
    ).rejects.toThrow();
  });

  it("the sync-boundaries handler writes the policy to S3, keeps failed accounts' last state, and emits its metrics", async () => {
    // No SSM or EC2 server runs locally: the Query/JSON endpoint answers GetParameter with the member list.
    let memberFails = false;
    let allFail = false;
    const aws = await QueryApiServer.start((request: QueryRequest) => {
      if (request.action === 'GetParameter') {
        return jsonResponse({
          Parameter: { Name: '/ciphertrail/member-accounts', Type: 'StringList', Value: MEMBER_ACCOUNT },
        });
      }
      if ((memberFails || allFail) && request.action === 'AssumeRole')
        return queryError(403, 'AccessDenied', 'not authorized');
      if (allFail && request.action.startsWith('Describe'))
        return queryError(503, 'Unavailable', 'Service Unavailable');
      return respondEc2(request);
    });
    const config = syncConfig({
      POLICY_S3_URI: `s3://${BUCKET}/boundaries.json`,
      SYNC_REGIONS: 'us-east-1, eu-west-1',
      MEMBER_ACCOUNTS_SOURCE: 'ssm:/ciphertrail/member-accounts',
      MEMBER_ROLE_NAME: 'ciphertrail-boundary-read',
      AWS_ENDPOINT: aws.endpoint,
    });
    Object.assign(process.env, { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_METRICS_NAMESPACE: 'Ciphertrail' });
    const handler = createSyncBoundariesHandler(config, s3.client, new LambdaTelemetry('sync-boundaries'));
    const run = async () => {
      const out: string[] = [];
      const capture = (chunk: string | Uint8Array) => out.push(String(chunk)) > 0;
      const spies = [
        vi.spyOn(process.stdout, 'write').mockImplementation(capture),
        vi.spyOn(process.stderr, 'write').mockImplementation(capture),
      ];
      try {
        const result = await handler(
          {},
          lambdaContext(() => 300_000),
        ).catch((e: Error) => e);
        const lines = out
          .join('')
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map(
            (l) => JSON.parse(l) as { _aws?: { CloudWatchMetrics: unknown[] }; level?: string; [key: string]: unknown },
          );
        const policy = JSON.parse(
          (await getObject(s3.client, BUCKET, 'boundaries.json')).toString('utf8'),
        ) as BoundaryPolicy;
        return { result, policy, emf: lines.find((l) => l._aws)!, errors: lines.filter((l) => l.level === 'ERROR') };
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
    };
    try {
      const ok = await run();
      expect(ok.result).toMatchObject({
        location: `s3://${BUCKET}/boundaries.json`,
        vpcs: 3,
        accounts: 4,
        failures: [],
        ageSeconds: 0,
      });
      expect(ok.policy.vpcs).toEqual(EXPECTED_VPCS);
      expect(ok.emf._aws?.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Ciphertrail', Dimensions: [['service']] });
      expect(ok.emf).toMatchObject({
        service: 'sync-boundaries',
        BoundaryPolicyAgeSeconds: 0,
        BoundarySyncAccountsOk: 4,
        BoundarySyncFailures: 0,
        BoundaryPolicyVpcs: 3,
      });

      memberFails = true;
      const partial = await run();
      expect(partial.result).toMatchObject({
        vpcs: 3,
        accounts: 4,
        failures: [{ accountId: MEMBER_ACCOUNT }, { accountId: MEMBER_ACCOUNT }],
      });
      expect(partial.policy.vpcs['vpc-0fedcba9876543210']).toEqual({
        ...EXPECTED_VPCS['vpc-0fedcba9876543210'],
        staleSince: ok.policy.generatedAt,
      });
      expect(partial.emf).toMatchObject({ BoundarySyncAccountsOk: 2, BoundarySyncFailures: 2 });
      expect(partial.errors.map((e) => e.message)).toEqual(
        Array(2).fill('account and region not synced: last known state kept'),
      );

      allFail = true;
      const none = await run();
      expect(none.result).toBeInstanceOf(Error);
      expect((none.result as Error).message).toMatch(
        /every account and region failed \(4\); the policy at s3:\/\/config\/boundaries\.json keeps its last known state/,
      );
      // Written all the same: every VPC is its last known state, marked stale.
      expect(Object.values(none.policy.vpcs).every((v) => v.staleSince)).toBe(true);
      expect(none.emf).toMatchObject({ BoundarySyncAccountsOk: 0, BoundarySyncFailures: 4 });
      expect(none.emf.BoundaryPolicyAgeSeconds).toBeGreaterThanOrEqual(0);
    } finally {
      await aws.close();
    }
  });

  it('sync configuration errors name the variable', () => {
    expect(() => syncConfig({ SYNC_REGIONS: 'us-east-1' })).toThrow(/POLICY_S3_URI must be s3:\/\/bucket\/key/);
    expect(() => syncConfig({ POLICY_S3_URI: 's3://b/k' })).toThrow(/SYNC_REGIONS/);
    expect(() =>
      syncConfig({ POLICY_S3_URI: 's3://b/k', SYNC_REGIONS: 'us-east-1', MEMBER_ACCOUNTS_SOURCE: 'ldap' }),
    ).toThrow(/MEMBER_ACCOUNTS_SOURCE: "ldap" is not a member-account source/);
    expect(syncConfig({ POLICY_S3_URI: 's3://b/k', SYNC_REGIONS: 'us-east-1' })).toMatchObject({
      members: { kind: 'none' },
      memberRoleName: 'ciphertrail-boundary-read',
    });
  });
});
