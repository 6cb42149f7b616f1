import type { IntColumn } from './column-values.js';
import { fileArena } from './file-arena.js';

/** An integer column's distinct values (first-appearance order) and each row's index among them. */
export interface IntDictionaryEncoding {
  /** Per row: index into the dictionary, or -1 for null. */
  readonly indices: Int32Array;
  readonly count: number;
  readonly low: Int32Array;
  /** High halves for INT64; null for INT32. */
  readonly high: Int32Array | null;
}

/**
 * Dictionary-encodes an integer column with an open-addressing table keyed on both halves.
 * Returns null once the dictionary grows past `maxEntries` (the values are then written PLAIN).
 */
export function encodeIntDictionary(column: IntColumn, maxEntries: number): IntDictionaryEncoding | null {
  if (column.high === null && maxEntries >= SMALL_LIMIT) {
    const small = encodeSmallInts(column.low, column.defined);
    if (small !== null) return small;
  }
  return encodeHashed(column, maxEntries);
}

/** INT32 columns below this (ports, protocol, codes) index a table directly instead of hashing. */
const SMALL_LIMIT = 1 << 16;
/** Value to dictionary index (-1: not seen yet); each call resets the entries it set. */
const indexOfSmall = new Int32Array(SMALL_LIMIT).fill(-1);

/** Same result as hashing, for INT32 values in [0, SMALL_LIMIT); null as soon as one is outside. */
function encodeSmallInts(low: Int32Array, defined: Uint8Array | null): IntDictionaryEncoding | null {
  const n = low.length;
  // Every index is written (or the column is refused); only the first `count` keys are read.
  const indices = fileArena.int32Unset(n);
  const keys = fileArena.int32Unset(Math.min(n, SMALL_LIMIT));
  let count = 0;
  let i = 0;
  for (; i < n; i++) {
    if (defined !== null && defined[i] === 0) {
      indices[i] = -1;
      continue;
    }
    const value = low[i]!;
    if (value >>> 0 >= SMALL_LIMIT) break;
    let index = indexOfSmall[value]!;
    if (index < 0) {
      index = count++;
      indexOfSmall[value] = index;
      keys[index] = value;
    }
    indices[i] = index;
  }
  for (let k = 0; k < count; k++) indexOfSmall[keys[k]!] = -1;
  if (i < n) return null;
  return { indices, count, low: keys.subarray(0, count), high: null };
}

function encodeHashed(column: IntColumn, maxEntries: number): IntDictionaryEncoding | null {
  const { low, high, defined } = column;
  const n = low.length;
  // A table at least twice the entries (load under one half), of at least 16 slots.
  let bits = 4;
  while (1 << bits < 2 * Math.min(n, maxEntries)) bits++;
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  // As in encodeSmallInts: indices are all written, keys read only below `count`.
  const slots = fileArena.int32Unset(1 << bits).fill(-1);
  const keyLow = fileArena.int32Unset(Math.min(n, maxEntries));
  const keyHigh = high === null ? null : fileArena.int32Unset(keyLow.length);
  const indices = fileArena.int32Unset(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (defined !== null && defined[i] === 0) {
      indices[i] = -1;
      continue;
    }
    const lo = low[i]!;
    const hi = high === null ? 0 : high[i]!;
    // Multiplicative hash: the top bits, since timestamps' low bits are mostly zero.
    let slot = Math.imul(lo ^ Math.imul(hi, 0x85ebca77), 0x9e3779b1) >>> shift;
    for (;;) {
      const k = slots[slot]!;
      if (k < 0) {
        if (count === maxEntries) return null;
        slots[slot] = count;
        keyLow[count] = lo;
        if (keyHigh !== null) keyHigh[count] = hi;
        indices[i] = count++;
        break;
      }
      if (keyLow[k] === lo && (keyHigh === null || keyHigh[k] === hi)) {
        indices[i] = k;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { indices, count, low: keyLow.subarray(0, count), high: keyHigh === null ? null : keyHigh.subarray(0, count) };
}
