/** Powertools output of the ingest handler: structured log lines and EMF metrics on stdout. */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ingestConfig } from '../../functions/adapters/lambda-config.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';
import { createIngestHandler } from '../../functions/handlers/s3-ingest.js';
import { type LocalS3, putObject, s3Client, startLocalS3 } from '../s3/local-s3.js';
import { lambdaContext, s3Notification, sqsEvent } from './aws-events.js';
import { CURATED, corpus, RAW, upload } from './fixture.js';

Object.assign(process.env, {
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'false',
  POWERTOOLS_METRICS_NAMESPACE: 'Ciphertrail',
});
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([RAW, CURATED]);
});
afterAll(() => s3.stop());

type Line = Record<string, unknown> & {
  _aws?: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
};
const total = (v: unknown) => (Array.isArray(v) ? v.reduce((a: number, b: number) => a + b, 0) : Number(v ?? 0));

it('logs the request id on every line and the object key on object lines, and emits the metrics in EMF', async () => {
  const [object] = corpus(21, 1);
  const good = await upload(s3.client, object!);
  const bad = {
    bucket: RAW,
    key: 'bad/unknown.log',
    ...(await putObject(s3.client, RAW, 'bad/unknown.log', 'start nonsense\n1 2\n')),
  };
  const handler = createIngestHandler({
    config: ingestConfig({ CURATED_BUCKET: CURATED }),
    s3: s3Client(s3.endpoint),
    // A clock 90 s after the object's file time (from its key): the lag metric must say 90.
    telemetry: new LambdaTelemetry('ingest', () => parseFlowLogKey(good.key).fileTimeMs! + 90_000),
  });
  const out: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    await handler(
      sqsEvent([
        { messageId: 'g', body: s3Notification(good) },
        { messageId: 'b', body: s3Notification(bad) },
      ]),
      lambdaContext(() => 600_000, 'req-42'),
    );
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const lines: Line[] = out
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const logs = lines.filter((l) => l.level !== undefined);
  const emf = lines.filter((l) => l._aws !== undefined);

  expect(logs.length).toBeGreaterThan(2);
  for (const log of logs) expect(log.function_request_id).toBe('req-42');
  expect(logs.find((l) => l.message === 'object ingested')).toMatchObject({
    object_key: good.key,
    object: `s3://raw/${good.key}`,
  });
  expect(logs.find((l) => l.message === 'object rejected and quarantined')).toMatchObject({
    level: 'ERROR',
    object_key: 'bad/unknown.log',
    reason: expect.stringContaining('nonsense'),
    quarantine: expect.stringMatching(/^s3:\/\/curated\/rejects\//),
  });
  expect(logs.find((l) => l.message === 'batch done')).not.toHaveProperty('object_key');

  const main = emf.find((l) => l._aws!.CloudWatchMetrics[0]!.Dimensions[0]!.length === 1)!;
  expect(main._aws!.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Ciphertrail', Dimensions: [['service']] });
  const names = main._aws!.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name).sort();
  expect(names).toEqual([
    'AlertsSent',
    'BytesIn',
    'CleartextFlows',
    'FlowRecords',
    'MalformedLines',
    'ObjectsIngested',
    'ObjectsRejected',
    'ProcessingLagSeconds',
  ]);
  const cleartext = object!.records.filter((r) => r.encryption_status === 0 && r.log_status === 'OK').length;
  expect(cleartext).toBeGreaterThan(0);
  expect(main).toMatchObject({ ObjectsIngested: 1, ObjectsRejected: 1 });
  expect(total(main.CleartextFlows)).toBe(cleartext);
  expect(total(main.FlowRecords)).toBe(object!.records.length);
  expect(total(main.BytesIn)).toBe(good.size);
  expect(total(main.ProcessingLagSeconds)).toBe(90);

  const perVpc = emf.filter((l) => l._aws!.CloudWatchMetrics[0]!.Dimensions[0]!.includes('VpcId'));
  expect(perVpc.length).toBeGreaterThan(0);
  expect(perVpc.reduce((n, l) => n + total(l.CleartextFlows), 0)).toBe(cleartext);
});
