import { constants } from 'node:zlib';
import { COMMIT_COLUMNS, type ColumnSpec, partitionDate, type TableSpec } from '../../schemas/tables.js';
import type { GroupColumns } from '../core/group-columns.js';
import { splitWideSums } from '../core/int64-sums.js';
import type { ColumnValues } from './parquet/column-values.js';
import type { ColumnToWrite } from './parquet/column-writer.js';
import { columnFromGroups, constantStringColumn, sequenceInt64Column } from './parquet/columns-from-groups.js';
import { fileArena } from './parquet/file-arena.js';
import { gzipCodec, UNCOMPRESSED } from './parquet/page-codec.js';
import { writeParquetFile } from './parquet/parquet-file.js';

/**
 * Parquet output with our own writer (`./parquet/`): data page v1, one row group, dictionary
 * encoding, statistics, and the logical types Athena understands (STRING, TIMESTAMP(MILLIS, UTC)).
 * One entry point, `encodeColumns`: callers holding rows convert them with `columnsOfRows` first.
 *
 * GZIP level 1, data pages with zlib's RLE strategy: the best speed/size trade among the codecs
 * Athena reads and Node 20 has (no zstd). test/bench/parquet-writer.ts compares the candidates;
 * the figures are in the README (Decisions worth knowing).
 */
const CODEC = gzipCodec(1, constants.Z_RLE);

/**
 * Files of fewer rows than this are written UNCOMPRESSED (codecs are per column chunk; every
 * engine reads both). Most real objects are small, and for pages of a few hundred bytes a zlib
 * stream costs more time (its set-up dominates) than it saves bytes (docs/performance.md).
 */
const MIN_ROWS_TO_COMPRESS = 256;

/** Sums are nearly all distinct: a dictionary would cost time and bytes, so they are PLAIN. */
const PLAIN_COLUMNS: ReadonlySet<string> = new Set(['packets', 'bytes']);

function toWrite(column: ColumnSpec, values: ColumnValues): ColumnToWrite {
  return { name: column.name, type: column.type, values, dictionary: !PLAIN_COLUMNS.has(column.name) };
}

/** One UTC day (`dt`) of a batch of groups: its rows, ordered by window_start. */
export interface DayPartition {
  readonly dt: string;
  readonly rows: Int32Array;
}

/** Keeps the rows whose value in an int32 column of the groups is `equals` (the cleartext rows of a batch). */
export interface RowsWhere {
  readonly values: Int32Array;
  readonly equals: number;
}

const DAY_MS = 86_400_000;

/**
 * Splits groups by the UTC day of `window_start` (only the rows `where` keeps), each day's rows
 * sorted by window_start (stable). Windows are few, so this is a counting sort over distinct
 * windows. The filter is data, not a callback, and the loops use typed arrays only: V8 then
 * optimizes this once, where a closure made per batch deoptimized it at every new closure and
 * its seven compiles took 51 ms of one core's time in a 2M-record ingest (docs/performance.md).
 */
export function partitionByDay(group: GroupColumns, where?: RowsWhere): DayPartition[] {
  const windowStart = group.columns.window_start;
  if (windowStart?.type !== 'timestamp') throw new Error('groups without a window_start timestamp column');
  const starts = windowStart.values;
  const n = group.length;
  const keepValues = where?.values ?? null;
  const keepEquals = where?.equals ?? 0;
  // Distinct windows in order of first appearance, their row counts, and each row's window (-1: not kept).
  let windows: Float64Array = new Float64Array(16);
  let counts: Int32Array = new Int32Array(16);
  let windowCount = 0;
  const windowOf = new Int32Array(n);
  let last = -1;
  let lastStart = Number.NaN;
  for (let r = 0; r < n; r++) {
    if (keepValues !== null && keepValues[r] !== keepEquals) {
      windowOf[r] = -1;
      continue;
    }
    const start = starts[r]!;
    // Rows come in runs of one window: a new index is looked up only where the window changes
    // (NaN never equals the last start, so it always reaches the check).
    if (start !== lastStart) {
      if (Number.isNaN(start)) throw new Error(`row ${r} has no window_start: it belongs to no dt partition`);
      last = 0;
      while (last < windowCount && windows[last] !== start) last++;
      if (last === windowCount) {
        if (windowCount === windows.length) {
          windows = grown(windows);
          counts = grownInt32(counts);
        }
        windows[windowCount++] = start;
      }
      lastStart = start;
    }
    windowOf[r] = last;
    counts[last]!++;
  }
  const byTime = windowsInTimeOrder(windows, windowCount);
  // Each window's first place in the output, then every kept row at its window's next place.
  const next = new Int32Array(windowCount);
  let total = 0;
  for (let k = 0; k < windowCount; k++) {
    const w = byTime[k]!;
    next[w] = total;
    total += counts[w]!;
  }
  const order = new Int32Array(total);
  for (let r = 0; r < n; r++) {
    const w = windowOf[r]!;
    if (w >= 0) order[next[w]!++] = r;
  }
  // Windows in time order hold a day's rows side by side: a day is a run of windows, not of rows.
  const days: DayPartition[] = [];
  let from = 0;
  for (let k = 0; k < windowCount; ) {
    const day = Math.floor(windows[byTime[k]!]! / DAY_MS);
    let to = from;
    while (k < windowCount && Math.floor(windows[byTime[k]!]! / DAY_MS) === day) to += counts[byTime[k++]!]!;
    days.push({ dt: partitionDate(day * DAY_MS), rows: order.subarray(from, to) });
    from = to;
  }
  return days;
}

/** Indexes of the first `count` windows, by start time (insertion sort: a batch spans a few windows). */
function windowsInTimeOrder(windows: Float64Array, count: number): Int32Array {
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    let at = k;
    while (at > 0 && windows[order[at - 1]!]! > windows[k]!) {
      order[at] = order[at - 1]!;
      at--;
    }
    order[at] = k;
  }
  return order;
}

function grown(values: Float64Array): Float64Array {
  const bigger = new Float64Array(values.length * 2);
  bigger.set(values);
  return bigger;
}

function grownInt32(values: Int32Array): Int32Array {
  const bigger = new Int32Array(values.length * 2);
  bigger.set(values);
  return bigger;
}

/** One encoded file and its row count (more than the groups given when a sum was split, see `splitWideSums`). */
export interface EncodedFile {
  readonly bytes: Uint8Array;
  readonly rows: number;
}

/**
 * The commit columns of a staged file (`COMMIT_COLUMNS`): the source object's identity, and the
 * `row_key` of the file's first row (the next rows count up from it).
 */
export interface CommitColumns {
  readonly sourceObject: string;
  readonly firstRowKey: number;
}

/**
 * Encodes the given rows (indexes) of a batch of groups as one Parquet file, with the spec's
 * columns in order, then the commit columns when `commit` is given. A group whose sum passes
 * INT64 is written as several rows whose sums add up to it (`splitWideSums`); every value
 * written is exact, and each of those rows has its own `row_key`.
 */
export function encodeColumns(
  spec: TableSpec,
  group: GroupColumns,
  rows: Int32Array,
  commit?: CommitColumns,
): EncodedFile {
  // The previous file's arrays are all dropped: its bytes were copied out when it was written.
  fileArena.reset();
  const split = splitWideSums(group, rows, sumColumns(spec));
  if (split !== null) ({ group, rows } = split);
  const columns = spec.columns.map((column) => {
    const data = group.columns[column.name];
    if (!data) throw new Error(`groups lack column ${column.name} of table ${spec.name}`);
    return toWrite(column, columnFromGroups(column.type, data, rows));
  });
  if (commit) {
    const [source, rowKey] = COMMIT_COLUMNS;
    columns.push(toWrite(source, constantStringColumn(commit.sourceObject, rows.length)));
    // Keys count up by one: as differences they take almost no bytes (a dictionary would only add a page).
    columns.push({
      ...toWrite(rowKey, sequenceInt64Column(commit.firstRowKey, rows.length)),
      dictionary: false,
      delta: true,
    });
  }
  const codec = rows.length < MIN_ROWS_TO_COMPRESS ? UNCOMPRESSED : CODEC;
  return { bytes: writeParquetFile(columns, rows.length, codec), rows: rows.length };
}

/** The measures a query sums: a table's INT64 columns outside its grain (`flows`, `packets`, `bytes`). */
const sumsOfTable = new WeakMap<TableSpec, readonly string[]>();
function sumColumns(spec: TableSpec): readonly string[] {
  let sums = sumsOfTable.get(spec);
  if (sums === undefined) {
    sums = spec.columns.filter((c) => c.type === 'int64' && !spec.keyColumns.includes(c.name)).map((c) => c.name);
    sumsOfTable.set(spec, sums);
  }
  return sums;
}
