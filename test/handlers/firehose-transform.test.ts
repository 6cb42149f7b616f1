/**
 * The Firehose transformation handler with the documented event shape (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html):
 * base64 records of flow-log lines without a header, one result per recordId, NDJSON summary
 * rows with a `dt` partition key, and a response that stays under 6 MB whatever the batch.
 */
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { transformConfig } from '../../functions/adapters/lambda-config.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { FIREHOSE_RESPONSE_BUDGET, transformFirehoseRecords } from '../../functions/core/firehose/transform-records.js';
import type { CleartextGroup } from '../../functions/core/flow-log-aggregator.js';
import { parseLogFormat } from '../../functions/core/flow-log-format.js';
import { createTransformHandler } from '../../functions/handlers/firehose-transform.js';
import { SUMMARY_TABLE } from '../../schemas/tables.js';
import { lambdaContext } from './aws-events.js';
import { quietTelemetry } from './fixture.js';

quietTelemetry();
const FORMAT =
  '${version} ${account-id} ${vpc-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ' +
  '${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${flow-direction} ${traffic-path} ${encryption-status}';
const T = Date.UTC(2025, 10, 21, 10, 0) / 1000;
const NEAR_MIDNIGHT = Date.UTC(2025, 10, 21, 23, 58) / 1000;

function line(eni: string, start: number, bytes: number, status: number | '-' = 1, logStatus = 'OK'): string {
  if (logStatus !== 'OK')
    return `10 111111111111 vpc-0a1 ${eni} - - - - - - - ${start} ${start + 60} - ${logStatus} - - -`;
  return `10 111111111111 vpc-0a1 ${eni} 10.1.0.5 10.1.0.9 49152 5432 6 10 ${bytes} ${start} ${start + 30} ACCEPT OK egress 1 ${status}`;
}

let sequence = 0;
function firehoseEvent(payloads: readonly string[]): FirehoseTransformationEvent {
  return {
    invocationId: '2b4d1ad9-2f48-94bd-a088-767c317e994a',
    deliveryStreamArn: 'arn:aws:firehose:us-east-2:123456789012:deliverystream/flow-logs',
    region: 'us-east-2',
    records: payloads.map((text) => ({
      recordId: `49546986683135544286507457936321625675700192471156785${String(++sequence).padStart(6, '0')}`,
      approximateArrivalTimestamp: 1763719262000,
      data: Buffer.from(text).toString('base64'),
    })),
  };
}

function transformHandler(env: Record<string, string> = {}) {
  return createTransformHandler({
    config: transformConfig({ FLOW_LOG_FORMAT: FORMAT, ...env }),
    telemetry: new LambdaTelemetry('firehose-transform'),
  });
}

type Row = Record<string, string | number | null>;
function rowsOf(result: FirehoseTransformationResult): (Row & { partition: string })[] {
  return result.records
    .filter((r) => r.result === 'Ok')
    .flatMap((r) =>
      Buffer.from(r.data!, 'base64')
        .toString()
        .trimEnd()
        .split('\n')
        .map((l) => ({ ...(JSON.parse(l) as Row), partition: r.metadata!.partitionKeys.dt! })),
    );
}
const sum = (rows: Row[], column: string) => rows.reduce((n, r) => n + Number(r[column] ?? 0), 0);

describe('Firehose transform handler', () => {
  it('returns one result per recordId: Ok with NDJSON rows, Dropped, or ProcessingFailed with the reason', async () => {
    const event = firehoseEvent([
      line('eni-a', T, 100),
      `${line('eni-a', T + 10, 200)}\n${line('eni-b', T + 20, 300, 0)}\n${line('eni-a', T + 400, 400)}\n`,
      `${FORMAT.replace(/\$\{|\}/g, '')}\n${line('eni-c', T, 500)}\n${line('eni-c', T, 600)}`,
      line('eni-d', T, 0, '-', 'NODATA'),
      'this is not a flow log\nneither is this',
      '',
      `${line('eni-e', T, 700)}\r\n${line('eni-e', T, 800)}\r\n`,
    ]);
    const result = await transformHandler()(event, lambdaContext());

    expect(result.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(result.records.map((r) => r.result)).toEqual([
      'Ok',
      'Dropped',
      'Dropped',
      'Dropped',
      'ProcessingFailed',
      'Dropped',
      'Dropped',
    ]);
    const reason = Buffer.from(result.records[4]!.data!, 'base64').toString();
    expect(reason).toMatch(/no line matched the format.*line 1: this is not a flow log/);
    expect(result.records[0]!.metadata).toEqual({ partitionKeys: { dt: '2025-11-21' } });

    const rows = rowsOf(result);
    expect(Object.keys(rows[0]!).filter((k) => k !== 'partition')).toEqual(SUMMARY_TABLE.columns.map((c) => c.name));
    expect(sum(rows, 'bytes')).toBe(100 + 200 + 300 + 400 + 500 + 600 + 700 + 800);
    expect(sum(rows, 'flows')).toBe(8);
    // Records of the batch are aggregated together: eni-a's three lines in the first window are one row.
    expect(rows.find((r) => r.interface_id === 'eni-a' && r.window_start === '2025-11-21 10:00:00.000')).toMatchObject({
      flows: 2,
      bytes: 300,
      packets: 20,
      encryption_status: 1,
      traffic_path: 1,
      first_seen: '2025-11-21 10:00:00.000',
    });
    expect(rows.find((r) => r.encryption_status === 0)).toMatchObject({ interface_id: 'eni-b', bytes: 300 });
  });

  it('gives each UTC day its own carrier record and partition key', async () => {
    const event = firehoseEvent([
      `${line('eni-a', NEAR_MIDNIGHT, 1)}\n${line('eni-a', NEAR_MIDNIGHT + 300, 2)}`,
      line('eni-b', NEAR_MIDNIGHT + 300, 4),
      line('eni-c', NEAR_MIDNIGHT, 8),
    ]);
    const result = await transformHandler()(event, lambdaContext());
    expect(result.records.map((r) => [r.result, r.metadata?.partitionKeys.dt])).toEqual([
      ['Ok', '2025-11-21'],
      ['Ok', '2025-11-22'],
      ['Dropped', undefined],
    ]);
    for (const row of rowsOf(result)) expect(String(row.window_start).slice(0, 10)).toBe(row.partition);
    expect(sum(rowsOf(result), 'bytes')).toBe(15);
  });

  it('stays under the 6 MB response limit for a batch whose rows would not fit, failing only what did not', async () => {
    // 2,000 records of 12 lines, every line its own summary row: ~9 MB of base64 NDJSON if all were kept.
    const payloads: string[] = [];
    for (let r = 0; r < 2000; r++) {
      const lines: string[] = [];
      for (let l = 0; l < 12; l++) lines.push(line(`eni-${String(r * 12 + l).padStart(17, '0')}`, T, 1000 + l));
      payloads.push(lines.join('\n'));
    }
    const event = firehoseEvent(payloads);
    expect(JSON.stringify(event).length).toBeGreaterThan(3_000_000);
    const result = await transformHandler()(event, lambdaContext());

    const size = JSON.stringify(result).length;
    expect(size).toBeLessThanOrEqual(FIREHOSE_RESPONSE_BUDGET);
    expect(size).toBeGreaterThan(FIREHOSE_RESPONSE_BUDGET - 10_000); // used up to less than one record's rows
    expect(result.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    const failed = result.records.filter((r) => r.result === 'ProcessingFailed');
    expect(failed.length).toBeGreaterThan(0);
    expect(Buffer.from(failed[0]!.data!, 'base64').toString()).toMatch(/response budget/);
    // Every line is either in an Ok record's rows or in a record Firehose keeps as failed: none vanish.
    expect(sum(rowsOf(result), 'flows') + failed.length * 12).toBe(2000 * 12);
  });

  it('halves the batch until each part fits a small budget', async () => {
    const payloads = Array.from({ length: 40 }, (_, r) => line(`eni-${r}`, T, r + 1));
    const result = await transformHandler({ RESPONSE_BUDGET_BYTES: '12000' })(firehoseEvent(payloads), lambdaContext());
    expect(JSON.stringify(result).length).toBeLessThanOrEqual(12_000);
    const failed = result.records.filter((r) => r.result === 'ProcessingFailed').length;
    const ok = result.records.filter((r) => r.result === 'Ok').length;
    expect(ok).toBeGreaterThan(1); // several parts placed separately
    expect(failed).toBeGreaterThan(0);
    expect(sum(rowsOf(result), 'flows')).toBe(40 - failed);
  });

  it('knows the exact size of the response it builds', () => {
    const payloads = Array.from(
      { length: 300 },
      (_, r) => `${line(`eni-${r % 7}`, T + r * 61, r)}\n${line(`eni-${r}`, NEAR_MIDNIGHT + r, 1)}`,
    );
    const event = firehoseEvent([...payloads, 'garbage', '']);
    const outcome = transformFirehoseRecords(event.records, {
      layout: parseLogFormat(FORMAT),
      responseBudgetBytes: 60_000,
    });
    expect(outcome.stats.responseBytes).toBe(JSON.stringify({ records: outcome.records }).length);
    expect(outcome.stats.responseBytes).toBeLessThanOrEqual(60_000);
    expect(outcome.stats).toMatchObject({
      records: 302,
      failed: outcome.stats.overBudget + 1,
      flowRecords: 600,
      malformed: 1,
    });
  });

  it('fits a flood of tiny unparseable records by leaving their reasons to the logs', () => {
    const event = firehoseEvent(Array.from({ length: 2000 }, (_, i) => `x${i}`));
    const outcome = transformFirehoseRecords(event.records, { layout: parseLogFormat(FORMAT) });
    const request = JSON.stringify(event).length;
    const small = transformFirehoseRecords(event.records, {
      layout: parseLogFormat(FORMAT),
      responseBudgetBytes: request,
    });
    expect(outcome.records.every((r) => r.result === 'ProcessingFailed' && r.data !== '')).toBe(true);
    expect(small.stats.responseBytes).toBeLessThanOrEqual(request);
    expect(small.records.every((r) => r.result === 'ProcessingFailed' && r.data === '')).toBe(true);
    expect(small.failures).toHaveLength(2000);
  });

  it('hands cleartext and EC-rejected groups of the batch to the alert step', async () => {
    const raised: { groups: readonly CleartextGroup[]; origin: { object: string } }[] = [];
    const handler = createTransformHandler({
      config: transformConfig({ FLOW_LOG_FORMAT: FORMAT }),
      telemetry: new LambdaTelemetry('firehose-transform'),
      alerts: {
        raise: async (groups, origin) => {
          raised.push({ groups, origin });
          return groups.length;
        },
      },
    });
    await handler(
      firehoseEvent([`${line('eni-a', T, 10, 0)}\n${line('eni-b', T, 20, 1)}`, line('eni-c', T, 30, 0)]),
      lambdaContext(),
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]!.origin.object).toBe('arn:aws:firehose:us-east-2:123456789012:deliverystream/flow-logs');
    expect(raised[0]!.groups.map((g) => [g.interface_id, g.bytes])).toEqual([
      ['eni-a', 10n],
      ['eni-c', 30n],
    ]);
  });

  it('requires FLOW_LOG_FORMAT and names a bad one', async () => {
    expect(() => transformConfig({})).toThrow(/FLOW_LOG_FORMAT is required/);
    expect(() => transformConfig({ FLOW_LOG_FORMAT: '${version} ${no-such-field}' })).toThrow(
      /FLOW_LOG_FORMAT: unknown flow-log field "no-such-field"/,
    );
  });

  it('is exported configured from the environment', async () => {
    process.env.FLOW_LOG_FORMAT = FORMAT;
    const { handler } = await import('../../functions/handlers/firehose-transform.js');
    const result = await handler(firehoseEvent([line('eni-a', T, 5)]), lambdaContext() as Context);
    expect(result.records).toHaveLength(1);
    expect(rowsOf(result)).toMatchObject([{ bytes: 5, flows: 1, vpc_id: 'vpc-0a1' }]);
  });
});
