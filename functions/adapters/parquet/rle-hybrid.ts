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
 *
 * Only runs of 8 or more matter, and each covers one of the probes `from + 7 + 8k`, where the
 * value equals a neighbour: so the scan reads about two values in eight where nothing repeats.
 */
export function writeRleHybrid(out: ByteWriter, values: Int32Array, from: number, to: number, bitWidth: number): void {
  let pending = from;
  let probe = from + MIN_RLE_RUN - 1;
  while (probe < to) {
    const value = values[probe]!;
    if (values[probe - 1] !== value && (probe + 1 === to || values[probe + 1] !== value)) {
      probe += MIN_RLE_RUN;
      continue;
    }
    let start = probe;
    while (start > from && values[start - 1] === value) start--;
    let end = probe + 1;
    while (end < to && values[end] === value) end++;
    if (end - start < MIN_RLE_RUN) {
      probe += MIN_RLE_RUN;
      continue;
    }
    const fill = (8 - ((start - pending) & 7)) & 7;
    if (end - start - fill >= MIN_RLE_RUN) {
      if (start + fill > pending) writeBitPacked(out, values, pending, start + fill, to, bitWidth);
      writeRleRun(out, value, end - start - fill, bitWidth);
      pending = end;
    }
    // The first probe at or after `end`: a later run of 8 covers one.
    probe = end + ((MIN_RLE_RUN - 1 - (end - from)) & 7);
  }
  if (pending < to) writeBitPacked(out, values, pending, to, to, bitWidth);
}

function writeRleRun(out: ByteWriter, value: number, count: number, bitWidth: number): void {
  out.varint(count * 2);
  for (let shift = 0; shift < bitWidth; shift += 8) out.byte((value >>> shift) & 0xff);
}

/**
 * Bit-packs `values[from, end)` (LSB first), zero-padding to a multiple of 8 values; `to` bounds
 * the reads. Up to 24 bits per value, values are first combined into words of at most 24 bits
 * (8, 4 or 2 values each) so the 32-bit accumulator takes one store of 3 bytes per word.
 */
function writeBitPacked(
  out: ByteWriter,
  values: Int32Array,
  from: number,
  end: number,
  to: number,
  bitWidth: number,
): void {
  const groups = (end - from + 7) >> 3;
  out.varint(groups * 2 + 1);
  out.reserve(groups * bitWidth + 4);
  const bytes = out.bytes;
  let at = out.length;
  let acc = 0;
  let bits = 0;
  const last = Math.min(from + groups * 8, to);
  const padding = from + groups * 8 - last;
  let k = from;
  if (bitWidth <= 24) {
    const perWord = bitWidth <= 3 ? 8 : bitWidth <= 6 ? 4 : bitWidth <= 12 ? 2 : 1;
    const wordBits = perWord * bitWidth;
    const wholeWords = last - ((last - from) % perWord);
    const b = bitWidth;
    for (; k < wholeWords; k += perWord) {
      let word: number;
      if (perWord === 8) {
        word =
          values[k]! |
          (values[k + 1]! << b) |
          (values[k + 2]! << (2 * b)) |
          (values[k + 3]! << (3 * b)) |
          (values[k + 4]! << (4 * b)) |
          (values[k + 5]! << (5 * b)) |
          (values[k + 6]! << (6 * b)) |
          (values[k + 7]! << (7 * b));
      } else if (perWord === 4) {
        word = values[k]! | (values[k + 1]! << b) | (values[k + 2]! << (2 * b)) | (values[k + 3]! << (3 * b));
      } else if (perWord === 2) {
        word = values[k]! | (values[k + 1]! << b);
      } else {
        word = values[k]!;
      }
      // Branch-free: store the low 3 bytes every time (the buffer has slack), advance past the whole ones.
      acc |= word << bits;
      bits += wordBits;
      bytes[at] = acc;
      bytes[at + 1] = acc >>> 8;
      bytes[at + 2] = acc >>> 16;
      const whole = bits >> 3;
      at += whole;
      acc >>>= whole << 3;
      bits &= 7;
    }
    for (; k < last; k++) {
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
    for (; k < last; k++) {
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
