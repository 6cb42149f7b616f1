import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { BoundaryPolicyError } from '../../functions/core/policy/policy-document.js';
import { syncConfig } from '../../functions/adapters/boundary-config.js';
import { CachedPolicyLoader, readPolicy, writePolicy } from '../../functions/adapters/policy-store.js';
import { createSyncBoundariesHandler } from '../../functions/handlers/sync-boundaries.js';
import { QueryApiServer, TEST_CREDENTIALS } from '../helpers/query-api-server.js';
import { getObject, type LocalS3, putObject, startLocalS3 } from '../s3/local-s3.js';
import { EXPECTED_VPCS, MEMBER_ROLE, respondEc2 } from './ec2-fixtures.js';

const BUCKET = 'config';
const policyA: BoundaryPolicy = { vpcs: { 'vpc-0e1f2a3b4c5d6e7f8': { mode: 'monitor', cidrs: ['10.1.0.0/16'] } } };
const policyB: BoundaryPolicy = { vpcs: { 'vpc-0e1f2a3b4c5d6e7f8': { mode: 'enforce', cidrs: ['10.1.0.0/16'] } } };

describe('boundary policy in S3 (s3rver)', () => {
  let s3: LocalS3;
  let ec2: QueryApiServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    ec2 = await QueryApiServer.start(respondEc2);
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
  });
  afterAll(async () => {
    process.env = saved;
    await ec2.close();
    await s3.stop();
  });

  it('writes and reads a policy at s3://, and names the object when it is invalid', async () => {
    await writePolicy(`s3://${BUCKET}/policy/a.json`, policyA, s3.client);
    expect(await readPolicy(`s3://${BUCKET}/policy/a.json`, s3.client)).toEqual(policyA);
    await putObject(s3.client, BUCKET, 'policy/bad.json', '{"vpcs": {"vpc-0e1f2a3b4c5d6e7f8": {"mode": "on"}}}');
    const error = await readPolicy(`s3://${BUCKET}/policy/bad.json`, s3.client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoundaryPolicyError);
    expect((error as Error).message).toMatch(/s3:\/\/config\/policy\/bad\.json:\n {2}\/vpcs\/vpc-0e1f2a3b4c5d6e7f8\/mode/);
  });

  it('the cached loader reuses the policy for its TTL, reloads after, and keeps the last good one on failure', async () => {
    const uri = `s3://${BUCKET}/policy/cached.json`;
    await writePolicy(uri, policyA, s3.client);
    let now = 0;
    let loads = 0;
    const stale: unknown[] = [];
    const loader = new CachedPolicyLoader(() => (loads++, readPolicy(uri, s3.client)),
      { ttlMs: 60_000, clock: () => now, onStaleError: (e) => stale.push(e) });
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
    await expect(CachedPolicyLoader.forLocation(`s3://${BUCKET}/policy/missing.json`, s3.client).get()).rejects.toThrow();
  });

  it('the sync-boundaries handler writes the policy built from EC2 to S3', async () => {
    const config = syncConfig({
      POLICY_S3_URI: `s3://${BUCKET}/boundaries.json`, SYNC_REGIONS: 'us-east-1, eu-west-1', MEMBER_ROLE_ARNS: MEMBER_ROLE,
      AWS_ENDPOINT: ec2.endpoint,
    });
    const logged: unknown[] = [];
    const handler = createSyncBoundariesHandler(config, s3.client, { info: (...args: unknown[]) => logged.push(args) } as never);
    const result = await handler();
    expect(result).toMatchObject({ location: `s3://${BUCKET}/boundaries.json`, vpcs: 3 });
    expect(result.notes).toHaveLength(3);
    const written = JSON.parse((await getObject(s3.client, BUCKET, 'boundaries.json')).toString('utf8')) as BoundaryPolicy;
    expect(written.vpcs).toEqual(EXPECTED_VPCS);
    expect(logged).toHaveLength(1);
  });

  it('sync configuration errors name the variable', () => {
    expect(() => syncConfig({ SYNC_REGIONS: 'us-east-1' })).toThrow(/POLICY_S3_URI must be s3:\/\/bucket\/key/);
    expect(() => syncConfig({ POLICY_S3_URI: 's3://b/k' })).toThrow(/SYNC_REGIONS/);
  });
});
