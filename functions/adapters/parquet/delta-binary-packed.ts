import type { ByteWriter } from './byte-writer.js';

/**
 * DELTA_BINARY_PACKED, the Parquet encoding of integers as differences
 * (https://parquet.apache.org/docs/file-format/data-pages/encodings/#delta-encoding-delta_binary_packed--5):
 * a header (values per block, miniblocks per block, value count, first value), then blocks of
 * 128 differences, each its smallest difference and 4 miniblocks of 32 bit-packed offsets from it.
 *
 * Why: a file's `row_key` counts up by one, so every difference is 1 and every miniblock has bit
 * width 0: a page of 32,768 keys takes about 1.3 KB, where PLAIN took 256 KiB and GZIP still
 * 70–90 KiB of it, and the codec no longer spends time on those bytes (docs/performance.md).
 * DuckDB, Trino (Athena), Spark, arrow-rs and hyparquet read it in version-1 data pages.
 *
 * Values are taken from their 32-bit halves and must lie within ±2^51, so that every difference
 * and every offset from the smallest one is an exact double; row keys are far below that.
 */
const BLOCK = 128;
const MINIBLOCKS = 4;
const MINIBLOCK = BLOCK / MINIBLOCKS;
const LIMIT = 2 ** 51;
const TWO_32 = 4294967296;

const deltas = new Float64Array(BLOCK);

/** Appends rows [from, to) of the INT64 column held as `low`/`high` halves, encoded. */
export function writeDeltaBinaryPacked(out: ByteWriter, low: Int32Array, high: Int32Array, from: number, to: number) {
  const count = to - from;
  out.varint(BLOCK);
  out.varint(MINIBLOCKS);
  out.varint(count);
  if (count === 0) {
    out.varint(0);
    return;
  }
  let previous = valueAt(low, high, from);
  out.varint(zigzag(previous));
  for (let start = from + 1; start < to; start += BLOCK) {
    const n = Math.min(BLOCK, to - start);
    let min = Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const value = valueAt(low, high, start + k);
      const delta = value - previous;
      deltas[k] = delta;
      if (delta < min) min = delta;
      previous = value;
    }
    out.varint(zigzag(min));
    const widthsAt = out.length;
    for (let m = 0; m < MINIBLOCKS; m++) out.byte(0);
    for (let m = 0; m * MINIBLOCK < n; m++) {
      const end = Math.min(n, (m + 1) * MINIBLOCK);
      let largest = 0;
      for (let k = m * MINIBLOCK; k < end; k++) largest = Math.max(largest, deltas[k]! - min);
      const width = bitsOf(largest);
      out.bytes[widthsAt + m] = width;
      // A miniblock is always 32 values long; the missing ones of the last are zero.
      if (width > 0) packMiniblock(out, min, m * MINIBLOCK, end, width);
    }
  }
}

function valueAt(low: Int32Array, high: Int32Array, i: number): number {
  const value = high[i]! * TWO_32 + (low[i]! >>> 0);
  if (value > LIMIT || value < -LIMIT)
    throw new RangeError(`${value} is outside the ±2^51 DELTA_BINARY_PACKED takes here`);
  return value;
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bits needed for a non-negative integer below 2^53. */
function bitsOf(value: number): number {
  let bits = 0;
  while (value >= 1) {
    value = Math.floor(value / 2);
    bits++;
  }
  return bits;
}

/** 32 offsets (deltas[from, end) − min, then zeros) at `width` bits each, least significant bit first. */
function packMiniblock(out: ByteWriter, min: number, from: number, end: number, width: number): void {
  let byte = 0;
  let used = 0;
  for (let k = from; k < from + MINIBLOCK; k++) {
    let value = k < end ? deltas[k]! - min : 0;
    for (let left = width; left > 0; ) {
      const take = Math.min(8 - used, left);
      const unit = 2 ** take;
      byte |= (value % unit) << used;
      value = Math.floor(value / unit);
      used += take;
      left -= take;
      if (used === 8) {
        out.byte(byte);
        byte = 0;
        used = 0;
      }
    }
  }
}
