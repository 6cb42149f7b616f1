import { describe, expect, it } from 'vitest';
import { messagesOfSqsBatch } from '../../functions/core/events/invocation.js';
import { processMessages } from '../../functions/core/events/process-messages.js';
import { parseNotification } from '../../functions/core/events/s3-notification.js';
import { objectIdentity, type S3ObjectRef } from '../../functions/core/events/s3-object-ref.js';
import {
  eventBridgeObjectCreated,
  s3EventRecord,
  s3Notification,
  snsEnvelope,
  sqsEvent,
  TEST_EVENT,
} from './aws-events.js';

const FLOW_KEY =
  'AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/111111111111_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20251121T1005Z_5e6f7a8b.log.gz';
const facts = { bucket: 'raw', key: FLOW_KEY, eTag: '9b2cf535f27731c974343645a3985328', size: 2595 };

describe('notification shapes (S3 event message structure, SNS and EventBridge envelopes)', () => {
  it('reads an S3 notification as SQS delivers it, with ETag, size and sequencer', () => {
    expect(parseNotification(s3Notification(facts))).toEqual({
      kind: 'objects',
      skipped: [],
      objects: [{ ...facts, sequencer: '0055AED6DCD90281E5', eventTime: '2025-11-21T10:12:01.000Z' }],
    });
  });

  it('decodes keys: "+" is a space, percent-encoding is undone, a literal plus arrives as %2B', () => {
    // The key as S3 writes it into the notification (form-encoded UTF-8), spelled out by hand.
    const record = s3EventRecord(facts) as { s3: { object: { key: string } } };
    record.s3.object.key = 'odd+keys/a%2Bb+c%25d/%C3%BC.log.gz';
    const content = parseNotification(JSON.stringify({ Records: [record] }));
    expect(content.kind === 'objects' && content.objects[0]!.key).toBe('odd keys/a+b c%d/ü.log.gz');
  });

  it('unwraps an SNS envelope (SNS → SQS without raw delivery)', () => {
    expect(parseNotification(snsEnvelope(s3Notification(facts)))).toEqual(parseNotification(s3Notification(facts)));
  });

  it('reads an EventBridge "Object Created" event, keeping the decoded key as a second reading', () => {
    const content = parseNotification(eventBridgeObjectCreated({ ...facts, key: 'a+b/c d.log' }));
    expect(content).toMatchObject({
      kind: 'objects',
      objects: [{ bucket: 'raw', key: 'a+b/c d.log', altKeys: ['a b/c d.log'], eTag: facts.eTag, size: 2595 }],
    });
    expect(parseNotification(eventBridgeObjectCreated(facts))).toMatchObject({
      kind: 'objects',
      objects: [{ key: FLOW_KEY }],
    });
    expect(
      (parseNotification(eventBridgeObjectCreated(facts)) as { objects: S3ObjectRef[] }).objects[0]!.altKeys,
    ).toBeUndefined();
  });

  it('recognises the s3:TestEvent, also inside SNS', () => {
    expect(parseNotification(TEST_EVENT)).toEqual({ kind: 'test-event' });
    expect(parseNotification(snsEnvelope(TEST_EVENT))).toEqual({ kind: 'test-event' });
  });

  it('skips records that are not ObjectCreated and says so', () => {
    const body = JSON.stringify({ Records: [s3EventRecord(facts, 'ObjectRemoved:Delete'), s3EventRecord(facts)] });
    const content = parseNotification(body);
    expect(content).toMatchObject({ kind: 'objects', skipped: [expect.stringContaining('ObjectRemoved:Delete')] });
    expect(content.kind === 'objects' && content.objects).toHaveLength(1);
  });

  it('calls other bodies invalid with a reason', () => {
    expect(parseNotification('not json')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('not JSON'),
    });
    expect(parseNotification('{"hello":1}')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('hello'),
    });
    const v3 = JSON.stringify({ Records: [{ ...s3EventRecord(facts), eventVersion: '3.0' }] });
    expect(parseNotification(v3)).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('3.0') });
    const badKey = JSON.stringify({
      Records: [{ ...s3EventRecord(facts), s3: { bucket: { name: 'raw' }, object: { key: '%E0%A4%A' } } }],
    });
    expect(parseNotification(badKey)).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('URL encoding'),
    });
  });
});

describe('SQS batches', () => {
  it('splits a batch into messages by messageId (partial batch responses), with their receive counts', () => {
    const messages = messagesOfSqsBatch(
      sqsEvent([
        { messageId: 'm1', body: s3Notification(facts) },
        { messageId: 'm2', body: TEST_EVENT, receiveCount: 3 },
        { messageId: 'm3', body: snsEnvelope(s3Notification(facts)) },
        { messageId: 'm4', body: JSON.stringify(eventBridgeObjectCreated(facts)) },
        { messageId: 'm5', body: 'not json' },
      ]).Records,
    );
    expect(messages.map((m) => [m.id, m.content.kind, m.receiveCount])).toEqual([
      ['m1', 'objects', 1],
      ['m2', 'test-event', 3],
      ['m3', 'objects', 1],
      ['m4', 'objects', 1],
      ['m5', 'invalid', 1],
    ]);
    // The three shapes the queue receives name the same object.
    const keys = messages.slice(0, 4).flatMap((m) => (m.content.kind === 'objects' ? m.content.objects : []));
    expect(keys.map((o) => `${o.bucket}/${o.key}`)).toEqual(Array(3).fill(`raw/${FLOW_KEY}`));
  });

  it('leaves out a receive count SQS did not give', () => {
    const [message] = messagesOfSqsBatch([{ messageId: 'm', body: TEST_EVENT, attributes: {} }]);
    expect(message).toEqual({ id: 'm', content: { kind: 'test-event' } });
  });
});

describe('object identity', () => {
  it('derives from bucket, key and ETag, so a redelivery or the CLI listing maps to the same outputs', () => {
    expect(objectIdentity({ bucket: 'raw', key: 'k', eTag: 'ABC', versionId: 'v1' })).toBe('s3://raw/k#etag=abc');
    expect(objectIdentity({ bucket: 'raw', key: 'k', versionId: 'v1' })).toBe('s3://raw/k#version=v1');
    expect(objectIdentity({ bucket: 'raw', key: 'k' })).toBe('s3://raw/k');
  });
});

describe('processMessages', () => {
  const ref = (key: string, size = 1 << 20): S3ObjectRef => ({ bucket: 'raw', key, size, eTag: 'e' });
  const message = (id: string, ...refs: S3ObjectRef[]) => ({
    id,
    content: { kind: 'objects' as const, objects: refs, skipped: [] },
  });

  it('retries only the message whose object failed, and keeps going', async () => {
    const done: string[] = [];
    const outcome = await processMessages(
      [
        message('a', ref('1')),
        message('b', ref('2')),
        message('c', ref('3')),
        { id: 'd', content: { kind: 'invalid', reason: 'junk' } },
        { id: 'e', content: { kind: 'test-event' } },
      ],
      {
        ingest: async (r) => {
          if (r.key === '2') throw new Error('ECONNRESET');
          done.push(r.key);
        },
        remainingMs: () => 600_000,
        giveUp: async () => undefined,
      },
      { marginMs: 1000, msPerMiB: 1000 },
    );
    expect(done).toEqual(['1', '3']);
    expect(outcome.retry).toEqual(['b', 'd']);
    expect(outcome).toMatchObject({ objects: 2, testEvents: 1, invalid: [{ id: 'd', reason: 'junk' }], released: [] });
  });

  it('releases the remaining messages, without starting them, when time runs short', async () => {
    /** Three messages; each object takes 10 s; the middle one is 50 MiB. */
    async function run(remainingAtStart: number) {
      let remaining = remainingAtStart;
      const started: string[] = [];
      const outcome = await processMessages(
        [message('a', ref('1')), message('b', ref('2', 50 << 20)), message('c', ref('3'))],
        {
          ingest: async (r) => {
            started.push(r.key);
            remaining -= 10_000;
          },
          remainingMs: () => remaining,
          giveUp: async () => undefined,
        },
        { marginMs: 30_000, msPerMiB: 1_000 },
      );
      return { started, outcome };
    }
    // '2' needs 30 s + 50 MiB × 1 s/MiB = 80 s and 90 s remain after '1'; '3' needs 31 s of the 80 s left.
    const enough = await run(100_000);
    expect(enough.started).toEqual(['1', '2', '3']);
    expect(enough.outcome.released).toEqual([]);
    // After '1', 65 s remain: too few for '2' (80 s).
    const cut = await run(75_000);
    expect(cut.started).toEqual(['1']);
    expect(cut.outcome.released).toEqual(['b', 'c']);
    expect(cut.outcome.retry).toEqual(['b', 'c']);
  });
});
