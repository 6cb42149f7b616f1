import type { ColumnType } from '../../../schemas/tables.js';
import type { ColumnData } from '../../core/group-columns.js';
import { type ColumnValues, type IntColumn, type StringColumn, setHalves } from './column-values.js';
import { fileArena } from './file-arena.js';

/** The selected `rows` of one aggregator column, as the writer takes them. No string is made. */
export function columnFromGroups(type: ColumnType, column: ColumnData, rows: Int32Array): ColumnValues {
  if (column.type === 'string' && type === 'string')
    return stringColumn(column.ids, column.dictionary.offsets, column.dictionary.data, rows);
  if (column.type === 'int32' && type === 'int32') return int32Column(column.values, rows);
  if (column.type === 'int64' && type === 'int64') return int64Column('int64', column.values, column.big, rows);
  if (column.type === 'timestamp' && type === 'timestamp')
    return int64Column('timestamp', column.values, undefined, rows);
  throw new Error(`column of type ${column.type} cannot be written as ${type}`);
}

/**
 * Id to dense index (-1: not seen yet), kept across calls: aggregator dictionaries are large and
 * a file uses few of their ids, so each call resets only the ids it used instead of allocating.
 */
let denseOfId = new Int32Array(0);
let usedIds = new Int32Array(0);

/** Only the ids the rows use, renumbered densely in order of first appearance (the dictionary page order). */
function stringColumn(ids: Int32Array, offsets: Int32Array, data: Uint8Array, rows: Int32Array): StringColumn {
  const n = rows.length;
  const indices = fileArena.int32Unset(n);
  let nullCount = 0;
  if (denseOfId.length < offsets.length) denseOfId = new Int32Array(offsets.length).fill(-1);
  const dense = denseOfId;
  if (usedIds.length < Math.min(n, offsets.length)) usedIds = new Int32Array(Math.min(n, offsets.length));
  const used = usedIds;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[rows[i]!]!;
    if (id === 0) {
      indices[i] = -1;
      nullCount++;
      continue;
    }
    let index = dense[id]!;
    if (index < 0) {
      index = count++;
      dense[id] = index;
      used[index] = id;
    }
    indices[i] = index;
  }
  const starts = fileArena.int32Unset(count);
  const ends = fileArena.int32Unset(count);
  for (let k = 0; k < count; k++) {
    const id = used[k]!;
    starts[k] = offsets[id]!;
    ends[k] = offsets[id + 1]!;
    dense[id] = -1;
  }
  return { kind: 'string', indices, nullCount, dictionary: { count, data, starts, ends } };
}

function int32Column(values: Int32Array, rows: Int32Array): IntColumn {
  const n = rows.length;
  const low = fileArena.int32(n);
  let defined: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[rows[i]!]!;
    if (v >= 0) {
      low[i] = v;
      continue;
    }
    defined ??= fileArena.uint8(n).fill(1);
    defined[i] = 0;
  }
  return { kind: 'int32', low, high: null, defined };
}

function int64Column(
  kind: 'int64' | 'timestamp',
  values: Float64Array | null,
  big: ReadonlyMap<number, bigint> | undefined,
  rows: Int32Array,
): IntColumn {
  const n = rows.length;
  const low = fileArena.int32(n);
  const high = fileArena.int32(n);
  if (values === null) return { kind, low, high, defined: fileArena.uint8(n) };
  let defined: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const v = values[r]!;
    if (!Number.isNaN(v)) {
      // Past 2^53 the double is rounded: `big` has the exact value.
      setHalves(low, high, i, v, v >= 0 && v <= Number.MAX_SAFE_INTEGER ? undefined : big?.get(r));
    } else {
      // NaN: a null row (only rows given to columnsOfRows have them).
      defined ??= fileArena.uint8(n).fill(1);
      defined[i] = 0;
    }
  }
  return { kind, low, high, defined };
}

/** One string for every row (a file's `source_object`): a dictionary of one entry. */
export function constantStringColumn(value: string, n: number): StringColumn {
  const data = new TextEncoder().encode(value);
  return {
    kind: 'string',
    indices: fileArena.int32(n),
    nullCount: 0,
    dictionary: { count: 1, data, starts: fileArena.int32(1), ends: fileArena.int32(1).fill(data.length) },
  };
}

/** `first`, `first + 1`, … for `n` rows (a file's `row_key`). */
export function sequenceInt64Column(first: number, n: number): IntColumn {
  const low = fileArena.int32Unset(n);
  const high = fileArena.int32Unset(n);
  for (let i = 0; i < n; i++) setHalves(low, high, i, first + i);
  return { kind: 'int64', low, high, defined: null };
}
