import type { ByteWriter } from './byte-writer.js';

/** Runs of at least this many equal values are written as RLE runs, shorter ones bit-packed. */
const MIN_RLE_RUN = 8;

/** Bits needed for values up to `max` (0 for max 0, as arrow-rs and parquet-cpp write it). */
export function bitWidthOf(max: number): number {
  return max <= 0 ? 0 : 32 - Math.clz32(max);
}

/**
 * Appends `values[from, to)` in Parquet's RLE/bit-packed hybrid encoding with `bitWidth` bits
 * per value (no length prefix). Values must be non-negative and below 2^bitWidth. A bit-packed
 * run holds a multiple of 8 values, so before an RLE run the pending values borrow the first
 * values of the run to fill their last group; only the final group of the stream is zero-padded.
 */
export function writeRleHybrid(out: ByteWriter, values: Int32Array, from: number, to: number, bitWidth: number): void {
  let pending = from;
  let i = from;
  while (i < to) {
    const value = values[i]!;
    let end = i + 1;
    while (end < to && values[end] === value) end++;
    if (end - i >= MIN_RLE_RUN) {
      const fill = (8 - ((i - pending) & 7)) & 7;
      if (end - i - fill >= MIN_RLE_RUN) {
        if (i + fill > pending) writeBitPacked(out, values, pending, i + fill, to, bitWidth);
        writeRleRun(out, value, end - i - fill, bitWidth);
        pending = end;
      }
    }
    i = end;
  }
  if (pending < to) writeBitPacked(out, values, pending, to, to, bitWidth);
}

function writeRleRun(out: ByteWriter, value: number, count: number, bitWidth: number): void {
  out.varint(count * 2);
  for (let shift = 0; shift < bitWidth; shift += 8) out.byte((value >>> shift) & 0xff);
}

/** Bit-packs `values[from, end)` (LSB first), zero-padding to a multiple of 8 values; `to` bounds the reads. */
function writeBitPacked(out: ByteWriter, values: Int32Array, from: number, end: number, to: number, bitWidth: number): void {
  const groups = (end - from + 7) >> 3;
  out.varint(groups * 2 + 1);
  out.reserve(groups * bitWidth + 4);
  const bytes = out.bytes;
  let at = out.length;
  let acc = 0;
  let bits = 0;
  const last = Math.min(from + groups * 8, to);
  const padding = from + groups * 8 - last;
  if (bitWidth <= 24) {
    // Branch-free: store the low 3 bytes every time (the buffer has slack), advance past the whole ones.
    for (let k = from; k < last; k++) {
      acc |= values[k]! << bits;
      bits += bitWidth;
      bytes[at] = acc;
      bytes[at + 1] = acc >>> 8;
      bytes[at + 2] = acc >>> 16;
      const whole = bits >> 3;
      at += whole;
      acc >>>= whole << 3;
      bits &= 7;
    }
  } else {
    // Wider values go in two parts so the 32-bit accumulator never overflows.
    for (let k = from; k < last; k++) {
      const value = values[k]!;
      acc |= (value & 0xffff) << bits;
      bits += 16;
      while (bits >= 8) {
        bytes[at++] = acc;
        acc >>>= 8;
        bits -= 8;
      }
      acc |= (value >>> 16) << bits;
      bits += bitWidth - 16;
      while (bits >= 8) {
        bytes[at++] = acc;
        acc >>>= 8;
        bits -= 8;
      }
    }
  }
  // The zero padding of the last group: whatever bits are pending, then zero bytes.
  const paddingBits = padding * bitWidth + bits;
  for (let b = 0; b < paddingBits; b += 8) {
    bytes[at++] = acc;
    acc = 0;
  }
  out.length = at;
}
