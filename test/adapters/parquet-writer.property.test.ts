/**
 * Differential property test of the Parquet writer: random tables (any mix of STRING, INT32,
 * INT64 and TIMESTAMP columns, dictionary and PLAIN integers, nulls anywhere, int64 extremes,
 * empty and multi-byte UTF-8 strings) go through the one write path (rows → columnsOfRows →
 * a random selection of rows → encodeColumns), and two independent readers, hyparquet and
 * DuckDB, must give back exactly the values written. Larger cases put nulls on data-page
 * boundaries and drive integer dictionaries past their size limit (PLAIN fallback).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROWS_PER_PAGE } from '../../functions/adapters/parquet/column-writer.js';
import { encodeColumns } from '../../functions/adapters/parquet-encoder.js';
import { columnsOfRows } from '../../functions/core/group-columns.js';
import type { ColumnType, TableSpec } from '../../schemas/tables.js';
import { Oracle } from '../helpers/duckdb.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 0001-01-01 to 9999-12-31 (every reader's timestamp range), epoch milliseconds. */
const TS_MIN = -62135596800000;
const TS_MAX = 253402300799999;

interface Column {
  readonly name: string;
  readonly type: ColumnType;
}
type Cell = string | number | bigint | null;
interface Table {
  readonly columns: readonly Column[];
  readonly rows: readonly Record<string, Cell>[];
  /** Row indexes to write, in order (repeats allowed). */
  readonly selection: readonly number[];
}

const int64Extremes = [
  INT64_MIN,
  INT64_MIN + 1n,
  -(2n ** 53n) - 1n,
  -1n,
  0n,
  1n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 32n - 1n,
  2n ** 32n,
  INT64_MAX - 1n,
  INT64_MAX,
];
const stringsSeen = [
  '',
  'a',
  ' ',
  'café',
  'Straße',
  '東京',
  '🚀 launch',
  'e\u0301',
  '10.0.0.1',
  'fe80::1ff:fe23:4567:890a',
  'x'.repeat(300),
  '\u0000nul',
  '\t',
];

/** A value of `type`, often from a small pool (repeats feed the dictionaries), sometimes null. */
function cellArbitrary(type: ColumnType, nullWeight: number): fc.Arbitrary<Cell> {
  const present: fc.Arbitrary<Cell> = {
    string: fc.oneof(
      fc.constantFrom(...stringsSeen),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    ),
    int32: fc.oneof(fc.constantFrom(0, 1, 80, 443, 65535, 2 ** 31 - 1), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
    int64: fc.oneof(
      fc.constantFrom(...int64Extremes),
      fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
      fc.bigInt({ min: -1000n, max: 1000n }),
    ),
    timestamp: fc.oneof(
      fc.constantFrom(0, TS_MIN, TS_MAX, 1_763_719_200_000),
      fc.integer({ min: TS_MIN, max: TS_MAX }),
    ),
  }[type] as fc.Arbitrary<Cell>;
  return fc.oneof({ weight: nullWeight, arbitrary: fc.constant(null) }, { weight: 10, arbitrary: present });
}

/** Column types with unique names; two INT64 columns may be `packets`/`bytes`, which the encoder writes PLAIN. */
const columnsArbitrary: fc.Arbitrary<Column[]> = fc
  .array(
    fc.record({ type: fc.constantFrom<ColumnType>('string', 'int32', 'int64', 'timestamp'), plain: fc.boolean() }),
    { minLength: 1, maxLength: 7 },
  )
  .map((specs) => {
    const plainNames = ['packets', 'bytes'];
    return specs.map(({ type, plain }, k) => ({
      name: type === 'int64' && plain && plainNames.length > 0 ? plainNames.shift()! : `c${k}`,
      type,
    }));
  });

const tableArbitrary: fc.Arbitrary<Table> = columnsArbitrary.chain((columns) =>
  fc
    .record({ rowCount: fc.integer({ min: 0, max: 200 }), nullWeight: fc.constantFrom(0, 1, 5, 50) })
    .chain(({ rowCount, nullWeight }) => {
      const row = fc.record(Object.fromEntries(columns.map((c) => [c.name, cellArbitrary(c.type, nullWeight)])));
      return fc.array(row, { minLength: rowCount, maxLength: rowCount }).chain((rows) =>
        fc.record({
          columns: fc.constant(columns),
          rows: fc.constant(rows as Record<string, Cell>[]),
          selection:
            rows.length === 0
              ? fc.constant([])
              : fc.oneof(
                  fc.constant(rows.map((_, r) => r)),
                  fc.array(fc.nat({ max: rows.length - 1 }), { maxLength: 2 * rows.length }),
                ),
        }),
      );
    }),
);

/**
 * Each run writes a file and asks two readers: shrinking a failure could take minutes, so it stops
 * after 15 s and reports the smallest counterexample found so far (the message names the column
 * and where it differs). A slow machine that reaches the limit with no failure passes: time is
 * never asserted.
 */
const SHRINK_BRIEFLY = { interruptAfterTimeLimit: 15_000, markInterruptAsFailure: false } as const;

/** A cell as both readers are compared: decimal text for integers, epoch ms for timestamps. */
const text = (cell: unknown): string | null => {
  if (cell === null || cell === undefined) return null;
  return cell instanceof Date ? String(cell.getTime()) : String(cell);
};

let dir: string;
let oracle: Oracle;
let files = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parquet-property-'));
  oracle = await Oracle.open();
  await oracle.query('SET threads TO 1');
});
afterAll(() => {
  oracle.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A column's cells in row order as one string, each cell `N` (null) or `V<UTF-8 length>:<text>`:
 * unambiguous whatever the strings hold, and cheap to get out of DuckDB for 100k rows.
 */
const columnText = (cells: readonly (string | null)[]) =>
  cells.map((cell) => (cell === null ? 'N' : `V${Buffer.byteLength(cell)}:${cell}`)).join('');

/** Writes the table with our writer; returns each column as written and as hyparquet and DuckDB read it. */
async function roundTrip(
  table: Table,
): Promise<{ expected: string[]; hyparquet: string[]; duckdb: string[]; path: string }> {
  const spec: TableSpec = {
    name: 'random',
    description: 'random',
    keyColumns: [],
    partitionKeys: [],
    columns: table.columns.map((c) => ({ ...c, description: c.name })),
  };
  const group = columnsOfRows(table.columns, table.rows);
  const { bytes, rows } = encodeColumns(spec, group, Int32Array.from(table.selection));
  expect(rows).toBe(table.selection.length);
  const path = join(dir, `t${files++}.parquet`);
  writeFileSync(path, bytes);

  const expected = table.columns.map((c) => columnText(table.selection.map((r) => text(table.rows[r]![c.name]))));
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  const read = await parquetReadObjects({ file, compressors });
  const hyparquet = table.columns.map((c) => columnText(read.map((row) => text(row[c.name]))));
  // DuckDB builds the same text itself, in file row order (strlen is the UTF-8 length).
  const cell = (c: Column) =>
    c.type === 'timestamp' ? `CAST(epoch_ms("${c.name}") AS VARCHAR)` : `CAST("${c.name}" AS VARCHAR)`;
  const aggregates = table.columns.map(
    (c, k) =>
      `coalesce(string_agg(CASE WHEN ${cell(c)} IS NULL THEN 'N' ` +
      `ELSE 'V' || strlen(${cell(c)}) || ':' || ${cell(c)} END, '' ORDER BY file_row_number), '') AS k${k}`,
  );
  const [duck] = await oracle.query(`SELECT ${aggregates.join(', ')}, count(*) AS n
    FROM read_parquet('${path}', file_row_number = true)`);
  expect(duck!.n).toBe(String(table.selection.length));
  const duckdb = table.columns.map((_, k) => duck![`k${k}`] as string);
  return { expected, hyparquet, duckdb, path };
}

/** Where a column's text from a reader first differs from what was written (readable on 100k rows), or null. */
function firstDifference(
  columns: readonly Column[],
  expected: readonly string[],
  actual: readonly string[],
): string | null {
  for (let k = 0; k < columns.length; k++) {
    const [e, a] = [expected[k]!, actual[k]!];
    if (e === a) continue;
    let at = 0;
    while (at < e.length && e[at] === a[at]) at++;
    return (
      `column ${columns[k]!.name} (${columns[k]!.type}) at character ${at}: ` +
      `${JSON.stringify(a.slice(at, at + 60))} instead of ${JSON.stringify(e.slice(at, at + 60))}`
    );
  }
  return null;
}

describe('the Parquet writer against hyparquet and DuckDB', () => {
  it('reads back exactly: random columns, nulls, int64 extremes, strings, any selection of rows', async () => {
    await fc.assert(
      fc.asyncProperty(tableArbitrary, async (table) => {
        const { expected, hyparquet, duckdb } = await roundTrip(table);
        expect(firstDifference(table.columns, expected, hyparquet), 'hyparquet').toBeNull();
        expect(firstDifference(table.columns, expected, duckdb), 'DuckDB').toBeNull();
      }),
      { numRuns: 60, seed: 20251121, ...SHRINK_BRIEFLY },
    );
  });

  /** Rows of a seeded generator (fast-check draws the seed and the shape): too many for fc.array. */
  function seeded(seed: number) {
    let state = seed >>> 0 || 1;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    return { next, pick: <T>(values: readonly T[]) => values[Math.floor(next() * values.length)]! };
  }

  it('keeps nulls on data-page boundaries and values across pages exact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: 0, max: 4 }),
        async (seed, offset, spread) => {
          const random = seeded(seed);
          // One page boundary (ROWS_PER_PAGE), the last page from 1 to 7 rows; nulls on both sides of it.
          const n = ROWS_PER_PAGE + 4 + offset;
          const nearBoundary = (r: number) => r >= ROWS_PER_PAGE - 1 - spread && r <= ROWS_PER_PAGE + spread;
          const rows = Array.from({ length: n }, (_, r) => {
            const isNull = nearBoundary(r) || random.next() < 0.01;
            return {
              region: isNull ? null : random.pick(stringsSeen),
              port: isNull ? null : random.pick([80, 443, 8080]),
              flows: isNull ? null : random.pick(int64Extremes),
              bytes: isNull ? null : BigInt(Math.floor(random.next() * 2 ** 40)) * 8192n - 2n ** 52n,
              window_start: random.next() < 0.5 ? null : TS_MIN + Math.floor(random.next() * (TS_MAX - TS_MIN)),
            };
          });
          const columns: Column[] = [
            { name: 'region', type: 'string' },
            { name: 'port', type: 'int32' },
            { name: 'flows', type: 'int64' },
            { name: 'bytes', type: 'int64' },
            { name: 'window_start', type: 'timestamp' },
          ];
          const { expected, hyparquet, duckdb } = await roundTrip({ columns, rows, selection: rows.map((_, r) => r) });
          expect(firstDifference(columns, expected, hyparquet), 'hyparquet').toBeNull();
          expect(firstDifference(columns, expected, duckdb), 'DuckDB').toBeNull();
        },
      ),
      { numRuns: 3, seed: 7, ...SHRINK_BRIEFLY },
    );
  });

  it('falls back to PLAIN past the integer dictionary limit (1 MiB of entries), still exact', async () => {
    // 1 MiB / 8 bytes = 131,072 distinct INT64 values fit a dictionary; one more does not.
    const LIMIT = (1 << 20) / 8;
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 50 }), async (seed, extra) => {
        const random = seeded(seed);
        // Past the limit: the dictionary is built up to it, then the column is written PLAIN.
        const distinct = LIMIT + extra;
        const rows = Array.from({ length: distinct + 100 }, (_, r) => ({
          // Distinct values spread over the whole range (top bits from r, so no two collide).
          flows:
            r < distinct ? (BigInt(r) << 45n) - 2n ** 62n * 2n + BigInt(Math.floor(random.next() * 2 ** 30)) : null,
          label: random.pick(stringsSeen),
        }));
        const columns: Column[] = [
          { name: 'flows', type: 'int64' },
          { name: 'label', type: 'string' },
        ];
        const { expected, hyparquet, duckdb, path } = await roundTrip({
          columns,
          rows,
          selection: rows.map((_, r) => r),
        });
        expect(firstDifference(columns, expected, hyparquet), 'hyparquet').toBeNull();
        expect(firstDifference(columns, expected, duckdb), 'DuckDB').toBeNull();
        const [flows] = await oracle.query(
          `SELECT encodings FROM parquet_metadata('${path}') WHERE path_in_schema = 'flows'`,
        );
        expect(flows!.encodings).toBe('PLAIN, RLE');
      }),
      { numRuns: 1, seed: 11, ...SHRINK_BRIEFLY },
    );
  });
});
