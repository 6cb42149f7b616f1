/**
 * DELTA_BINARY_PACKED INT64 columns (the writer's encoding of `row_key`) read back by two
 * independent readers, hyparquet and DuckDB: random values within the encoder's ±2^51, runs that
 * count up (as row keys do), constants, and lengths on the block (128), miniblock (32) and data
 * page boundaries. And what the encoding is for: a file's row keys take almost no bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setHalves } from '../../functions/adapters/parquet/column-values.js';
import { ROWS_PER_PAGE } from '../../functions/adapters/parquet/column-writer.js';
import { UNCOMPRESSED } from '../../functions/adapters/parquet/page-codec.js';
import { writeParquetFile } from '../../functions/adapters/parquet/parquet-file.js';
import { encodeColumns } from '../../functions/adapters/parquet-encoder.js';
import { columnsOfRows } from '../../functions/core/group-columns.js';
import { SUMMARY_TABLE } from '../../schemas/tables.js';
import { Oracle } from '../helpers/duckdb.js';

const LIMIT = 2 ** 51;
let dir: string;
let oracle: Oracle;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'delta-'));
  oracle = await Oracle.open();
});
afterAll(() => {
  oracle.close();
  rmSync(dir, { recursive: true, force: true });
});

let file = 0;
/** Writes `values` as one DELTA_BINARY_PACKED column; returns them as hyparquet and DuckDB read them. */
async function roundTrip(values: readonly number[]): Promise<{ hyparquet: string[]; duckdb: string[] }> {
  const low = new Int32Array(values.length);
  const high = new Int32Array(values.length);
  for (const [i, v] of values.entries()) setHalves(low, high, i, v);
  const bytes = writeParquetFile(
    [{ name: 'v', type: 'int64', values: { kind: 'int64', low, high, defined: null }, dictionary: false, delta: true }],
    values.length,
    UNCOMPRESSED,
  );
  const path = join(dir, `${file++}.parquet`);
  writeFileSync(path, bytes);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file: buffer });
  const duck = await oracle.query(`SELECT v::VARCHAR AS v FROM read_parquet('${path}') ORDER BY file_row_number`);
  return { hyparquet: rows.map((r) => String(r.v)), duckdb: duck.map((r) => String(r.v)) };
}

const safe = fc.integer({ min: -LIMIT, max: LIMIT });
/** Columns as row keys look (counting up from anywhere), constant, small steps, or anything in range. */
const column = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.nat(700))
    .map(([first, n]) => Array.from({ length: n }, (_, i) => first + i)),
  fc.tuple(safe, fc.nat(300)).map(([v, n]) => Array.from({ length: n }, () => v)),
  fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 400 }),
  fc.array(fc.oneof(safe, fc.constantFrom(-LIMIT, LIMIT, 0, -1, 1, 2 ** 32, 2 ** 32 - 1)), { maxLength: 400 }),
);

describe('DELTA_BINARY_PACKED', () => {
  it('reads back exactly in hyparquet and DuckDB', async () => {
    await fc.assert(
      fc.asyncProperty(column, async (values) => {
        const expected = values.map(String);
        const { hyparquet, duckdb } = await roundTrip(values);
        expect(hyparquet).toEqual(expected);
        expect(duckdb).toEqual(expected);
      }),
      { numRuns: 60, seed: 20261203 },
    );
  });

  it('reads back on block, miniblock and page boundaries', async () => {
    for (const n of [0, 1, 2, 32, 33, 128, 129, 130, 161, ROWS_PER_PAGE, ROWS_PER_PAGE + 1, 2 * ROWS_PER_PAGE + 129]) {
      // Counting up, with a jump every 50 rows so that miniblocks have widths other than 0.
      const values = Array.from({ length: n }, (_, i) => 5_000_000 + i + (i % 50 === 0 ? 2 ** 40 : 0));
      const { hyparquet, duckdb } = await roundTrip(values);
      expect(hyparquet, `${n} values`).toEqual(values.map(String));
      expect(duckdb, `${n} values`).toEqual(values.map(String));
    }
  });

  it('refuses values it cannot encode exactly', () => {
    const low = new Int32Array(2);
    const high = new Int32Array(2);
    setHalves(low, high, 1, 2 ** 52);
    const values = { kind: 'int64', low, high, defined: null } as const;
    expect(() =>
      writeParquetFile([{ name: 'v', type: 'int64', values, dictionary: false, delta: true }], 2, UNCOMPRESSED),
    ).toThrow('outside the ±2^51');
  });

  it("writes a file's row keys in almost no bytes", () => {
    const rows = Array.from({ length: 50_000 }, () => ({}));
    const groups = columnsOfRows(SUMMARY_TABLE.columns, rows);
    const { bytes } = encodeColumns(SUMMARY_TABLE, groups, Int32Array.from(rows.keys()), {
      sourceObject: 'o',
      firstRowKey: 1_000_000,
    });
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const chunk = parquetMetadata(buffer)
      .row_groups[0]!.columns.map((c) => c.meta_data!)
      .find((m) => m.path_in_schema.join('.') === 'row_key')!;
    expect(chunk.encodings).toContain('DELTA_BINARY_PACKED');
    // PLAIN would be 400,000 bytes; GZIP of them about a third of that.
    expect(Number(chunk.total_compressed_size)).toBeLessThan(4_000);
  });
});
