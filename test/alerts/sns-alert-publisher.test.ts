import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileDedupStore } from '../../functions/adapters/file-dedup-store.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { SnsAlertPublisher } from '../../functions/adapters/sns-alert-publisher.js';
import {
  publishedAttributes,
  QueryApiServer,
  type QueryRequest,
  type QueryResponse,
  snsError,
  snsPublishOk,
  TEST_CREDENTIALS,
} from '../helpers/query-api-server.js';
import { tempDir } from '../helpers/sources.js';
import { ANALYTICS, manyGroups, PAYMENTS, runOnce, T0 } from './fixtures.js';

/*
 * No SNS server runs locally: a node:http endpoint speaking the SNS Query API (form-encoded
 * Action=Publish, XML responses) stands in, and the tests assert the exact Publish requests the
 * real SNSClient sends through the publisher.
 */
const TOPIC = 'arn:aws:sns:us-east-1:999999999999:ciphertrail-alerts';

let server: QueryApiServer;
let script: ((request: QueryRequest, n: number) => QueryResponse) | undefined;
const delays: number[] = [];

beforeAll(async () => {
  server = await QueryApiServer.start(
    (request) => script?.(request, server.requests.length) ?? snsPublishOk(`id-${server.requests.length}`),
  );
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  script = undefined;
  delays.length = 0;
});

function publisher(attempts = 4): SnsAlertPublisher {
  const client = new SNSClient({
    region: 'us-east-1',
    endpoint: server.endpoint,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  return new SnsAlertPublisher(TOPIC, {
    client,
    retry: { attempts, sleep: async (ms) => void delays.push(ms), random: () => 1 },
  });
}

/** A fresh file dedup store (read once at open; the tests never save it). */
async function dedup(): Promise<FileDedupStore> {
  const dir = tempDir('sns');
  const store = await FileDedupStore.open(new LocalDirStore(dir.path), 'alert-dedup.json');
  dir.remove();
  return store;
}

describe('SNS alert publisher (local SNS Query API endpoint)', () => {
  it('sends one Publish per boundary VPC with subject, JSON body and filterable attributes', async () => {
    const result = await runOnce([...manyGroups(30), ...manyGroups(1, ANALYTICS)], {
      dedup: await dedup(),
      publisher: publisher(),
    });
    expect(server.requests).toHaveLength(2);
    const [payments, analytics] = server.requests;
    expect(payments!.params.get('Action')).toBe('Publish');
    expect(payments!.params.get('TopicArn')).toBe(TOPIC);
    expect(payments!.params.get('Subject')).toBe(
      'ciphertrail HIGH: 30 cleartext violations at vpc-0e1f2a3b4c5d6e7f8 (111111111111 us-east-1)',
    );
    expect(publishedAttributes(payments!.params)).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      account_id: { DataType: 'String', StringValue: '111111111111' },
      vpc_id: { DataType: 'String', StringValue: PAYMENTS },
      rule: { DataType: 'String.Array', StringValue: '["cleartext-in-enforced-vpc"]' },
    });
    const body = JSON.parse(payments!.params.get('Message')!);
    expect(body).toMatchObject({ vpc_id: PAYMENTS, totals: { alerts: 30 }, not_shown: { alerts: 5 } });
    expect(body.top_offenders).toHaveLength(25);
    expect(Buffer.byteLength(payments!.params.get('Message')!)).toBeLessThan(262_144);
    expect(publishedAttributes(analytics!.params).account_id!.StringValue).toBe('222222222222');
    expect(result.messages.map((m) => m.messageId)).toEqual(['id-1', 'id-2']);
  });

  it('retries a 500 and throttling with backoff, then succeeds', async () => {
    script = (_r, n) =>
      n === 1
        ? snsError(500, 'InternalError', 'boom')
        : n === 2
          ? snsError(400, 'Throttling', 'Rate exceeded')
          : snsPublishOk('ok');
    const result = await runOnce(manyGroups(1), { dedup: await dedup(), publisher: publisher() });
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.params.get('Message'))).size).toBe(1);
    expect(delays).toEqual([200, 400]);
    expect(result.messages[0]!.messageId).toBe('ok');
  });

  it('does not retry a request SNS rejects as invalid', async () => {
    script = () => snsError(400, 'InvalidParameter', 'Invalid parameter: Subject');
    const result = await runOnce(manyGroups(1), { dedup: await dedup(), publisher: publisher() });
    expect(result.failures).toEqual([{ subject: expect.any(String), alerts: 1, reason: 'Invalid parameter: Subject' }]);
    expect(server.requests).toHaveLength(1);
  });

  it('a message still failing after retries throws, and is paged by the next attempt', async () => {
    const store = await dedup();
    script = () => snsError(503, 'ServiceUnavailable', 'try later');
    const failed = await runOnce(manyGroups(2), { dedup: store, publisher: publisher(3) });
    expect(failed.failures.map((f) => f.reason)).toEqual(['try later']);
    expect(failed.paged).toEqual([]);
    expect(server.requests).toHaveLength(3);
    script = undefined;
    const retried = await runOnce(manyGroups(2), { dedup: store, publisher: publisher() }, T0 + 1000);
    expect(retried.paged).toHaveLength(2);
    expect(server.requests).toHaveLength(4);
  });
});
