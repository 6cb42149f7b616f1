/**
 * One column of a file, ready to encode, as `columns-from-groups.ts` builds it from aggregator
 * columns (rows reach it through `columnsOfRows`). The writer sees only these.
 */

/** Distinct UTF-8 strings, numbered densely in order of first appearance. */
export interface ByteDictionary {
  readonly count: number;
  readonly data: Uint8Array;
  /** Entry k is `data[starts[k], ends[k])`. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export interface StringColumn {
  readonly kind: 'string';
  /** Per row: index into `dictionary`, or -1 for null. */
  readonly indices: Int32Array;
  readonly nullCount: number;
  readonly dictionary: ByteDictionary;
}

/** INT32 (`high` null) or INT64 values as 32-bit halves; `defined[i]` is 0 for a null (all defined when null). */
export interface IntColumn {
  readonly kind: 'int32' | 'int64' | 'timestamp';
  readonly low: Int32Array;
  readonly high: Int32Array | null;
  readonly defined: Uint8Array | null;
}

export type ColumnValues = StringColumn | IntColumn;

const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Stores an integer as two's-complement halves: a non-negative safe integer without making a
 * BigInt (the hot path: nearly every value), anything else from its exact value. A value past
 * INT64 throws rather than wrap: the encoder splits wider sums into rows first (`splitWideSums`).
 */
export function setHalves(low: Int32Array, high: Int32Array, i: number, value: number, exact?: bigint): void {
  if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
    const upper = Math.floor(value / TWO_32);
    low[i] = value - upper * TWO_32;
    high[i] = upper;
    return;
  }
  if (exact === undefined) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an exact integer (its bigint is missing)`);
    exact = BigInt(value);
  }
  if (exact > INT64_MAX || exact < INT64_MIN) throw new RangeError(`${exact} does not fit a Parquet INT64`);
  low[i] = Number(BigInt.asIntN(32, exact));
  high[i] = Number(BigInt.asIntN(32, exact >> 32n));
}
