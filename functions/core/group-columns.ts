/**
 * Aggregated groups as columns of typed arrays: what the aggregator drains and the Parquet
 * encoder reads, with no object per row. String columns are dictionary ids plus an immutable
 * snapshot of the dictionary (UTF-8 bytes and offsets), so the encoder writes a dictionary page
 * from them without touching a JS string.
 */
import type { ColumnSpec } from '../../schemas/tables.js';

/** Distinct strings of one column: value `id` is `data[offsets[id], offsets[id + 1])`; id 0 is null. */
export class DictionarySnapshot {
  private readonly strings: (string | null | undefined)[] = [null];

  constructor(
    readonly offsets: Int32Array,
    readonly data: Uint8Array,
  ) {}

  /** A snapshot of plain strings (enum values); index 0 stays null. */
  static of(values: readonly string[]): DictionarySnapshot {
    const bytes = values.map((v) => Buffer.from(v, 'utf8'));
    const offsets = new Int32Array(values.length + 2);
    let size = 0;
    bytes.forEach((b, k) => {
      size += b.length;
      offsets[k + 2] = size;
    });
    return new DictionarySnapshot(offsets, Buffer.concat(bytes, size));
  }

  /** Number of ids, including the null id 0. */
  get size(): number {
    return this.offsets.length - 1;
  }

  string(id: number): string | null {
    let text = this.strings[id];
    if (text === undefined) {
      const start = this.offsets[id]!;
      text = Buffer.from(this.data.buffer, this.data.byteOffset + start, this.offsets[id + 1]! - start).toString(
        'utf8',
      );
      this.strings[id] = text;
    }
    return text;
  }
}

export type ColumnData =
  | { readonly type: 'string'; readonly ids: Int32Array; readonly dictionary: DictionarySnapshot }
  /** Negative values are null (decoded int32 fields are never negative). */
  | { readonly type: 'int32'; readonly values: Int32Array }
  /**
   * Exact sums: `big` holds the exact value of every row beyond ±2^53 (`values` has it rounded);
   * `values` is null when the whole column is null,
   * NaN for a null row (the aggregator makes none; rows given to `columnsOfRows` may hold nulls).
   */
  | { readonly type: 'int64'; readonly values: Float64Array | null; readonly big: ReadonlyMap<number, bigint> }
  /** Epoch milliseconds; NaN is null. */
  | { readonly type: 'timestamp'; readonly values: Float64Array };

/** The groups of one output table, column by column (names as in `schemas/tables.ts`). */
export interface GroupColumns {
  readonly length: number;
  readonly columns: Readonly<Record<string, ColumnData>>;
}

/** The value of one cell as the row API gives it (strings, numbers, bigint int64, null). */
export function cellOf(column: ColumnData, row: number): string | number | bigint | null {
  switch (column.type) {
    case 'string':
      return column.dictionary.string(column.ids[row]!);
    case 'int32': {
      const v = column.values[row]!;
      return v < 0 ? null : v;
    }
    case 'int64': {
      if (column.values === null) return null;
      const v = column.values[row]!;
      return column.big.get(row) ?? (Number.isNaN(v) ? null : BigInt(v));
    }
    case 'timestamp': {
      const v = column.values[row]!;
      return Number.isNaN(v) ? null : v;
    }
  }
}

/** Materializes rows (objects keyed by column name), for APIs that want rows. */
export function rowsOf<Row>(group: GroupColumns): Row[] {
  const names = Object.keys(group.columns);
  const columns = names.map((name) => group.columns[name]!);
  const rows: Row[] = new Array(group.length);
  for (let r = 0; r < group.length; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = cellOf(columns[c]!, r);
    rows[r] = row as Row;
  }
  return rows;
}

/**
 * Rows (objects keyed by column name) as the columns `columns` name: the inverse of `rowsOf`, for
 * callers that hold rows (the findings table, hand-made batches) so that every file goes through
 * the one column encoder. Strings are numbered in order of first appearance, as the encoder
 * numbers the ids of a selection; null and undefined cells are null. A value the column cannot
 * hold exactly (a negative or fractional int32, a fractional int64, a string in a number column)
 * throws, naming the column and the row: a wrong number is never written.
 */
export function columnsOfRows(
  columns: readonly Pick<ColumnSpec, 'name' | 'type'>[],
  rows: readonly object[],
): GroupColumns {
  const out: Record<string, ColumnData> = {};
  const cells: unknown[] = new Array(rows.length);
  for (const column of columns) {
    for (let r = 0; r < rows.length; r++) cells[r] = (rows[r] as Record<string, unknown>)[column.name];
    out[column.name] = columnOfCells(column, cells);
  }
  return { length: rows.length, columns: out };
}

function columnOfCells(column: Pick<ColumnSpec, 'name' | 'type'>, cells: readonly unknown[]): ColumnData {
  const n = cells.length;
  const refuse = (r: number, what: string): never => {
    throw new RangeError(`column ${column.name}, row ${r}: ${String(cells[r])} is not ${what}`);
  };
  switch (column.type) {
    case 'string': {
      const idOf = new Map<string, number>();
      const values: string[] = [];
      const ids = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        const cell = cells[r];
        if (cell === null || cell === undefined) continue;
        const text = String(cell);
        let id = idOf.get(text);
        if (id === undefined) {
          id = values.push(text);
          idOf.set(text, id);
        }
        ids[r] = id;
      }
      return { type: 'string', ids, dictionary: DictionarySnapshot.of(values) };
    }
    case 'int32': {
      const values = new Int32Array(n).fill(-1);
      for (let r = 0; r < n; r++) {
        const cell = cells[r];
        if (cell === null || cell === undefined) continue;
        if (typeof cell !== 'number' || !Number.isInteger(cell) || cell < 0 || cell > 0x7fffffff)
          refuse(r, 'an int32 ≥ 0');
        values[r] = cell as number;
      }
      return { type: 'int32', values };
    }
    case 'int64':
    case 'timestamp': {
      const values = new Float64Array(n).fill(NaN);
      const big = new Map<number, bigint>();
      let defined = 0;
      for (let r = 0; r < n; r++) {
        const cell = cells[r];
        if (cell === null || cell === undefined) continue;
        defined++;
        if (typeof cell === 'bigint') {
          if (column.type === 'timestamp') refuse(r, 'epoch milliseconds');
          values[r] = Number(cell);
          if (cell > MAX_SAFE || cell < -MAX_SAFE) big.set(r, cell);
        } else if (typeof cell === 'number' && Number.isInteger(cell)) {
          values[r] = cell;
          // Every value past 2^53 has its exact bigint in `big`, as the aggregator's do.
          if (column.type === 'int64' && !Number.isSafeInteger(cell)) big.set(r, BigInt(cell));
        } else {
          refuse(r, column.type === 'int64' ? 'an integer' : 'epoch milliseconds');
        }
      }
      if (column.type === 'timestamp') return { type: 'timestamp', values };
      return { type: 'int64', values: defined === 0 ? null : values, big };
    }
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
