/**
 * Aggregated groups as columns of typed arrays: what the aggregator drains and the Parquet
 * encoder reads, with no object per row. String columns are dictionary ids plus an immutable
 * snapshot of the dictionary (UTF-8 bytes and offsets), so the encoder can hand them to Arrow
 * as Dictionary<Utf8, Int32> without touching a JS string.
 */

/** Distinct strings of one column: value `id` is `data[offsets[id], offsets[id + 1])`; id 0 is null. */
export class DictionarySnapshot {
  private readonly strings: (string | null | undefined)[] = [null];

  constructor(readonly offsets: Int32Array, readonly data: Uint8Array) {}

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
      text = Buffer.from(this.data.buffer, this.data.byteOffset + start, this.offsets[id + 1]! - start).toString('utf8');
      this.strings[id] = text;
    }
    return text;
  }
}

export type ColumnData =
  | { readonly type: 'string'; readonly ids: Int32Array; readonly dictionary: DictionarySnapshot }
  /** Negative values are null (decoded int32 fields are never negative). */
  | { readonly type: 'int32'; readonly values: Int32Array }
  /** Exact sums: `big` holds the rows beyond 2^53; `values` is null when the whole column is null. */
  | { readonly type: 'int64'; readonly values: Float64Array | null; readonly big: ReadonlyMap<number, bigint> }
  /** Epoch milliseconds. */
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
    case 'int64':
      if (column.values === null) return null;
      return column.big.get(row) ?? BigInt(column.values[row]!);
    case 'timestamp':
      return column.values[row]!;
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
