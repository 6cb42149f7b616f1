/**
 * The fast path (aggregator columns → Arrow → Parquet, no row objects) against the row path:
 * the same batches must give byte-identical Parquet files and identical rows, through flushes,
 * two UTC days, IPv6, nulls, EC rejections and int64 sums above 2^53.
 */
import { describe, expect, it } from 'vitest';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { type AggregateBatch, FlowLogAggregator } from '../../functions/core/flow-log-aggregator.js';
import { DictionarySnapshot, rowsOf } from '../../functions/core/group-columns.js';
import { GroupTable, R_BYTES, R_FIRST, R_LAST, R_PACKETS, TokenDictionary } from '../../functions/core/group-table.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';
import { generateCorpus } from '../helpers/flow-log-corpus.js';
import { MemoryBlobStore } from '../helpers/sources.js';

const START = Date.UTC(2025, 10, 21, 23, 40) / 1000;
const corpus = generateCorpus({
  seed: 77, objects: 4, recordsPerObject: 700, startSec: START, spanSeconds: 1800,
  org: { ipv6Share: 0.3 }, records: { bigValueShare: 0.02, noDataShare: 0.02 },
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
  // A plain { summary, cleartext } object has no columns: the sink takes the row path.
  for (const b of batches) output.add(columnar ? b : { summary: b.summary, cleartext: b.cleartext });
  await output.commit();
  return store.files;
}

describe('columnar output', () => {
  it.each(corpus.objects.map((o, i) => [o.format.name, i] as const))('%s: columns and rows give the same Parquet bytes',
    async (_name, i) => {
      const object = corpus.objects[i]!;
      const batches = batchesOf(object.text, object.key, 150);
      expect(batches.length).toBeGreaterThan(1);
      const fast = await write(batches, true);
      const slow = await write(batches, false);
      expect([...fast.keys()].sort()).toEqual([...slow.keys()].sort());
      expect([...fast.keys()].some((k) => k.includes('dt=2025-11-22'))).toBe(true);
      for (const [key, bytes] of slow) expect(Buffer.from(fast.get(key)!).equals(Buffer.from(bytes)), key).toBe(true);
    });

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

describe('TokenDictionary and GroupTable', () => {
  it('interns byte strings to stable ids through growth, and snapshots them', () => {
    const dictionary = new TokenDictionary();
    const tokens = Array.from({ length: 5000 }, (_, i) => Buffer.from(`eni-${(i * 7919).toString(16)}é`, 'utf8'));
    const ids = tokens.map((t) => dictionary.intern(t, 0, t.length));
    expect(new Set(ids).size).toBe(tokens.length);
    expect(tokens.map((t) => dictionary.intern(t, 0, t.length))).toEqual(ids);
    expect(dictionary.internString('-')).toBe(0);
    const snapshot = dictionary.snapshot();
    dictionary.clear();
    expect(ids.map((id) => snapshot.string(id))).toEqual(tokens.map((t) => t.toString('utf8')));
    expect(snapshot.string(0)).toBeNull();
    expect(DictionarySnapshot.of(['ingress', 'egress']).string(2)).toBe('egress');
  });

  it('sums per tuple key, exact past 2^53, through growth', () => {
    const table = new GroupTable(3, 4);
    for (let i = 0; i < 10_000; i++) {
      table.key.set([i % 1000, -1, 7]);
      table.record.set([1, i % 1000 === 3 ? 2 ** 52 : 1, 100 + i, 200 + i], R_PACKETS);
      table.add(undefined, undefined);
    }
    expect(table.size).toBe(1000);
    expect([table.record[R_BYTES], table.record[R_FIRST], table.record[R_LAST]]).toEqual([1, 100 + 9999, 200 + 9999]);
    const bytes = table.measureColumn('bytes');
    expect(table.bigSums('bytes').get(3)).toBe(10n * 2n ** 52n);
    expect(bytes[4]).toBe(10);
    expect(Array.from(table.keyColumn(0).subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(table.measureColumn('first').subarray(0, 2))).toEqual([100, 101]);
    expect(Array.from(table.measureColumn('last').subarray(0, 2))).toEqual([200 + 9000, 200 + 9001]);
  });
});
