/**
 * The ingest handler against a real S3 API (s3rver on 127.0.0.1) with every event shape, output
 * read back with DuckDB, permanent and transient failures, and the remaining-time guard.
 */
import { readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ingestConfig } from '../../functions/adapters/lambda-config.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { ingestObject } from '../../functions/core/ingest-object.js';
import { createIngestHandler } from '../../functions/handlers/s3-ingest.js';
import { memoryObject, tempDir } from '../helpers/sources.js';
import { getObject, listKeys, putObject, s3Client, withLocalS3 } from '../s3/local-s3.js';
import {
  eventBridgeObjectCreated,
  lambdaContext,
  type ObjectFacts,
  s3Notification,
  snsEnvelope,
  sqsEvent,
  TEST_EVENT,
} from './aws-events.js';
import { CURATED, corpus, curatedTotals, expectedTotals, quietTelemetry, RAW, upload } from './fixture.js';

quietTelemetry();
const servers = withLocalS3([RAW, CURATED]);
let runs = 0;

/** A handler writing under its own curated prefix, talking to S3 through the fault servers.proxy. */
function newHandler(env: Record<string, string> = {}) {
  const prefix = `run-${++runs}/`;
  const client = s3Client(servers.proxy.endpoint, 2);
  const handler = createIngestHandler({
    config: ingestConfig({ CURATED_BUCKET: CURATED, CURATED_PREFIX: prefix, ...env }),
    s3: client,
    telemetry: new LambdaTelemetry('ingest'),
  });
  return { handler, prefix };
}

const sqs = (...bodies: [string, string][]) => sqsEvent(bodies.map(([messageId, body]) => ({ messageId, body })));
const failures = (response: unknown) =>
  (response as { batchItemFailures: { itemIdentifier: string }[] }).batchItemFailures.map((f) => f.itemIdentifier);

describe('S3 → SQS → ingest handler', () => {
  it("accepts every notification shape and writes the local run's table layout", async () => {
    const objects = corpus(11, 4);
    const plain = await upload(servers.s3.client, objects[0]!);
    const oddKey = await upload(servers.s3.client, objects[1]!, 'team logs+archive/');
    const bridged = await upload(servers.s3.client, objects[2]!);
    const direct = await upload(servers.s3.client, objects[3]!);
    const { handler, prefix } = newHandler();

    const response = await handler(
      sqs(
        ['m-s3', s3Notification(plain)],
        ['m-sns', snsEnvelope(s3Notification(oddKey))],
        ['m-bridge', JSON.stringify(eventBridgeObjectCreated(bridged))],
        ['m-test', TEST_EVENT],
        ['m-direct', s3Notification(direct)],
      ),
      lambdaContext(),
    );

    expect(failures(response)).toEqual([]);
    const written = (await listKeys(servers.s3.client, CURATED, prefix)).map((k) => k.key.slice(prefix.length));
    for (const key of written)
      expect(key).toMatch(
        /^((summary|unencrypted)\/dt=\d{4}-\d{2}-\d{2}\/[^/]+\.parquet|(_manifests|_staged)\/[^/]+\.json)$/,
      );
    // One staged-ledger entry per accepted object, for the committer of the Iceberg tables.
    expect(written.filter((k) => k.startsWith('_staged/'))).toHaveLength(objects.length);
    expect(await curatedTotals(servers.s3.client, prefix)).toEqual(expectedTotals(objects));

    // The local run over the same bytes has the same partitions.
    const local = tempDir('local-run');
    const sink = new ParquetTableSink(new LocalDirStore(local.path));
    for (const o of objects) await ingestObject(memoryObject(o.key, gzipSync(o.text), { key: o.key }), { sink });
    const partitions = (files: string[]) =>
      [...new Set(files.filter((f) => f.endsWith('.parquet')).map((f) => f.split('/').slice(0, 2).join('/')))].sort();
    const localFiles = readdirSync(local.path, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `${e.parentPath.slice(local.path.length + 1)}/${e.name}`);
    expect(partitions(written)).toEqual(partitions(localFiles));
    expect(partitions(written)).toEqual([
      'summary/dt=2025-11-21',
      'summary/dt=2025-11-22',
      'unencrypted/dt=2025-11-21',
      'unencrypted/dt=2025-11-22',
    ]);
    local.remove();
  });

  it('gives identical output for a notification delivered three times', async () => {
    const objects = corpus(12, 2);
    const facts = [await upload(servers.s3.client, objects[0]!), await upload(servers.s3.client, objects[1]!)];
    const { handler, prefix } = newHandler();
    const snapshots: string[] = [];
    for (const delivery of ['first', 'second', 'third']) {
      const response = await handler(
        sqs([`${delivery}-a`, s3Notification(facts[0]!)], [`${delivery}-b`, snsEnvelope(s3Notification(facts[1]!))]),
        lambdaContext(),
      );
      expect(failures(response)).toEqual([]);
      // The staged ledger grows by one entry per object and delivery; the tables stay the same.
      const keys = await listKeys(servers.s3.client, CURATED, prefix);
      snapshots.push(JSON.stringify(keys.filter((k) => !k.key.startsWith(`${prefix}_staged/`))));
      expect(keys.filter((k) => k.key.startsWith(`${prefix}_staged/`)).length).toBe(2 * snapshots.length);
    }
    expect(snapshots[1]).toBe(snapshots[0]);
    expect(snapshots[2]).toBe(snapshots[0]);
    expect(await curatedTotals(servers.s3.client, prefix)).toEqual(expectedTotals(objects));
  });

  it('quarantines permanently bad objects under rejects/ and acknowledges their messages', async () => {
    const [good] = corpus(13, 1);
    const goodFacts = await upload(servers.s3.client, good!);
    const gz = gzipSync(good!.text);
    const bad: Record<string, ObjectFacts> = {};
    const put = async (name: string, body: Uint8Array | string) => {
      const key = `bad/${name}`;
      bad[name] = { bucket: RAW, key, ...(await putObject(servers.s3.client, RAW, key, body)) };
    };
    await put('truncated.log.gz', gz.subarray(0, gz.length - 40));
    await put('unknown-field.log', 'version interface-id mystery-field start\n2 eni-1 x 1763766000\n');
    // The same content rejections in gzip once ended a whole run (the gunzip pipeline's AbortError).
    await put('unknown-field.log.gz', gzipSync('version encryption-state\n10 1\n'));
    await put('upper-case.log.gz', gzipSync('VERSION ACCOUNT-ID\n10 111111111111\n'));
    await put('headerless.log', '2 eni-1 1763766000\n');
    await put('binary.bin', Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10]));
    await put('deleted.log', 'start\n1763766000\n');
    await servers.s3.client.send(new DeleteObjectCommand({ Bucket: RAW, Key: 'bad/deleted.log' }));
    await put('overwritten.log', 'start\n1763766000\n');
    const stale = { ...bad['overwritten.log']!, eTag: '0123456789abcdef0123456789abcdef' };

    const { handler, prefix } = newHandler();
    const event = sqs(
      ['good', s3Notification(goodFacts)],
      ...Object.values(bad).map(
        (f) => [`bad-${f.key}`, s3Notification(f.key.endsWith('overwritten.log') ? stale : f)] as [string, string],
      ),
    );
    const response = await handler(event, lambdaContext());

    expect(failures(response)).toEqual([]);
    const rejects = (await listKeys(servers.s3.client, CURATED, `${prefix}rejects/`)).map((k) => k.key);
    expect(rejects).toHaveLength(8);
    const records = await Promise.all(
      rejects.map(async (k) => JSON.parse((await getObject(servers.s3.client, CURATED, k)).toString())),
    );
    const reasonOf = (name: string) => records.find((r) => r.object.key === `bad/${name}`)?.reason as string;
    expect(reasonOf('truncated.log.gz')).toMatch(/corrupt gzip/);
    expect(reasonOf('unknown-field.log')).toMatch(/unknown flow-log field "mystery-field"/);
    expect(reasonOf('unknown-field.log.gz')).toBe('unknown flow-log field "encryption-state" in header line (line 1)');
    expect(reasonOf('upper-case.log.gz')).toBe(
      'no header line and no format given (use --format for headerless objects)',
    );
    expect(reasonOf('headerless.log')).toMatch(/no header line and no format/);
    expect(reasonOf('binary.bin')).toMatch(/binary data/);
    expect(reasonOf('deleted.log')).toMatch(/NoSuchKey/);
    expect(reasonOf('overwritten.log')).toMatch(/changed since the notification/);
    expect(records[0]).toMatchObject({
      object: { url: expect.stringMatching(/^s3:\/\/raw\/bad\//), bucket: RAW },
      rejectedAt: expect.any(String),
    });
    // Only the good object reached the tables.
    expect(await curatedTotals(servers.s3.client, prefix)).toEqual(expectedTotals([good!]));

    // A redelivery overwrites the quarantine records instead of adding more.
    expect(failures(await handler(event, lambdaContext()))).toEqual([]);
    expect(await listKeys(servers.s3.client, CURATED, `${prefix}rejects/`)).toHaveLength(8);
  });

  it('keeps line samples in the quarantine record of an object whose lines all fail', async () => {
    const facts = {
      bucket: RAW,
      key: 'bad/garbage-lines.log',
      ...(await putObject(
        servers.s3.client,
        RAW,
        'bad/garbage-lines.log',
        'start action\nsoon ACCEPT\nlater ACCEPT\n',
      )),
    };
    const { handler, prefix } = newHandler();
    expect(failures(await handler(sqs(['g', s3Notification(facts)]), lambdaContext()))).toEqual([]);
    const [key] = (await listKeys(servers.s3.client, CURATED, `${prefix}rejects/`)).map((k) => k.key);
    const record = JSON.parse((await getObject(servers.s3.client, CURATED, key!)).toString());
    expect(record).toMatchObject({
      reason: expect.stringMatching(/no line matched/),
      lines: 3,
      malformedLines: 2,
      samples: [
        { line: 2, text: 'soon ACCEPT', reason: expect.stringMatching(/start: not a number/) },
        { line: 3, text: 'later ACCEPT' },
      ],
    });
  });

  it('retries only messages hit by 500s, throttling, resets or cut bodies, and loses nothing', async () => {
    const objects = corpus(14, 5);
    const facts = await Promise.all(objects.map((o) => upload(servers.s3.client, o)));
    const [a, b, c] = facts.map((f) => `/${RAW}/${f.key}`);
    const { handler, prefix } = newHandler();
    servers.proxy.rule = (req) => {
      if (req.method === 'GET' && req.path === a) return 'error-500';
      if (req.method === 'GET' && req.path === b) return 'reset';
      if (req.method === 'GET' && req.path === c) return 'cut-body';
      if (
        req.method === 'PUT' &&
        req.path.startsWith(`/${CURATED}/${prefix}`) &&
        req.path.includes(objects[3]!.flowLogId)
      )
        return 'slow-down-503';
      return 'pass';
    };
    servers.proxy.log.length = 0;
    const ids = ['msg-500', 'msg-reset', 'msg-cut', 'msg-throttled', 'msg-ok'];
    const event = sqs(...facts.map((f, i) => [ids[i]!, s3Notification(f)] as [string, string]));
    try {
      const response = await handler(event, lambdaContext());
      expect(failures(response)).toEqual(['msg-500', 'msg-reset', 'msg-cut', 'msg-throttled']);
      expect(servers.proxy.requests((r) => r.path === a)).toBe(2); // the SDK retried once (maxAttempts 2), then gave up
      expect(servers.proxy.requests((r) => r.fault === 'cut-body')).toBe(1);
      expect(servers.proxy.requests((r) => r.fault === 'slow-down-503')).toBeGreaterThan(0);
    } finally {
      servers.proxy.rule = () => 'pass';
    }
    // SQS redelivers the failed messages; this time the network behaves.
    const retry = sqs(...facts.slice(0, 4).map((f, i) => [ids[i]!, s3Notification(f)] as [string, string]));
    expect(failures(await handler(retry, lambdaContext()))).toEqual([]);
    expect(await curatedTotals(servers.s3.client, prefix)).toEqual(expectedTotals(objects));
  });

  it('releases messages it has no time left for instead of starting them', async () => {
    const objects = corpus(15, 3);
    const facts = await Promise.all(objects.map((o) => upload(servers.s3.client, o)));
    const { handler, prefix } = newHandler({ TIME_MARGIN_MS: '20000' });
    // Time runs short once the first object's output is committed (its first PUT to S3).
    let committed = false;
    servers.proxy.rule = (req) => {
      if (req.method === 'PUT') committed = true;
      return 'pass';
    };
    const context = lambdaContext(() => (committed ? 15_000 : 300_000));
    let response: Awaited<ReturnType<typeof handler>>;
    try {
      response = await handler(sqs(...facts.map((f, i) => [`t${i}`, s3Notification(f)] as [string, string])), context);
    } finally {
      servers.proxy.rule = () => 'pass';
    }
    expect(failures(response)).toEqual(['t1', 't2']);
    expect(await curatedTotals(servers.s3.client, prefix)).toEqual(expectedTotals(objects.slice(0, 1)));
  });

  it('returns the message of an object S3 cannot serve for retry, whichever body shape named it', async () => {
    const [one] = corpus(16, 1);
    const facts = await upload(servers.s3.client, one!);
    const { handler, prefix } = newHandler();
    const shapes = sqs(
      ['s3', s3Notification(facts)],
      ['sns', snsEnvelope(s3Notification(facts))],
      ['bridge', JSON.stringify(eventBridgeObjectCreated(facts))],
    );
    servers.proxy.rule = (req) => (req.method === 'GET' ? 'error-500' : 'pass');
    try {
      expect(failures(await handler(shapes, lambdaContext()))).toEqual(['s3', 'sns', 'bridge']);
    } finally {
      servers.proxy.rule = () => 'pass';
    }
    // Redelivered once S3 answers again: written once, although three messages name the object.
    expect(failures(await handler(shapes, lambdaContext()))).toEqual([]);
    expect(await curatedTotals(servers.s3.client, prefix)).toEqual(expectedTotals([one!]));
  });

  it('sends unrecognised messages back to the queue (and so to the DLQ) without failing the batch', async () => {
    const [one] = corpus(17, 1);
    const facts = await upload(servers.s3.client, one!);
    const { handler } = newHandler();
    const response = await handler(
      sqs(['junk', '{"not":"an s3 event"}'], ['ok', s3Notification(facts)]),
      lambdaContext(),
    );
    expect(failures(response)).toEqual(['junk']);
  });
});

describe('the exported handler', () => {
  it('configures itself from the environment', async () => {
    const [one] = corpus(18, 1);
    const facts = await upload(servers.s3.client, one!);
    Object.assign(process.env, {
      CURATED_BUCKET: CURATED,
      CURATED_PREFIX: 'from-env',
      S3_ENDPOINT: servers.s3.endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
    });
    const { handler } = await import('../../functions/handlers/s3-ingest.js');
    const response = await handler(sqsEvent([{ messageId: 'env', body: s3Notification(facts) }]), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await curatedTotals(s3Client(servers.s3.endpoint), 'from-env/')).toEqual(expectedTotals([one!]));
  });
});

describe('time-boxing: an object that cannot finish never costs the other messages their attempts', () => {
  const HEADER = 'version account-id interface-id packets bytes start end action log-status encryption-status';
  const LINE = '10 111111111111 eni-0a0a0a0a0a0a0a0a0 100 1000 1763719200 1763719260 ACCEPT OK 0\n';
  /** A plain-text object of about 6 MB: S3 streams it in many chunks, so the deadline is checked many times. */
  async function bigObject(key: string): Promise<ObjectFacts> {
    return { bucket: RAW, key, ...(await putObject(servers.s3.client, RAW, key, `${HEADER}\n${LINE.repeat(75_000)}`)) };
  }
  /** Plenty of time for the first `calls` checks, then less than the 30 s margin. */
  const runningOut = (calls: number) => {
    let n = 0;
    return () => (n++ < calls ? 600_000 : 10_000);
  };

  it('stops the object while it streams: only its message is retried, the later ones released, nothing of it written', async () => {
    const [small, other] = corpus(78, 2);
    const first = await upload(servers.s3.client, small!);
    const after = await upload(servers.s3.client, other!);
    const big = await bigObject('slow/big-1.log');
    const { handler, prefix } = newHandler({ MAX_RECEIVE_COUNT: '5' });
    // Check 1: before the first object; 2 and on: its chunks and the next object; the big one gets 10 checks.
    const response = await handler(
      sqs(['small', s3Notification(first)], ['big', s3Notification(big)], ['after', s3Notification(after)]),
      lambdaContext(runningOut(14)),
    );
    expect(failures(response)).toEqual(['big', 'after']);
    expect(await curatedTotals(servers.s3.client, prefix)).toEqual(expectedTotals([small!]));
    expect(await listKeys(servers.s3.client, CURATED, `${prefix}rejects/`)).toEqual([]);
  });

  it("on the queue's last receive, quarantines the object and acknowledges its message", async () => {
    const big = await bigObject('slow/big-2.log');
    const { handler, prefix } = newHandler({ MAX_RECEIVE_COUNT: '3' });
    const event = sqsEvent([{ messageId: 'big', body: s3Notification(big), receiveCount: 3 }]);
    expect(failures(await handler(event, lambdaContext(runningOut(5))))).toEqual([]);
    const [key] = (await listKeys(servers.s3.client, CURATED, `${prefix}rejects/`)).map((k) => k.key);
    const record = JSON.parse((await getObject(servers.s3.client, CURATED, key!)).toString());
    expect(record.reason).toMatch(
      /^did not finish within the function's time in 3 attempts \(out of time after [\d,]+ stored bytes/,
    );
  });

  it('quarantines an object whose text inflates past MAX_OBJECT_TEXT_BYTES (a gzip bomb)', async () => {
    const bomb = gzipSync(`${HEADER}\n${LINE.repeat(40_000)}`);
    const facts = {
      bucket: RAW,
      key: 'bad/bomb.log.gz',
      ...(await putObject(servers.s3.client, RAW, 'bad/bomb.log.gz', bomb)),
    };
    const { handler, prefix } = newHandler({ MAX_OBJECT_TEXT_BYTES: String(1 << 20) });
    expect(failures(await handler(sqs(['bomb', s3Notification(facts)]), lambdaContext()))).toEqual([]);
    const [key] = (await listKeys(servers.s3.client, CURATED, `${prefix}rejects/`)).map((k) => k.key);
    const record = JSON.parse((await getObject(servers.s3.client, CURATED, key!)).toString());
    expect(record.reason).toMatch(/^text larger than the 1,048,576 bytes one object may inflate to/);
    expect((await listKeys(servers.s3.client, CURATED, prefix)).filter((k) => k.key.endsWith('.parquet'))).toEqual([]);
  });
});
