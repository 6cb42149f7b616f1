/**
 * The sync-boundaries Lambda pages a failed control state once: the real handler over s3rver
 * (the policy), dynalite (the dedup table, the same conditional claims as ingest's alerts) and a
 * local Query-API endpoint for EC2, STS and SNS (no local server exists for those).
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConfig } from '../../functions/adapters/boundary-config.js';
import { DynamoDbDedupStore } from '../../functions/adapters/dynamodb-dedup-store.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { SnsAlertPublisher } from '../../functions/adapters/sns-alert-publisher.js';
import { createSyncBoundariesHandler } from '../../functions/handlers/sync-boundaries.js';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { lambdaContext } from '../handlers/aws-events.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../helpers/local-dynamodb.js';
import { QueryApiServer, type QueryRequest, snsPublishOk, TEST_CREDENTIALS } from '../helpers/query-api-server.js';
import { getObject, type LocalS3, putObject, startLocalS3 } from '../s3/local-s3.js';
import { respondEc2 } from './ec2-fixtures.js';

const BUCKET = 'config';
const TABLE = 'ciphertrail-dedup';
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:ciphertrail-alerts';
const LEGACY = 'vpc-0a9b8c7d6e5f4a3b2';

/** The recorded answers with the legacy VPC's switch to enforce failed. */
function respond(request: QueryRequest) {
  if (request.action === 'Publish') return snsPublishOk(`msg-${Date.now()}`);
  const answer = respondEc2(request);
  if (request.action !== 'DescribeVpcEncryptionControls' || !request.params.get('NextToken')) return answer;
  return {
    ...answer,
    body: answer.body.replace(
      '<mode>monitor</mode>\n            <state>available</state>',
      '<mode>monitor</mode>\n            <state>enforce-failed</state>\n            <stateMessage>1 resource blocks enforcement</stateMessage>',
    ),
  };
}

describe('sync-boundaries Lambda: failed control states page once', () => {
  let s3: LocalS3;
  let db: LocalDynamoDb;
  let aws: QueryApiServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    s3 = await startLocalS3([BUCKET]);
    db = await startLocalDynamoDb();
    await db.client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    aws = await QueryApiServer.start(respond);
  });
  afterAll(async () => {
    process.env = saved;
    await aws.close();
    await db.close();
    await s3.stop();
  });

  it('reads ALERT_TOPIC_ARN and DEDUP_TABLE together, or neither', () => {
    const base = { POLICY_S3_URI: `s3://${BUCKET}/boundaries.json`, SYNC_REGIONS: 'us-east-1' };
    expect(syncConfig(base).alerts).toBeUndefined();
    expect(syncConfig({ ...base, ALERT_TOPIC_ARN: TOPIC, DEDUP_TABLE: TABLE, SUPPRESS_MINUTES: '30' }).alerts).toEqual({
      topicArn: TOPIC,
      dedupTable: TABLE,
      suppressMinutes: 30,
    });
    expect(() => syncConfig({ ...base, ALERT_TOPIC_ARN: TOPIC })).toThrow(
      /ALERT_TOPIC_ARN and DEDUP_TABLE go together/,
    );
  });

  it('pages at the first sync, not at the next, and the dedup table suppresses a run that lost the mark', async () => {
    const config = syncConfig({
      POLICY_S3_URI: `s3://${BUCKET}/boundaries.json`,
      SYNC_REGIONS: 'us-east-1',
      AWS_ENDPOINT: aws.endpoint,
      ALERT_TOPIC_ARN: TOPIC,
      DEDUP_TABLE: TABLE,
    });
    const handler = createSyncBoundariesHandler(config, s3.client, new LambdaTelemetry('sync-boundaries'), {
      dedup: new DynamoDbDedupStore(db.client, TABLE),
      publisher: new SnsAlertPublisher(TOPIC, {
        clientConfig: { endpoint: aws.endpoint, credentials: TEST_CREDENTIALS },
      }),
      suppressMinutes: config.alerts!.suppressMinutes,
    });
    const policy = async () =>
      JSON.parse((await getObject(s3.client, BUCKET, 'boundaries.json')).toString('utf8')) as BoundaryPolicy;
    const publishes = () => aws.requests.filter((r) => r.action === 'Publish');

    const first = await handler(
      {},
      lambdaContext(() => 300_000),
    );
    expect(first.notes).toContain(
      `${LEGACY}: encryption control enforce-failed (1 resource blocks enforcement); paged`,
    );
    expect(publishes()).toHaveLength(1);
    expect(JSON.parse(publishes()[0]!.params.get('Message')!)).toMatchObject({
      vpc_id: LEGACY,
      rules: ['encryption-control-failed'],
      severity: 'high',
    });
    const alertedAt = (await policy()).vpcs[LEGACY]!.stateAlertedAt;
    expect(alertedAt).toBeDefined();

    await handler(
      {},
      lambdaContext(() => 300_000),
    );
    expect(publishes()).toHaveLength(1);
    expect((await policy()).vpcs[LEGACY]!.stateAlertedAt).toBe(alertedAt);

    // A policy without the mark (restored from an old copy): the claim in DynamoDB still suppresses it.
    const unmarked = await policy();
    const { stateAlertedAt: _, ...legacy } = unmarked.vpcs[LEGACY]!;
    await putObject(
      s3.client,
      BUCKET,
      'boundaries.json',
      JSON.stringify({ ...unmarked, vpcs: { ...unmarked.vpcs, [LEGACY]: legacy } }),
    );
    await handler(
      {},
      lambdaContext(() => 300_000),
    );
    expect(publishes()).toHaveLength(1);
    expect((await policy()).vpcs[LEGACY]!.stateAlertedAt).toBeDefined();
  });
});
