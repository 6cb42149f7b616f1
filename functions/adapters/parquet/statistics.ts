import type { ByteDictionary } from './column-values.js';
import { fileArena } from './file-arena.js';

/** Column chunk statistics as Parquet stores them: min/max in PLAIN encoding (without length for strings). */
export interface ChunkStatistics {
  readonly nullCount: number;
  /** Both null when the chunk has no value. */
  readonly min: Uint8Array | null;
  readonly max: Uint8Array | null;
}

/** Smallest and largest string of a dictionary, compared as unsigned bytes (Parquet's order for UTF-8). */
export function stringStatistics(dictionary: ByteDictionary, nullCount: number): ChunkStatistics {
  if (dictionary.count === 0) return { nullCount, min: null, max: null };
  const { data, starts, ends } = dictionary;
  let min = 0;
  let max = 0;
  for (let k = 1; k < dictionary.count; k++) {
    if (compareBytes(data, starts[k]!, ends[k]!, starts[min]!, ends[min]!) < 0) min = k;
    if (compareBytes(data, starts[k]!, ends[k]!, starts[max]!, ends[max]!) > 0) max = k;
  }
  // Views: the dictionary's bytes outlive the file's encoding.
  return { nullCount, min: data.subarray(starts[min]!, ends[min]!), max: data.subarray(starts[max]!, ends[max]!) };
}

function compareBytes(data: Uint8Array, aFrom: number, aTo: number, bFrom: number, bTo: number): number {
  const length = Math.min(aTo - aFrom, bTo - bFrom);
  for (let k = 0; k < length; k++) {
    const d = data[aFrom + k]! - data[bFrom + k]!;
    if (d !== 0) return d;
  }
  return aTo - aFrom - (bTo - bFrom);
}

/**
 * Signed min and max of integers given as halves (`high` null for INT32), over the entries
 * `defined` marks (all when null).
 */
export function intStatistics(
  low: Int32Array,
  high: Int32Array | null,
  defined: Uint8Array | null,
  nullCount: number,
): ChunkStatistics {
  if (defined === null && low.length > 0) {
    return high === null ? int32Statistics(low, nullCount) : int64Statistics(low, high, nullCount);
  }
  let min = -1;
  let max = -1;
  for (let i = 0; i < low.length; i++) {
    if (defined !== null && defined[i] === 0) continue;
    if (min < 0) {
      min = max = i;
      continue;
    }
    if (compareInt(low, high, i, min) < 0) min = i;
    else if (compareInt(low, high, i, max) > 0) max = i;
  }
  if (min < 0) return { nullCount, min: null, max: null };
  return { nullCount, min: plainInt(low, high, min), max: plainInt(low, high, max) };
}

/** The no-null cases, in one branch-light pass each (sums are PLAIN, so every row is compared). */
function int32Statistics(low: Int32Array, nullCount: number): ChunkStatistics {
  let min = 0;
  let max = 0;
  for (let i = 1; i < low.length; i++) {
    const value = low[i]!;
    if (value < low[min]!) min = i;
    else if (value > low[max]!) max = i;
  }
  return { nullCount, min: plainInt(low, null, min), max: plainInt(low, null, max) };
}

function int64Statistics(low: Int32Array, high: Int32Array, nullCount: number): ChunkStatistics {
  let min = 0;
  let max = 0;
  let minHigh = high[0]!;
  let minLow = low[0]! >>> 0;
  let maxHigh = minHigh;
  let maxLow = minLow;
  for (let i = 1; i < low.length; i++) {
    const h = high[i]!;
    const l = low[i]! >>> 0;
    if (h < minHigh || (h === minHigh && l < minLow)) {
      min = i;
      minHigh = h;
      minLow = l;
    } else if (h > maxHigh || (h === maxHigh && l > maxLow)) {
      max = i;
      maxHigh = h;
      maxLow = l;
    }
  }
  return { nullCount, min: plainInt(low, high, min), max: plainInt(low, high, max) };
}

function compareInt(low: Int32Array, high: Int32Array | null, a: number, b: number): number {
  if (high !== null && high[a] !== high[b]) return high[a]! - high[b]!;
  return high === null ? low[a]! - low[b]! : (low[a]! >>> 0) - (low[b]! >>> 0);
}

function plainInt(low: Int32Array, high: Int32Array | null, i: number): Uint8Array {
  const bytes = fileArena.uint8(high === null ? 4 : 8);
  putInt32(bytes, 0, low[i]!);
  if (high !== null) putInt32(bytes, 4, high[i]!);
  return bytes;
}

/** Little-endian, as PLAIN stores it. */
function putInt32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
}
