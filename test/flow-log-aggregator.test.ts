import { describe, expect, it } from 'vitest';
import { FlowLogAggregator, ObjectRejectedError } from '../functions/core/flow-log-aggregator.js';
import { parseLogFormat } from '../functions/core/flow-log-format.js';
import { parseFlowLogKey } from '../functions/core/s3-key.js';

function aggregate(lines: string[], options = {}) {
  const agg = new FlowLogAggregator('test.log', parseFlowLogKey('AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/x.log'), options);
  for (const line of lines) agg.pushLine(line, 0, line.length);
  return { batch: agg.finish(), stats: agg.stats };
}

describe('FlowLogAggregator', () => {
  it('binds the header line and sums records into summary groups', () => {
    const { batch, stats } = aggregate([
      'interface-id vpc-id start end bytes packets encryption-status action',
      'eni-1 vpc-1 1763719203 1763719258 100 1 0 ACCEPT',
      'eni-1 vpc-1 1763719210 1763719290 50 2 0 ACCEPT',
      'eni-1 vpc-1 1763719210 1763719290 7 1 1 ACCEPT',
    ]);
    expect(stats.records).toBe(3);
    expect(batch.summary).toHaveLength(2);
    const clear = batch.summary.find((r) => r.encryption_status === 0)!;
    expect(clear).toMatchObject({ interface_id: 'eni-1', vpc_id: 'vpc-1', account_id: '111111111111', region: 'us-east-1',
      flows: 2n, bytes: 150n, packets: 3n, window_start: 1763719200_000, first_seen: 1763719203_000, last_seen: 1763719290_000 });
    expect(batch.cleartext).toHaveLength(1);
  });

  it('keeps int64 sums above 2^53 exact', () => {
    const { batch } = aggregate(['start bytes', '1763719203 9007199254740993', '1763719203 9007199254740993']);
    expect(batch.summary[0]!.bytes).toBe(18014398509481986n);
  });

  it('counts a malformed line and keeps the good ones', () => {
    const { batch, stats } = aggregate(['start action', '1763719203 ACCEPT', '1763719203 ACCEPTED', '1763719203']);
    expect(stats.malformed).toBe(2);
    expect(stats.malformedSamples.map((s) => s.line)).toEqual([3, 4]);
    expect(batch.summary[0]!.flows).toBe(1n);
  });

  it('rejects a headerless object without a format, and accepts it with one', () => {
    expect(() => aggregate(['2 123 eni-1'])).toThrow(ObjectRejectedError);
    const { stats } = aggregate(['eni-1 1763719203'], { format: parseLogFormat('${interface-id} ${start}') });
    expect(stats.records).toBe(1);
  });
});
