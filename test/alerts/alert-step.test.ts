import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertStep } from '../../functions/adapters/alert-step.js';
import { DEDUP_PARTITION_KEY, DynamoDbDedupStore } from '../../functions/adapters/dynamodb-dedup-store.js';
import { findingsWriter } from '../../functions/adapters/findings-writer.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { CachedPolicyLoader, writePolicy } from '../../functions/adapters/policy-store.js';
import { S3BlobStore } from '../../functions/adapters/s3-store.js';
import type { AlertMessage } from '../../functions/core/alerts/alert-message.js';
import { AlertDeadlineError } from '../../functions/core/alerts/page-alerts.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../helpers/local-dynamodb.js';
import { tempDir } from '../helpers/sources.js';
import { downloadPrefix, type LocalS3, startLocalS3 } from '../s3/local-s3.js';
import { group, manyGroups, POLICY } from './fixtures.js';

const BUCKET = 'curated';

describe('alert step of the ingest function (s3rver + dynalite)', () => {
  let s3: LocalS3;
  let db: LocalDynamoDb;

  beforeAll(async () => {
    [s3, db] = await Promise.all([startLocalS3([BUCKET]), startLocalDynamoDb()]);
    await db.client.send(
      new CreateTableCommand({
        TableName: 'dedup',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: DEDUP_PARTITION_KEY, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: DEDUP_PARTITION_KEY, KeyType: 'HASH' }],
      }),
    );
  });
  afterAll(async () => {
    await db.close();
    await s3.stop();
  });

  it("classifies an object's groups with the cached policy, writes its findings and pages new violations once", async () => {
    await writePolicy(`s3://${BUCKET}/config/boundaries.json`, POLICY, s3.client);
    const sent: AlertMessage[] = [];
    const step = createAlertStep({
      policy: CachedPolicyLoader.forLocation(`s3://${BUCKET}/config/boundaries.json`, s3.client),
      dedup: new DynamoDbDedupStore(db.client, 'dedup'),
      publisher: { destination: 'memory', publish: async (m) => `m-${sent.push(m)}` },
      findings: findingsWriter(new ParquetTableSink(new S3BlobStore(s3.client, BUCKET, 'tables/'))),
      now: () => Date.UTC(2025, 10, 21, 12),
    });
    const groups = [
      group(),
      group({ dstaddr: '203.0.113.5', traffic_path: 8 }), // excluded (InternetGateway)
      group({ action: 'REJECT', reject_reason: 'EC' }), // blocked
      group({ encryption_status: 1 }), // ok: not a finding
    ];
    const origin = {
      object: 's3://raw/AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/a.log.gz',
      identity: 'raw/a.log.gz#etag1',
    };
    expect(await step.raise(groups, origin)).toBe(1);
    expect(await step.raise(groups, origin)).toBe(0);
    expect(sent).toHaveLength(1);

    const dir = tempDir('findings');
    const oracle = await Oracle.open();
    try {
      const keys = await downloadPrefix(s3.client, BUCKET, 'tables/', dir.path);
      expect(keys).toEqual([
        expect.stringMatching(/^tables\/_manifests\/a-[0-9a-f]{12}\.json$/),
        expect.stringMatching(/^tables\/findings\/dt=2025-11-21\/a-[0-9a-f]{12}-0\.parquet$/),
      ]);
      const rows = await oracle.query(
        `SELECT classification, rule, severity FROM ${parquetTable(dir.path, 'findings')} ORDER BY 1`,
      );
      expect(rows).toEqual([
        { classification: 'blocked', rule: 'ec-blocked', severity: 'medium' },
        { classification: 'excluded', rule: 'excluded-path', severity: 'info' },
        { classification: 'violation', rule: 'cleartext-in-enforced-vpc', severity: 'high' },
      ]);
    } finally {
      oracle.close();
      dir.remove();
    }
  });

  it('with too little time left it claims nothing and fails, so the retried message pages', async () => {
    await writePolicy(`s3://${BUCKET}/config/deadline.json`, POLICY, s3.client);
    const sent: AlertMessage[] = [];
    const step = createAlertStep({
      policy: CachedPolicyLoader.forLocation(`s3://${BUCKET}/config/deadline.json`, s3.client),
      dedup: new DynamoDbDedupStore(db.client, 'dedup'),
      publisher: { destination: 'memory', publish: async (m) => `m-${sent.push(m)}` },
      now: () => Date.UTC(2025, 10, 22, 12),
    });
    const groups = manyGroups(3).map((g) => ({ ...g, port: 7000 }));
    const origin = { object: 's3://raw/b.log.gz', identity: 'raw/b.log.gz#etag1' };
    const claims = async () =>
      ((await db.client.send(new ScanCommand({ TableName: 'dedup' }))).Items ?? []).filter((i) =>
        i.pk!.S!.includes('|7000|'),
      );
    const error = await step.raise(groups, origin, () => 19_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeadlineError);
    expect((error as Error).message).toMatch(
      /^3 alert\(s\) not checked: less than 20000 ms was left to publish them; 0 paged/,
    );
    expect(await claims()).toEqual([]);
    expect(sent).toEqual([]);
    expect(await step.raise(groups, origin, () => 120_000)).toBe(3);
    expect((await claims()).map((i) => i.state!.S)).toEqual(['sent', 'sent', 'sent']);
  });
});
