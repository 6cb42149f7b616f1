/**
 * Sums wider than a Parquet INT64. The kernel sums `packets` and `bytes` in 128 bits, and each
 * record may carry up to 2^63 − 1, so a group's sum can pass the largest INT64 (Parquet's
 * INT64 is signed, https://parquet.apache.org/docs/file-format/types/). Rather than wrap or
 * refuse, such a group is written as several rows with the same key: every sum column's value is
 * spread over them, each piece at most 2^63 − 1, so `SUM()` over the rows is the exact total and
 * no value is negative. The first row keeps every column's own value when it fits; continuation
 * rows carry 0 in the columns that fit (so `flows` counts the records once) and the rest of
 * each wide sum. docs/parsing.md §3 tells query authors.
 */
import type { ColumnData, GroupColumns } from './group-columns.js';

export const INT64_MAX = 2n ** 63n - 1n;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The groups `rows` of `group` as rows that each fit INT64 in the `sums` columns, or null when
 * they already do (the usual case: nothing is copied). The result's rows are 0..n-1 of its group,
 * in the order of `rows`, a wide group's rows next to each other.
 */
export function splitWideSums(
  group: GroupColumns,
  rows: Int32Array,
  sums: readonly string[],
): { readonly group: GroupColumns; readonly rows: Int32Array } | null {
  const wide = sums.filter((name) => hasWideValue(group.columns[name]));
  if (wide.length === 0) return null;
  const pieces = new Int32Array(rows.length).fill(1);
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    for (const name of wide) {
      const exact = (group.columns[name] as Int64Column).big.get(rows[i]!);
      if (exact !== undefined && exact > INT64_MAX)
        pieces[i] = Math.max(pieces[i]!, Number((exact + INT64_MAX - 1n) / INT64_MAX));
    }
    total += pieces[i]!;
  }
  if (total === rows.length) return null;
  // Source row and piece number of each output row.
  const source = new Int32Array(total);
  const piece = new Int32Array(total);
  for (let i = 0, at = 0; i < rows.length; i++) {
    for (let p = 0; p < pieces[i]!; p++, at++) {
      source[at] = rows[i]!;
      piece[at] = p;
    }
  }
  const sumSet = new Set(sums);
  const columns: Record<string, ColumnData> = {};
  for (const [name, column] of Object.entries(group.columns)) {
    columns[name] =
      column.type === 'int64' && sumSet.has(name) ? spread(column, source, piece) : gather(column, source);
  }
  return { group: { length: total, columns }, rows: Int32Array.from({ length: total }, (_, r) => r) };
}

type Int64Column = Extract<ColumnData, { type: 'int64' }>;

function hasWideValue(column: ColumnData | undefined): boolean {
  if (column?.type !== 'int64' || column.values === null || column.big.size === 0) return false;
  for (const exact of column.big.values()) if (exact > INT64_MAX) return true;
  return false;
}

/** Piece p of a sum: what is left after p full pieces, at most INT64_MAX; 0 once it is spent. Nulls stay null. */
function spread(column: Int64Column, source: Int32Array, piece: Int32Array): ColumnData {
  if (column.values === null) return column;
  const values = new Float64Array(source.length);
  const big = new Map<number, bigint>();
  for (let at = 0; at < source.length; at++) {
    const r = source[at]!;
    const v = column.values[r]!;
    const p = piece[at]!;
    const exact = column.big.get(r);
    if (Number.isNaN(v)) {
      values[at] = NaN;
    } else if (exact === undefined) {
      // A safe integer: all of it on the first row.
      values[at] = p === 0 ? v : 0;
    } else {
      const rest = exact - BigInt(p) * INT64_MAX;
      const part = rest > INT64_MAX ? INT64_MAX : p > 0 && rest < 0n ? 0n : rest;
      values[at] = Number(part);
      if (part > MAX_SAFE || part < -MAX_SAFE) big.set(at, part);
    }
  }
  return { type: 'int64', values, big };
}

function gather(column: ColumnData, source: Int32Array): ColumnData {
  switch (column.type) {
    case 'string':
      return { type: 'string', ids: Int32Array.from(source, (r) => column.ids[r]!), dictionary: column.dictionary };
    case 'int32':
      return { type: 'int32', values: Int32Array.from(source, (r) => column.values[r]!) };
    case 'timestamp':
      return { type: 'timestamp', values: Float64Array.from(source, (r) => column.values[r]!) };
    case 'int64': {
      const values = column.values;
      if (values === null) return column;
      const big = new Map<number, bigint>();
      source.forEach((r, at) => {
        const exact = column.big.get(r);
        if (exact !== undefined) big.set(at, exact);
      });
      return { type: 'int64', values: Float64Array.from(source, (r) => values[r]!), big };
    }
  }
}
