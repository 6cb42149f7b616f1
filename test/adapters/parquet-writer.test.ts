/**
 * The Parquet writer (functions/adapters/parquet/): the Thrift compact encoder and RLE/bit-packed
 * hybrid against known bytes, then whole files read back by DuckDB and hyparquet:
 * every column type, nulls everywhere, all-null columns, int64 beyond 2^53, IPv6 and non-ASCII
 * strings, 0 and 1 rows, several pages, and the statistics engines prune with.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../../functions/adapters/parquet/byte-writer.js';
import { ROWS_PER_PAGE } from '../../functions/adapters/parquet/column-writer.js';
import { writeRleHybrid } from '../../functions/adapters/parquet/rle-hybrid.js';
import { CompactType, ThriftCompactWriter } from '../../functions/adapters/parquet/thrift-compact.js';
import { encodeColumns } from '../../functions/adapters/parquet-encoder.js';
import {
  type ColumnData,
  columnsOfRows,
  DictionarySnapshot,
  type GroupColumns,
  rowsOf,
} from '../../functions/core/group-columns.js';
import type { TableSpec } from '../../schemas/tables.js';
import { Oracle } from '../helpers/duckdb.js';

const bytesOf = (write: (thrift: ThriftCompactWriter) => void): number[] => {
  const thrift = new ThriftCompactWriter();
  write(thrift);
  return [...thrift.out.view()];
};

describe('Thrift compact protocol', () => {
  it('writes short and long field headers, zigzag varints, bools, binaries and stops', () => {
    expect(bytesOf((t) => t.i32(1, 1))).toEqual([0x15, 0x02]);
    expect(bytesOf((t) => t.i32(1, -1))).toEqual([0x15, 0x01]);
    expect(bytesOf((t) => t.i32(3, 300))).toEqual([0x35, 0xd8, 0x04]);
    // A jump of more than 15 ids: type byte, then the id as a zigzag varint.
    expect(bytesOf((t) => t.i64(17, 2 ** 40))).toEqual([0x06, 0x22, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    expect(
      bytesOf((t) => {
        t.bool(1, true);
        t.bool(2, false);
      }),
    ).toEqual([0x11, 0x12]);
    expect(bytesOf((t) => t.string(4, 'ab'))).toEqual([0x48, 0x02, 0x61, 0x62]);
    expect(
      bytesOf((t) => {
        t.beginStruct(2);
        t.i32(1, 0);
        t.endStruct();
        t.i32(3, 0);
        t.endStruct();
      }),
    ).toEqual([0x2c, 0x15, 0x00, 0x00, 0x15, 0x00, 0x00]);
  });

  it('writes list headers in the short form below 15 elements and the long form from 15', () => {
    expect(
      bytesOf((t) => {
        t.beginList(1, CompactType.I32, 2);
        t.elementI32(0);
        t.elementI32(8);
      }),
    ).toEqual([0x19, 0x25, 0x00, 0x10]);
    expect(bytesOf((t) => t.beginList(2, CompactType.Struct, 21))).toEqual([0x29, 0xfc, 0x15]);
    expect(
      bytesOf((t) => {
        t.beginList(1, CompactType.Struct, 1);
        t.beginElement();
        t.i32(1, 2);
        t.endStruct();
        t.i32(2, 1);
      }),
    ).toEqual([0x19, 0x1c, 0x15, 0x04, 0x00, 0x15, 0x02]);
  });
});

const rle = (values: number[], bitWidth: number): number[] => {
  const out = new ByteWriter(4);
  writeRleHybrid(out, Int32Array.from(values), 0, values.length, bitWidth);
  return [...out.view()];
};

describe('RLE/bit-packed hybrid', () => {
  it('bit-packs like the format specification example (0..7 at width 3)', () => {
    expect(rle([0, 1, 2, 3, 4, 5, 6, 7], 3)).toEqual([0x03, 0x88, 0xc6, 0xfa]);
  });

  it('writes runs of 8 or more as RLE runs, with the value in whole bytes', () => {
    expect(rle(Array(10).fill(5), 3)).toEqual([0x14, 0x05]);
    expect(rle(Array(300).fill(1), 1)).toEqual([0xd8, 0x04, 0x01]);
    expect(rle(Array(9).fill(0x1234), 13)).toEqual([0x12, 0x34, 0x12]);
    expect(rle(Array(8).fill(0), 0)).toEqual([0x10]);
  });

  it('fills the last bit-packed group from the next run, and zero-pads only the end', () => {
    expect(rle([1, 2, 3, ...Array(13).fill(4)], 3)).toEqual([0x03, 0xd1, 0x48, 0x92, 0x10, 0x04]);
    expect(rle([1, 2, 3], 2)).toEqual([0x03, 0x39, 0x00]);
    // A run too short after lending its head stays bit-packed.
    expect(rle([1, 2, 3, ...Array(12).fill(4)], 3)).toEqual([0x05, 0xd1, 0x48, 0x92, 0x24, 0x49, 0x12]);
  });

  it('packs widths above 24 bits', () => {
    // Value 0 fills bits 0–24, value 1 sets bit 25: 0x03 in byte 3; 8 × 25 bits = 25 bytes.
    expect(rle([0x1ffffff, 1], 25)).toEqual([0x03, 0xff, 0xff, 0xff, 0x03, ...Array(21).fill(0)]);
  });
});

const c = (name: string, type: 'string' | 'int32' | 'int64' | 'timestamp') => ({ name, type, description: name });
/** Every type; `flows` is a dictionary int64, `packets` and `bytes` PLAIN (the encoder's rule). */
const SPEC: TableSpec = {
  name: 'sample',
  description: 'all column types',
  keyColumns: [],
  partitionKeys: [],
  columns: [
    c('window_start', 'timestamp'),
    c('account_id', 'string'),
    c('srcaddr', 'string'),
    c('label', 'string'),
    c('never', 'string'),
    c('port', 'int32'),
    c('no_port', 'int32'),
    c('flows', 'int64'),
    c('packets', 'int64'),
    c('bytes', 'int64'),
    c('nothing', 'int64'),
    c('last_seen', 'timestamp'),
  ],
};
const T0 = Date.UTC(2025, 10, 21, 10);
const BIG = [2n ** 53n + 1n, 9223372036854775807n, -9223372036854775808n];

/** `n` groups exercising every case; the last rows hold the int64 extremes. */
function sampleGroups(n: number): GroupColumns {
  const strings = (values: string[], pick: (r: number) => number) => ({
    type: 'string' as const,
    dictionary: DictionarySnapshot.of(values),
    ids: Int32Array.from({ length: n }, (_, r) => pick(r)),
  });
  const big = (r: number) => (n > 3 && r >= n - 3 ? BIG[r - (n - 3)] : undefined);
  const bigMap = (values: Float64Array) => {
    const map = new Map<number, bigint>();
    for (let r = 0; r < n; r++) {
      const exact = big(r);
      if (exact !== undefined) {
        map.set(r, exact);
        values[r] = Number(exact);
      }
    }
    return map;
  };
  const flows = Float64Array.from({ length: n }, (_, r) => 1 + (r % 17));
  const packets = Float64Array.from({ length: n }, (_, r) => r * 1_000_003);
  const columns: Record<string, ColumnData> = {
    window_start: {
      type: 'timestamp',
      values: Float64Array.from({ length: n }, (_, r) => T0 + Math.floor(r / 1000) * 60_000),
    },
    account_id: strings(['111111111111', '222222222222'], (r) => (r % 10 === 3 ? 0 : 1 + (r % 2))),
    srcaddr: strings(['10.0.0.1', '2001:db8::1', 'fe80::1ff:fe23:4567:890a', '203.0.113.9'], (r) =>
      r % 7 === 0 ? 0 : 1 + (r % 4),
    ),
    label: strings(['café', 'Straße', '東京', '🚀 launch', ''], (r) => (r % 6 === 0 ? 0 : 1 + (r % 5))),
    never: strings([], () => 0),
    port: { type: 'int32', values: Int32Array.from({ length: n }, (_, r) => (r % 5 === 0 ? -1 : (r * 37) % 65536)) },
    no_port: { type: 'int32', values: new Int32Array(n).fill(-1) },
    flows: { type: 'int64', values: flows, big: bigMap(flows) },
    packets: { type: 'int64', values: packets, big: bigMap(packets) },
    bytes: { type: 'int64', values: Float64Array.from({ length: n }, (_, r) => 2 ** 52 + r), big: new Map() },
    nothing: { type: 'int64', values: null, big: new Map() },
    last_seen: { type: 'timestamp', values: Float64Array.from({ length: n }, (_, r) => T0 + r * 7) },
  };
  return { length: n, columns };
}

type Cell = string | null;
/** Rows as strings (int64 exact, timestamps as epoch ms) for comparing readers. */
const expectedRows = (group: GroupColumns): Cell[][] =>
  rowsOf<Record<string, unknown>>(group).map((row) =>
    SPEC.columns.map((column) => (row[column.name] === null ? null : String(row[column.name]))),
  );

const allRows = (n: number) => Int32Array.from({ length: n }, (_, r) => r);

let dir: string;
let oracle: Oracle;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parquet-writer-'));
  oracle = await Oracle.open();
  await oracle.query('SET threads TO 1');
});
afterAll(() => {
  oracle.close();
  rmSync(dir, { recursive: true, force: true });
});

function save(name: string, bytes: Uint8Array): string {
  const path = join(dir, `${name}.parquet`);
  writeFileSync(path, bytes);
  return path;
}

async function readWithDuckDb(path: string): Promise<Cell[][]> {
  const select = SPEC.columns.map((column) =>
    column.type === 'timestamp'
      ? `CAST(epoch_ms(${column.name}) AS VARCHAR) AS ${column.name}`
      : `CAST(${column.name} AS VARCHAR) AS ${column.name}`,
  );
  const rows = await oracle.query(`SELECT ${select.join(', ')} FROM read_parquet('${path}')`);
  return rows.map((row) => SPEC.columns.map((column) => (row[column.name] ?? null) as Cell));
}

async function readWithHyparquet(bytes: Uint8Array): Promise<Cell[][]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  const rows = await parquetReadObjects({ file, compressors });
  return rows.map((row) =>
    SPEC.columns.map((column) => {
      const value: unknown = row[column.name];
      if (value === null || value === undefined) return null;
      return value instanceof Date ? String(value.getTime()) : String(value);
    }),
  );
}

describe('Parquet files from the writer', () => {
  it.each([0, 1, 12, ROWS_PER_PAGE * 2 + 123])('%i rows read back exactly with DuckDB and hyparquet', async (n) => {
    const group = sampleGroups(n);
    const { bytes } = encodeColumns(SPEC, group, allRows(n));
    const path = save(`rows-${n}`, bytes);
    const expected = expectedRows(group);
    expect(await readWithDuckDb(path)).toEqual(expected);
    expect(await readWithHyparquet(bytes)).toEqual(expected);
    // Rows (the findings table's input) converted back to columns write the same bytes.
    expect(
      Buffer.from(encodeColumns(SPEC, columnsOfRows(SPEC.columns, rowsOf(group)), allRows(n)).bytes).equals(
        Buffer.from(bytes),
      ),
    ).toBe(true);
  });

  it('keep int64 values beyond 2^53 exact', async () => {
    const n = 40;
    const { bytes } = encodeColumns(SPEC, sampleGroups(n), allRows(n));
    const path = save('big', bytes);
    const rows = await oracle.query(
      `SELECT CAST(flows AS VARCHAR) AS f, CAST(packets AS VARCHAR) AS p FROM read_parquet('${path}')`,
    );
    expect(rows.slice(-3).map((r) => r.f)).toEqual(BIG.map(String));
    expect(rows.slice(-3).map((r) => r.p)).toEqual(BIG.map(String));
    // 2^53 + 1 has no double: the file holds it and not its rounded neighbour 2^53, compared as
    // BIGINT by DuckDB and read as bigint by hyparquet.
    const [exact] = await oracle.query(`SELECT count(*) FILTER (WHERE packets = 9007199254740993) AS exact,
      count(*) FILTER (WHERE packets = 9007199254740992) AS rounded FROM read_parquet('${path}')`);
    expect(exact).toEqual({ exact: '1', rounded: '0' });
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    const read = await parquetReadObjects({ file, compressors, columns: ['packets'] });
    expect(read.slice(-3).map((row) => row.packets)).toEqual(BIG);
  });

  it('write a selection of rows in the order given, with only the strings it uses', async () => {
    const group = sampleGroups(50);
    const rows = Int32Array.of(49, 2, 2, 17, 8);
    const { bytes } = encodeColumns(SPEC, group, rows);
    const expected = expectedRows(group);
    expect(await readWithHyparquet(bytes)).toEqual([...rows].map((r) => expected[r]));
    const metadata = parquetMetadata(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
    );
    const srcaddr = metadata.row_groups[0]!.columns[2]!.meta_data!;
    expect(srcaddr.statistics?.null_count).toBe(1n); // row 49
    expect(srcaddr.statistics?.min_value).toBe('10.0.0.1');
    expect(srcaddr.statistics?.max_value).toBe('fe80::1ff:fe23:4567:890a');
  });

  it('have the schema, encodings, pages and statistics Athena and DuckDB rely on', async () => {
    const n = ROWS_PER_PAGE + 10;
    const path = save('metadata', encodeColumns(SPEC, sampleGroups(n), allRows(n)).bytes);
    const schema = await oracle.query(
      `SELECT name, type, repetition_type, converted_type, logical_type FROM parquet_schema('${path}')`,
    );
    expect(schema.slice(1).map((s) => [s.name, s.type, s.repetition_type, s.converted_type])).toEqual(
      SPEC.columns.map((column) => [
        column.name,
        { string: 'BYTE_ARRAY', int32: 'INT32', int64: 'INT64', timestamp: 'INT64' }[column.type],
        'OPTIONAL',
        { string: 'UTF8', int32: null, int64: null, timestamp: 'TIMESTAMP_MILLIS' }[column.type],
      ]),
    );
    expect(schema[1]!.logical_type).toMatch(/TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=MilliSeconds\(\)/);
    expect(schema[2]!.logical_type).toBe('StringType()');
    const [file] = await oracle.query(
      `SELECT created_by, num_rows, num_row_groups, format_version FROM parquet_file_metadata('${path}')`,
    );
    expect(file).toEqual({ created_by: 'ciphertrail', num_rows: String(n), num_row_groups: '1', format_version: '1' });

    const chunks = await oracle.query(`SELECT path_in_schema AS name, encodings, compression, stats_min_value AS min,
      stats_max_value AS max, stats_min AS legacy_min, stats_null_count AS nulls FROM parquet_metadata('${path}')`);
    const byName = Object.fromEntries(chunks.map((chunk) => [chunk.name, chunk]));
    expect(byName.account_id).toMatchObject({
      encodings: 'PLAIN, RLE, RLE_DICTIONARY',
      min: '111111111111',
      max: '222222222222',
      legacy_min: null,
      nulls: String(Math.ceil((n - 3) / 10)),
    });
    // Unsigned byte order: '2001:…' < 'fe80:…'; and '' < 'Straße' < 'café' < '東京' < '🚀…'.
    expect(byName.srcaddr).toMatchObject({ min: '10.0.0.1', max: 'fe80::1ff:fe23:4567:890a' });
    expect(byName.label).toMatchObject({ min: '', max: '🚀 launch' });
    expect(byName.never).toMatchObject({ min: null, max: null, nulls: String(n) });
    const ports = Array.from({ length: n }, (_, r) => (r * 37) % 65536).filter((_, r) => r % 5 !== 0);
    expect(byName.port).toMatchObject({
      min: String(Math.min(...ports)),
      max: String(Math.max(...ports)),
      legacy_min: String(Math.min(...ports)),
    });
    expect(byName.no_port).toMatchObject({ min: null, nulls: String(n) });
    expect(byName.flows).toMatchObject({
      encodings: 'PLAIN, RLE, RLE_DICTIONARY',
      min: String(BIG[2]),
      max: String(BIG[1]),
    });
    expect(byName.packets).toMatchObject({ encodings: 'PLAIN, RLE', min: String(BIG[2]), max: String(BIG[1]) });
    expect(byName.nothing).toMatchObject({ min: null, nulls: String(n) });
    expect(byName.last_seen!.min).toBe(new Date(T0).toISOString().replace('T', ' ').replace('.000Z', '+00'));
  });

  it('let DuckDB skip a row group on its statistics alone', async () => {
    const n = ROWS_PER_PAGE + 10;
    const { bytes } = encodeColumns(SPEC, sampleGroups(n), allRows(n));
    const ports = Array.from({ length: n }, (_, r) => (r * 37) % 65536).filter((_, r) => r % 5 !== 0);
    const max = Math.max(...ports);
    const good = save('pruned-good', bytes);
    const [above] = await oracle.query(`SELECT count(*) AS n FROM read_parquet('${good}') WHERE port >= ${max - 100}`);
    expect(above).toEqual({ n: String(ports.filter((p) => p >= max - 100).length) });
    // The same footer over pages of garbage: only a reader that trusts the statistics and
    // skips the row group can answer, and it must answer 0 for ports above the chunk's max.
    const footerLength = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getInt32(0, true);
    const broken = bytes.slice();
    broken.fill(0xff, 4, bytes.length - 8 - footerLength);
    const path = save('pruned-broken', broken);
    expect(await oracle.query(`SELECT count(*) AS n FROM read_parquet('${path}') WHERE port > ${max}`)).toEqual([
      { n: '0' },
    ]);
    // Strings too (every address sorts after '0'), and timestamps.
    expect(await oracle.query(`SELECT count(*) AS n FROM read_parquet('${path}') WHERE srcaddr < '0'`)).toEqual([
      { n: '0' },
    ]);
    expect(
      await oracle.query(`SELECT count(*) AS n FROM read_parquet('${path}') WHERE last_seen > TIMESTAMP '2100-01-01'`),
    ).toEqual([{ n: '0' }]);
    // A filter the statistics cannot rule out reads the pages, and they are garbage.
    await expect(
      oracle.query(`SELECT count(*) AS n FROM read_parquet('${path}') WHERE port = ${max}`),
    ).rejects.toThrow();
  });
});
