/**
 * A Snappy compressor (the raw block format Parquet's SNAPPY codec uses): a varint of the
 * uncompressed length, then literals and back-references found through a hash table of 4-byte
 * sequences, in independent 64 KiB blocks so every offset fits two bytes. Only the writer bench
 * uses it (test/bench/parquet-writer.ts), as the codec candidate the shipped GZIP 1 was chosen
 * over; `SNAPPY` is that candidate as a page codec.
 */
import { CompressionCodec } from '../../functions/adapters/parquet/format.js';
import type { PageCodec } from '../../functions/adapters/parquet/page-codec.js';

const BLOCK_SIZE = 1 << 16;
const HASH_BITS = 14;
/** Blocks shorter than this are one literal (the match loop reads 4 bytes ahead). */
const MIN_MATCH_INPUT = 16;

const table = new Int32Array(1 << HASH_BITS);

/** The most bytes `compressSnappy` can produce for `length` input bytes. */
function maxSnappyLength(length: number): number {
  return 32 + length + Math.ceil(length / 6);
}

export function compressSnappy(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(maxSnappyLength(input.length));
  let at = writeVarint(out, 0, input.length);
  for (let start = 0; start < input.length; start += BLOCK_SIZE) {
    at = compressBlock(input, start, Math.min(start + BLOCK_SIZE, input.length), out, at);
  }
  return out.subarray(0, at);
}

function load32(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

function compressBlock(input: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  if (end - start < MIN_MATCH_INPUT) return writeLiteral(input, start, end, out, at);
  table.fill(-1);
  const last = end - 4;
  const shift = 32 - HASH_BITS;
  let emitFrom = start;
  let ip = start;
  let skip = 32;
  while (ip <= last) {
    const word = load32(input, ip);
    const slot = Math.imul(word, 0x1e35a7bd) >>> shift;
    const candidate = table[slot]!;
    table[slot] = ip;
    if (candidate < 0 || load32(input, candidate) !== word) {
      // Skip faster through input that does not compress (Snappy's heuristic).
      ip += skip >> 5;
      skip++;
      continue;
    }
    if (ip > emitFrom) at = writeLiteral(input, emitFrom, ip, out, at);
    let length = 4;
    while (ip + length < end && input[candidate + length] === input[ip + length]) length++;
    at = writeCopy(ip - candidate, length, out, at);
    ip += length;
    emitFrom = ip;
    skip = 32;
    if (ip - 1 <= last) table[Math.imul(load32(input, ip - 1), 0x1e35a7bd) >>> shift] = ip - 1;
  }
  return emitFrom < end ? writeLiteral(input, emitFrom, end, out, at) : at;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[at++] = value;
  return at;
}

function writeLiteral(input: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  const n = to - from - 1;
  if (n < 60) {
    out[at++] = n << 2;
  } else if (n < 0x100) {
    out[at++] = 60 << 2;
    out[at++] = n;
  } else {
    out[at++] = 61 << 2;
    out[at++] = n;
    out[at++] = n >>> 8;
  }
  if (to - from < 16) {
    for (let k = from; k < to; k++) out[at++] = input[k]!;
  } else {
    out.set(input.subarray(from, to), at);
    at += to - from;
  }
  return at;
}

function writeCopy(offset: number, length: number, out: Uint8Array, at: number): number {
  while (length >= 68) {
    at = writeCopy2(offset, 64, out, at);
    length -= 64;
  }
  if (length > 64) {
    at = writeCopy2(offset, 60, out, at);
    length -= 60;
  }
  if (length < 12 && offset < 2048) {
    out[at++] = 1 | ((length - 4) << 2) | ((offset >>> 8) << 5);
    out[at++] = offset & 0xff;
    return at;
  }
  return writeCopy2(offset, length, out, at);
}

function writeCopy2(offset: number, length: number, out: Uint8Array, at: number): number {
  out[at++] = 2 | ((length - 1) << 2);
  out[at++] = offset & 0xff;
  out[at++] = offset >>> 8;
  return at;
}

export const SNAPPY: PageCodec = { id: CompressionCodec.Snappy, compress: compressSnappy };
