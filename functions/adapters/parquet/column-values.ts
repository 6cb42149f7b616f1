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

/**
 * Stores an integral number as two's-complement halves without making a BigInt (safe integers);
 * anything else goes through BigInt (truncated), which the aggregator never produces.
 */
export function setHalves(low: Int32Array, high: Int32Array, i: number, value: number): void {
  if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
    const upper = Math.floor(value / TWO_32);
    low[i] = value - upper * TWO_32;
    high[i] = upper;
  } else {
    setBigHalves(low, high, i, BigInt(Math.trunc(value)));
  }
}

export function setBigHalves(low: Int32Array, high: Int32Array, i: number, value: bigint): void {
  low[i] = Number(BigInt.asIntN(32, value));
  high[i] = Number(BigInt.asIntN(32, value >> 32n));
}
