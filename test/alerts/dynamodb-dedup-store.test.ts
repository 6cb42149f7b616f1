import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEDUP_PARTITION_KEY, DEDUP_TTL_ATTRIBUTE, DynamoDbDedupStore } from '../../functions/adapters/dynamodb-dedup-store.js';
import { raiseAlerts } from '../../functions/core/alerts/raise-alerts.js';
import { type LocalDynamoDb, startLocalDynamoDb } from '../helpers/local-dynamodb.js';
import { manyGroups, POLICY, T0 } from './fixtures.js';

const TABLE = 'ciphertrail-alert-dedup';
const NOW = T0;
const NOW_SEC = NOW / 1000;

describe('DynamoDB dedup store (dynalite)', () => {
  let db: LocalDynamoDb;
  let store: DynamoDbDedupStore;

  beforeAll(async () => {
    db = await startLocalDynamoDb();
    await db.client.send(new CreateTableCommand({
      TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: DEDUP_PARTITION_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: DEDUP_PARTITION_KEY, KeyType: 'HASH' }],
    }));
    store = new DynamoDbDedupStore(db.client, TABLE);
  });
  afterAll(() => db.close());

  const item = async (key: string) =>
    (await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { [DEDUP_PARTITION_KEY]: { S: key } } }))).Item;

  it('claims a key once, writes the TTL attribute, and frees it when the window has passed', async () => {
    const token = await store.claim('k1', NOW, 3600);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(await item('k1')).toMatchObject({ [DEDUP_TTL_ATTRIBUTE]: { N: String(NOW_SEC + 3600) }, token: { S: token } });
    expect(await store.claim('k1', NOW + 3599_000, 3600)).toBeNull();
    // TTL deletion is lazy: an expired item still present must not suppress.
    const next = await store.claim('k1', NOW + 3600_000, 3600);
    expect(next).not.toBeNull();
    expect((await item('k1'))![DEDUP_TTL_ATTRIBUTE]).toEqual({ N: String(NOW_SEC + 7200) });
  });

  it('releases only its own claim', async () => {
    const mine = (await store.claim('k2', NOW, 60))!;
    await store.release('k2', 'someone-else');
    expect(await item('k2')).toBeDefined();
    await store.release('k2', mine);
    expect(await item('k2')).toBeUndefined();
    await store.release('k2', mine); // already gone: no error
  });

  it('concurrent writers: exactly one wins', async () => {
    const stores = Array.from({ length: 20 }, () => new DynamoDbDedupStore(db.client, TABLE));
    const tokens = await Promise.all(stores.map((s) => s.claim('k3', NOW, 600)));
    expect(tokens.filter((t) => t !== null)).toHaveLength(1);
  });

  it('concurrent invocations over the same batch page each violation once', async () => {
    const groups = manyGroups(8);
    const runs = await Promise.all(Array.from({ length: 4 }, () =>
      raiseAlerts({ groups, policy: POLICY, dedup: new DynamoDbDedupStore(db.client, TABLE), now: NOW })));
    expect(runs.reduce((n, r) => n + r.paged.length, 0)).toBe(8);
    expect(runs.reduce((n, r) => n + r.suppressed.length, 0)).toBe(24);
  });
});
