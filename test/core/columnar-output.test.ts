/**
 * The aggregator's columns against the same batches as rows (which the sink converts with
 * columnsOfRows): byte-identical Parquet files and identical rows, through flushes, two UTC
 * days, IPv6, nulls, EC rejections and int64 sums above 2^53.
 */
import { describe, expect, it } from 'vitest';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { type AggregateBatch, FlowLogAggregator } from '../../functions/core/flow-log-aggregator.js';
import { rowsOf } from '../../functions/core/group-columns.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';
import { generateCorpus } from '../helpers/flow-log-corpus.js';
import { MemoryBlobStore } from '../helpers/sources.js';

const START = Date.UTC(2025, 10, 21, 23, 40) / 1000;
const corpus = generateCorpus({
  seed: 77,
  objects: 4,
  recordsPerObject: 700,
  startSec: START,
  spanSeconds: 1800,
  org: { ipv6Share: 0.3 },
  records: { bigValueShare: 0.02, noDataShare: 0.02 },
});

function batchesOf(text: string, key: string, maxGroups: number): AggregateBatch[] {
  const batches: AggregateBatch[] = [];
  const agg = new FlowLogAggregator(key, parseFlowLogKey(key), { maxGroups, onFlush: (b) => batches.push(b) });
  for (const line of text.split('\n')) agg.pushLine(line, 0, line.length);
  batches.push(agg.finish());
  return batches;
}

async function write(batches: readonly AggregateBatch[], columnar: boolean): Promise<Map<string, Uint8Array>> {
  const store = new MemoryBlobStore();
  const output = new ParquetTableSink(store).begin('identity', 'object.log.gz');
  // A plain { summary, cleartext } object has no columns: the sink converts its rows.
  for (const b of batches) output.add(columnar ? b : { summary: b.summary, cleartext: b.cleartext });
  await output.commit();
  return store.files;
}

describe('columnar output', () => {
  it.each(corpus.objects.map((o, i) => [o.format.name, i] as const))(
    '%s: columns and rows give the same Parquet bytes',
    async (_name, i) => {
      const object = corpus.objects[i]!;
      const batches = batchesOf(object.text, object.key, 150);
      expect(batches.length).toBeGreaterThan(1);
      const fast = await write(batches, true);
      const slow = await write(batches, false);
      expect([...fast.keys()].sort()).toEqual([...slow.keys()].sort());
      expect([...fast.keys()].some((k) => k.includes('dt=2025-11-22'))).toBe(true);
      for (const [key, bytes] of slow) expect(Buffer.from(fast.get(key)!).equals(Buffer.from(bytes)), key).toBe(true);
    },
  );

  it('keeps a flushed batch intact after the aggregator moves on', () => {
    const object = corpus.objects[0]!;
    const batches = batchesOf(object.text, object.key, 50);
    const again = batchesOf(object.text, object.key, 50);
    // Rows read late (after later flushes reused the dictionaries) equal rows read at once.
    expect(batches.map((b) => b.summary)).toEqual(again.map((b) => b.summary));
    const first = batches[0]!;
    expect(rowsOf(first.columns!.summary)).toEqual(first.summary);
    expect(rowsOf(first.columns!.cleartext)).toEqual(first.cleartext);
  });
});
