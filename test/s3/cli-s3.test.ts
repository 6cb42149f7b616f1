/**
 * `ciphertrail ingest s3://… --out s3://… --endpoint …` through the same S3 source and sink the
 * Lambda handler uses: the same object gets the same output keys whichever of the two ran.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingestConfig } from '../../functions/adapters/lambda-config.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { createIngestHandler } from '../../functions/handlers/s3-ingest.js';
import { lambdaContext, s3Notification, sqsEvent } from '../handlers/aws-events.js';
import { CURATED, corpus, curatedTotals, expectedTotals, quietTelemetry, RAW, upload } from '../handlers/fixture.js';
import { runCli } from '../helpers/cli.js';
import { getObject, type LocalS3, listKeys, putObject, s3Client, s3Env, startLocalS3 } from './local-s3.js';

quietTelemetry();
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([RAW, CURATED]);
  Object.assign(process.env, s3Env(s3.endpoint));
});
afterAll(() => s3.stop());

it('ingests an S3 prefix into an S3 prefix, with the same output keys as the Lambda handler', async () => {
  const objects = corpus(41, 3);
  const facts = await Promise.all(objects.map((o) => upload(s3.client, o, 'logs/')));
  await putObject(s3.client, RAW, 'logs/broken.log.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));

  const result = await runCli([
    'ingest',
    's3://raw/logs',
    '--out',
    's3://curated/cli',
    '--endpoint',
    s3.endpoint,
    '--quiet',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1); // one object rejected, the others written
  expect(result.stdout).toMatch(/4 objects \(3 accepted, 1 rejected\)/);
  expect(result.stdout).toMatch(/REJECTED +s3:\/\/raw\/logs\/broken\.log\.gz: corrupt gzip/);
  expect(await curatedTotals(s3.client, 'cli/')).toEqual(expectedTotals(objects));
  const report = JSON.parse((await getObject(s3.client, CURATED, 'cli/ingest-report.json')).toString());
  expect(report.totals).toMatchObject({ objects: 4, accepted: 3, rejected: 1 });

  const tables = async () => (await listKeys(s3.client, CURATED, 'cli/')).filter((k) => !k.key.endsWith('.json'));
  const byCli = await tables();
  const handler = createIngestHandler({
    config: ingestConfig({ CURATED_BUCKET: CURATED, CURATED_PREFIX: 'cli' }),
    s3: s3Client(s3.endpoint),
    telemetry: new LambdaTelemetry('ingest'),
  });
  const response = await handler(
    sqsEvent(facts.map((f, i) => ({ messageId: `m${i}`, body: s3Notification(f) }))),
    lambdaContext(),
  );
  expect(response).toEqual({ batchItemFailures: [] });
  expect(await tables()).toEqual(byCli);
});

it('says which S3 input it cannot read: an empty prefix, a missing bucket (one line each, no SDK dump)', async () => {
  const empty = await runCli([
    'ingest',
    's3://raw/nothing-here/',
    '--out',
    's3://curated/x',
    '--endpoint',
    s3.endpoint,
  ]);
  expect(empty.code).toBe(2);
  expect(empty.stderr).toMatch(/^ciphertrail ingest: no flow-log objects in s3:\/\/raw\/nothing-here\/\n/);
  const missing = await runCli([
    'ingest',
    's3://no-such-bucket/logs/',
    '--out',
    's3://curated/x',
    '--endpoint',
    s3.endpoint,
  ]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(
    /^ciphertrail ingest: cannot list s3:\/\/no-such-bucket\/logs\/: NoSuchBucket: .+ \(check the bucket name and the region\)\n/,
  );
  expect(missing.stderr).not.toContain('$metadata');
});

it('fails the run (exit 3) with one line when the output bucket does not exist', async () => {
  const result = await runCli([
    'ingest',
    's3://raw/logs/',
    '--out',
    's3://no-such-bucket/x',
    '--endpoint',
    s3.endpoint,
  ]);
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(/^ciphertrail ingest: cannot write to s3:\/\/no-such-bucket\/x: NotFound/);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
});
