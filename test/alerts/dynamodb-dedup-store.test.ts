import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEDUP_PARTITION_KEY,
  DEDUP_TTL_ATTRIBUTE,
  DynamoDbDedupStore,
} from '../../functions/adapters/dynamodb-dedup-store.js';
import type { AlertMessage } from '../../functions/core/alerts/alert-message.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../helpers/local-dynamodb.js';
import { manyGroups, runOnce, T0 } from './fixtures.js';

const TABLE = 'ciphertrail-alert-dedup';
const NOW = T0;
const NOW_SEC = NOW / 1000;
const HOUR = 3600_000;
const MINUTE = 60_000;

describe('DynamoDB dedup store (dynalite)', () => {
  let db: LocalDynamoDb;
  let store: DynamoDbDedupStore;

  beforeAll(async () => {
    db = await startLocalDynamoDb();
    await db.client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: DEDUP_PARTITION_KEY, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: DEDUP_PARTITION_KEY, KeyType: 'HASH' }],
      }),
    );
    store = new DynamoDbDedupStore(db.client, TABLE);
  });
  afterAll(() => db.close());

  const item = async (key: string) =>
    (await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { [DEDUP_PARTITION_KEY]: { S: key } } }))).Item;

  it('a claim is pending until its lease ends: then anyone may take it again', async () => {
    const token = await store.claim('k1', NOW, NOW + 5 * MINUTE + 500);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(await item('k1')).toEqual({
      [DEDUP_PARTITION_KEY]: { S: 'k1' },
      token: { S: token },
      state: { S: 'pending' },
      claimed_at: { N: String(NOW_SEC) },
      [DEDUP_TTL_ATTRIBUTE]: { N: String(NOW_SEC + 301) }, // rounded up: never before the claimant's deadline
    });
    expect(await store.claim('k1', NOW + 5 * MINUTE, NOW + HOUR)).toBeNull();
    // The claimant never confirmed (timed out, ran out of memory): after its lease the key is free.
    const next = await store.claim('k1', NOW + 5 * MINUTE + 1000, NOW + HOUR);
    expect(next).not.toBeNull();
    expect(await store.confirm('k1', token!, NOW + 5 * MINUTE, NOW + HOUR)).toBe(false); // too late: no longer ours
    expect((await item('k1'))!.token).toEqual({ S: next });
  });

  it('a confirmed claim is sent and suppresses the key for the window, then frees it', async () => {
    const token = (await store.claim('k2', NOW, NOW + MINUTE))!;
    expect(await store.confirm('k2', token, NOW + 2000, NOW + HOUR)).toBe(true);
    expect(await item('k2')).toMatchObject({
      state: { S: 'sent' },
      sent_at: { N: String(NOW_SEC + 2) },
      [DEDUP_TTL_ATTRIBUTE]: { N: String(NOW_SEC + 3600) },
      token: { S: token },
      claimed_at: { N: String(NOW_SEC) },
    });
    expect(await store.claim('k2', NOW + 2 * MINUTE, NOW + HOUR)).toBeNull(); // past the lease, inside the window
    expect(await store.claim('k2', NOW + HOUR - 1000, NOW + 2 * HOUR)).toBeNull();
    // TTL deletion is lazy: an expired item still present must not suppress.
    expect(await store.claim('k2', NOW + HOUR, NOW + 2 * HOUR)).not.toBeNull();
  });

  it('confirm of a key nobody claimed creates nothing', async () => {
    expect(await store.confirm('k-none', 'made-up', NOW, NOW + HOUR)).toBe(false);
    expect(await item('k-none')).toBeUndefined();
  });

  it('releases only its own claim', async () => {
    const mine = (await store.claim('k3', NOW, NOW + MINUTE))!;
    await store.release('k3', 'someone-else');
    expect(await item('k3')).toBeDefined();
    await store.release('k3', mine);
    expect(await item('k3')).toBeUndefined();
    await store.release('k3', mine); // already gone: no error
  });

  it('concurrent writers: exactly one wins', async () => {
    const stores = Array.from({ length: 20 }, () => new DynamoDbDedupStore(db.client, TABLE));
    const tokens = await Promise.all(stores.map((s) => s.claim('k4', NOW, NOW + MINUTE)));
    expect(tokens.filter((t) => t !== null)).toHaveLength(1);
  });

  it('concurrent invocations over the same batch page each violation once', async () => {
    const groups = manyGroups(8, 'vpc-0fedcba9876543210');
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runOnce(groups, { dedup: new DynamoDbDedupStore(db.client, TABLE) })),
    );
    expect(runs.reduce((n, r) => n + r.paged.length, 0)).toBe(8);
    expect(runs.reduce((n, r) => n + r.suppressed.length, 0)).toBe(24);
  });

  it('a burst whose invocation times out while publishing does not suppress itself on the retry', async () => {
    const groups = manyGroups(40).map((g) => ({ ...g, port: 9000 })); // keys of their own in the shared table
    const stuck = {
      destination: 'memory',
      calls: 0,
      publish: () => {
        stuck.calls++;
        return new Promise<string>(() => undefined);
      },
    };
    // 5 minutes left when the first invocation claims; it is cut off while SNS never answers.
    void runOnce(groups, {
      dedup: new DynamoDbDedupStore(db.client, TABLE),
      publisher: stuck,
      remainingMs: () => 5 * MINUTE,
    });
    await expect.poll(() => stuck.calls).toBe(1);
    const pending = await item(
      `vpc-0e1f2a3b4c5d6e7f8|eni-00000000000000001|10.1.200.1|6|9000|cleartext-in-enforced-vpc`,
    );
    expect(pending).toMatchObject({ state: { S: 'pending' }, [DEDUP_TTL_ATTRIBUTE]: { N: String(NOW_SEC + 300) } });

    // SQS redelivers after the visibility timeout (longer than the function timeout): the retry pages.
    const sent: AlertMessage[] = [];
    const retry = await runOnce(
      groups,
      {
        dedup: new DynamoDbDedupStore(db.client, TABLE),
        remainingMs: () => 5 * MINUTE,
        publisher: { destination: 'memory', publish: async (m) => `m-${sent.push(m)}` },
      },
      NOW + 6 * MINUTE,
    );
    expect(retry.paged).toHaveLength(25); // the per-VPC cap; the other 15 are counted in the message
    expect(retry.capped).toHaveLength(15);
    expect(JSON.parse(sent[0]!.body).not_shown.alerts).toBe(15);
    expect(
      await item(`vpc-0e1f2a3b4c5d6e7f8|eni-00000000000000001|10.1.200.1|6|9000|cleartext-in-enforced-vpc`),
    ).toMatchObject({ state: { S: 'sent' }, [DEDUP_TTL_ATTRIBUTE]: { N: String(NOW_SEC + 360 + 3600) } });
  });
});
