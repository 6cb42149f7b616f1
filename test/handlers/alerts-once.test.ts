/**
 * Exactly-once results over at-least-once delivery: the exported ingest handler, configured only
 * through its environment, gets the same notification three times. Tables come out identical and
 * every violation pages once: suppression state lives in a DynamoDB-compatible server (dynalite),
 * and SNS is a local HTTP endpoint speaking the SNS query API (no SNS server runs locally).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { QueryApiServer, snsPublishOk } from '../helpers/query-api-server.js';
import { type LocalS3, listKeys, putObject, s3Env, startLocalS3 } from '../s3/local-s3.js';
import { lambdaContext, s3Notification, sqsEvent } from './aws-events.js';
import { CURATED, quietTelemetry, RAW } from './fixture.js';

quietTelemetry();
const SAMPLE =
  'AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/111111111111_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20251121T1005Z_5e6f7a8b.log.gz';
let s3: LocalS3;
let dynamo: Server;
let sns: QueryApiServer;
let published = 0;

beforeAll(async () => {
  s3 = await startLocalS3([RAW, CURATED]);
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: object) => Server;
  dynamo = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  sns = await QueryApiServer.start(() => snsPublishOk(`message-${++published}`));
  const dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  Object.assign(process.env, s3Env(s3.endpoint), {
    CURATED_BUCKET: CURATED,
    CURATED_PREFIX: 'tables/',
    POLICY_S3_URI: `s3://${CURATED}/policy/boundaries.json`,
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:ciphertrail-alerts',
    DEDUP_TABLE: 'alert-dedup',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ENDPOINT_URL_SNS: sns.endpoint,
  });
  await new DynamoDBClient({}).send(
    new CreateTableCommand({
      TableName: 'alert-dedup',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  await putObject(s3.client, CURATED, 'policy/boundaries.json', readFileSync(`${REPO_ROOT}/samples/boundaries.json`));
});
afterAll(async () => {
  await sns.close();
  await new Promise((resolve) => dynamo.close(resolve));
  await s3.stop();
});

it('writes identical tables and pages each violation once when a notification arrives three times', async () => {
  const facts = {
    bucket: RAW,
    key: SAMPLE,
    ...(await putObject(s3.client, RAW, SAMPLE, readFileSync(`${REPO_ROOT}/samples/flow-logs/${SAMPLE}`))),
  };
  const { handler } = await import('../../functions/handlers/s3-ingest.js');
  const snapshots: string[] = [];
  const publishes: number[] = [];
  for (const delivery of [1, 2, 3]) {
    const response = await handler(
      sqsEvent([{ messageId: `delivery-${delivery}`, body: s3Notification(facts) }]),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    // The staged ledger grows by an entry per delivery (the committer's input); the tables stay identical.
    const keys = await listKeys(s3.client, CURATED, 'tables/');
    snapshots.push(JSON.stringify(keys.filter((k) => !k.key.startsWith('tables/_staged/'))));
    publishes.push(sns.requests.filter((r) => r.action === 'Publish').length);
  }
  expect(snapshots[1]).toBe(snapshots[0]);
  expect(snapshots[2]).toBe(snapshots[0]);
  expect(JSON.parse(snapshots[0]!).map((k: { key: string }) => k.key.split('/')[1])).toEqual(
    expect.arrayContaining(['summary', 'unencrypted']),
  );

  expect(publishes[0]).toBeGreaterThan(0);
  expect(publishes).toEqual([publishes[0], publishes[0], publishes[0]]);
  const paged = sns.requests
    .filter((r) => r.action === 'Publish')
    .flatMap((r) => JSON.parse(r.params.get('Message')!).top_offenders);
  expect(paged.map((a: { rule: string }) => a.rule).sort()).toEqual([
    'cleartext-in-enforced-vpc',
    'cleartext-into-enforced-vpc',
  ]);
  const claims = await new DynamoDBClient({}).send(new ScanCommand({ TableName: 'alert-dedup' }));
  expect(claims.Items).toHaveLength(2);
  // Two-phase claims: each one was confirmed once its message went out.
  expect(claims.Items!.map((item) => item.state?.S)).toEqual(['sent', 'sent']);
});
