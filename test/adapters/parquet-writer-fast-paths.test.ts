/**
 * The writer's fast paths against plain reference implementations: the probing RLE scan and
 * word-at-a-time bit-packing (every width, long runs anywhere), the direct-table INT32
 * dictionary, the reused string-id scratch, no-null statistics, and pages whose nulls sit on a
 * page boundary, read back with hyparquet.
 */
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../functions/adapters/parquet/byte-writer.js';
import type { IntColumn } from '../../functions/adapters/parquet/column-values.js';
import { ROWS_PER_PAGE } from '../../functions/adapters/parquet/column-writer.js';
import { columnFromGroups } from '../../functions/adapters/parquet/columns-from-groups.js';
import { encodeIntDictionary } from '../../functions/adapters/parquet/int-dictionary.js';
import { writeRleHybrid } from '../../functions/adapters/parquet/rle-hybrid.js';
import { intStatistics } from '../../functions/adapters/parquet/statistics.js';
import { encodeColumns } from '../../functions/adapters/parquet-encoder.js';
import {
  type ColumnData,
  columnsOfRows,
  DictionarySnapshot,
  type GroupColumns,
  rowsOf,
} from '../../functions/core/group-columns.js';
import type { TableSpec } from '../../schemas/tables.js';

let seed = 1;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

/** The hybrid encoding the simple way: every maximal run checked in turn, one value at a time. */
function referenceRle(values: Int32Array, from: number, to: number, bitWidth: number): number[] {
  const out: number[] = [];
  const varint = (v: number) => {
    for (; v >= 0x80; v = Math.floor(v / 0x80)) out.push((v % 0x80) | 0x80);
    out.push(v);
  };
  const packed = (start: number, end: number) => {
    const groups = Math.ceil((end - start) / 8);
    varint(groups * 2 + 1);
    let bits = 0n;
    for (let k = 0; k < groups * 8; k++) {
      const value = start + k < end ? BigInt(values[start + k]! >>> 0) : 0n;
      bits |= value << BigInt(k * bitWidth);
    }
    for (let b = 0; b < groups * bitWidth; b++) out.push(Number((bits >> BigInt(8 * b)) & 0xffn));
  };
  let pending = from;
  for (let i = from; i < to; ) {
    let end = i + 1;
    while (end < to && values[end] === values[i]) end++;
    const fill = (8 - ((i - pending) & 7)) & 7;
    if (end - i - fill >= 8) {
      if (i + fill > pending) packed(pending, i + fill);
      varint((end - i - fill) * 2);
      for (let shift = 0; shift < bitWidth; shift += 8) out.push((values[i]! >>> shift) & 0xff);
      pending = end;
    }
    i = end;
  }
  if (pending < to) packed(pending, to);
  return out;
}

/** Decodes a hybrid stream of `count` values (the format's reading rule), to check round trips. */
function decodeRle(bytes: Uint8Array, count: number, bitWidth: number): number[] {
  const values: number[] = [];
  let at = 0;
  const varint = () => {
    let v = 0;
    for (let scale = 1; ; scale *= 0x80) {
      const b = bytes[at++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
    }
  };
  while (values.length < count) {
    const header = varint();
    if (header % 2 === 0) {
      let value = 0;
      for (let shift = 0; shift < bitWidth; shift += 8) value += bytes[at++]! * 2 ** shift;
      for (let k = 0; k < header / 2; k++) values.push(value);
    } else {
      const groups = (header - 1) / 2;
      for (let k = 0; k < groups * 8; k++) {
        let value = 0;
        for (let b = 0; b < bitWidth; b++) {
          const bit = k * bitWidth + b;
          if ((bytes[at + (bit >> 3)]! >> (bit & 7)) & 1) value += 2 ** b;
        }
        values.push(value);
      }
      at += groups * bitWidth;
    }
  }
  return values.slice(0, count);
}

describe('RLE/bit-packed hybrid fast paths', () => {
  it('match the one-value-at-a-time encoding for widths 0..32, runs of every length, any range', () => {
    for (let bitWidth = 0; bitWidth <= 32; bitWidth++) {
      const max = bitWidth === 0 ? 0 : 2 ** bitWidth - 1;
      for (let trial = 0; trial < 40; trial++) {
        const n = 1 + Math.floor(random() * (trial % 2 === 0 ? 40 : 700));
        const values = new Int32Array(n);
        const runChance = random();
        for (let i = 0; i < n; ) {
          const length = random() < runChance ? 1 + Math.floor(random() * 24) : 1;
          const value = Math.floor(random() * (max + 1)) | 0;
          for (let k = 0; k < length && i < n; k++) values[i++] = value;
        }
        const from = Math.floor(random() * Math.min(n, 9));
        const to = n - Math.floor(random() * Math.min(n - from, 9));
        const out = new ByteWriter(4);
        writeRleHybrid(out, values, from, to, bitWidth);
        expect([...out.view()]).toEqual(referenceRle(values, from, to, bitWidth));
        const decoded = decodeRle(out.view(), to - from, bitWidth);
        expect(decoded).toEqual([...values.subarray(from, to)].map((v) => v >>> 0));
      }
    }
  });

  it('write long runs as single RLE runs wherever they start (nearly constant columns)', () => {
    for (const start of [0, 1, 7, 8, 9, 15]) {
      const values = Int32Array.from({ length: 5000 }, (_, i) => (i < start ? i : 3));
      const out = new ByteWriter(4);
      writeRleHybrid(out, values, 0, values.length, 2);
      expect([...out.view()]).toEqual(referenceRle(values, 0, values.length, 2));
      expect(out.length).toBeLessThan(12);
    }
  });
});

describe('integer dictionaries', () => {
  const int32 = (values: number[], nulls: number[] = []): IntColumn => {
    const defined = nulls.length === 0 ? null : Uint8Array.from(values, (_, i) => (nulls.includes(i) ? 0 : 1));
    return { kind: 'int32', low: Int32Array.from(values), high: null, defined };
  };
  /** First-appearance numbering with a Map. */
  const reference = (column: IntColumn) => {
    const index = new Map<number, number>();
    const indices = [...column.low].map((v, i) => {
      if (column.defined !== null && column.defined[i] === 0) return -1;
      if (!index.has(v)) index.set(v, index.size);
      return index.get(v)!;
    });
    return { indices, keys: [...index.keys()] };
  };

  it('number small INT32 values (direct table) and others (hashing) alike, nulls skipped', () => {
    const cases = [
      int32([443, 80, 443, 0, 65535, 80]),
      int32([6, 17, 6, 1, 17], [1, 3]),
      int32([5, 65536, 5, 7]), // falls back to hashing after the first values
      int32([3, -2, 3, 2_000_000_000, -2]),
    ];
    for (const column of cases) {
      const encoded = encodeIntDictionary(column, 1 << 18)!;
      const expected = reference(column);
      expect([...encoded.indices]).toEqual(expected.indices);
      expect([...encoded.low]).toEqual(expected.keys);
    }
    // The table is clean afterwards: a second column numbers from scratch.
    expect([...encodeIntDictionary(int32([80, 443]), 1 << 18)!.indices]).toEqual([0, 1]);
  });
});

describe('string ids from aggregator columns', () => {
  it('renumber the ids each selection uses from zero, call after call', () => {
    const dictionary = DictionarySnapshot.of(['a', 'b', 'c', 'd']);
    const column: ColumnData = { type: 'string', dictionary, ids: Int32Array.of(4, 2, 0, 2, 3, 1) };
    const first = columnFromGroups('string', column, Int32Array.of(0, 1, 2, 3));
    const second = columnFromGroups('string', column, Int32Array.of(5, 3, 4, 1, 0));
    if (first.kind !== 'string' || second.kind !== 'string') throw new Error('expected strings');
    expect([...first.indices]).toEqual([0, 1, -1, 1]);
    expect(first.nullCount).toBe(1);
    expect([...second.indices]).toEqual([0, 1, 2, 1, 3]);
    expect(
      [...second.dictionary.starts].map((s, k) =>
        Buffer.from(dictionary.data.subarray(s, second.dictionary.ends[k])).toString(),
      ),
    ).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('statistics without nulls', () => {
  const plain = (bytes: Uint8Array | null) =>
    bytes === null
      ? null
      : bytes.length === 4
        ? new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true)
        : new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, true);

  it('order INT32 signed and INT64 by high half signed, low half unsigned', () => {
    const ints = Int32Array.of(5, -7, 2_000_000_000, -7, 0);
    expect(intStatistics(ints, null, null, 0)).toMatchObject({ nullCount: 0 });
    const s32 = intStatistics(ints, null, null, 0);
    expect([plain(s32.min), plain(s32.max)]).toEqual([-7, 2_000_000_000]);

    const longs = [2n ** 32n - 1n, 2n ** 32n, -1n, -(2n ** 63n), 2n ** 63n - 1n, 0n, 2n ** 31n];
    const low = Int32Array.from(longs, (v) => Number(BigInt.asIntN(32, v)));
    const high = Int32Array.from(longs, (v) => Number(BigInt.asIntN(32, v >> 32n)));
    const s64 = intStatistics(low, high, null, 0);
    expect([plain(s64.min), plain(s64.max)]).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    const positive = intStatistics(low.subarray(0, 2), high.subarray(0, 2), null, 0);
    expect([plain(positive.min), plain(positive.max)]).toEqual([2n ** 32n - 1n, 2n ** 32n]);
  });
});

describe('pages with and without nulls', () => {
  const c = (name: string, type: 'string' | 'int32' | 'int64' | 'timestamp') => ({ name, type, description: name });
  const SPEC: TableSpec = {
    name: 'pages',
    description: 'page boundaries',
    keyColumns: [],
    partitionKeys: [],
    columns: [
      c('window_start', 'timestamp'),
      c('region', 'string'),
      c('port', 'int32'),
      c('full_port', 'int32'),
      c('action', 'string'),
      c('packets', 'int64'),
    ],
  };
  const n = 2 * ROWS_PER_PAGE + 5;
  /** Nulls only on the last row of the first page and the first of the second. */
  const edge = (r: number) => r === ROWS_PER_PAGE - 1 || r === ROWS_PER_PAGE;
  const group: GroupColumns = {
    length: n,
    columns: {
      window_start: {
        type: 'timestamp',
        values: Float64Array.from({ length: n }, (_, r) => 1_700_000_000_000 + (r > n / 2 ? 60_000 : 0)),
      },
      region: { type: 'string', dictionary: DictionarySnapshot.of(['eu-west-1']), ids: new Int32Array(n).fill(1) },
      port: {
        type: 'int32',
        values: Int32Array.from({ length: n }, (_, r) => (edge(r) ? -1 : r % 3 === 0 ? 443 : 80)),
      },
      full_port: { type: 'int32', values: Int32Array.from({ length: n }, (_, r) => (r * 7919) % 65536) },
      action: {
        type: 'string',
        dictionary: DictionarySnapshot.of(['ACCEPT', 'REJECT']),
        ids: Int32Array.from({ length: n }, (_, r) => (edge(r) ? 0 : r % 1000 < 900 ? 1 : 2)),
      },
      packets: { type: 'int64', values: Float64Array.from({ length: n }, (_, r) => r * 2 ** 20), big: new Map() },
    },
  };

  it('read back exactly with hyparquet, nulls on a page boundary and long runs across pages', async () => {
    const { bytes } = encodeColumns(
      SPEC,
      group,
      Int32Array.from({ length: n }, (_, r) => r),
    );
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    const rows = await parquetReadObjects({ file, compressors });
    const expected = rowsOf<Record<string, unknown>>(group);
    expect(rows.length).toBe(n);
    for (const r of [0, 1, ROWS_PER_PAGE - 2, ROWS_PER_PAGE - 1, ROWS_PER_PAGE, ROWS_PER_PAGE + 1, n - 1]) {
      const row = rows[r]!;
      expect((row.window_start as Date).getTime()).toBe(expected[r]!.window_start);
      expect([row.region, row.port, row.full_port, row.action, row.packets]).toEqual([
        expected[r]!.region,
        expected[r]!.port,
        expected[r]!.full_port,
        expected[r]!.action,
        BigInt(expected[r]!.packets as number),
      ]);
    }
    expect(rows.filter((row) => row.port === null).length).toBe(2);
    expect(rows.every((row, r) => row.full_port === (r * 7919) % 65536)).toBe(true);
    const fromRows = encodeColumns(
      SPEC,
      columnsOfRows(SPEC.columns, expected),
      Int32Array.from({ length: n }, (_, r) => r),
    ).bytes;
    expect(Buffer.from(fromRows).equals(Buffer.from(bytes))).toBe(true);
  });
});
