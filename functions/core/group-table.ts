import { DictionarySnapshot } from './group-columns.js';

/**
 * The two hash tables of the aggregation hot path. No string is built per line: each key field's
 * token is interned once into a `TokenDictionary` (bytes → small integer id), and a group key is
 * a short tuple of such ids and small integers, looked up in a `GroupTable`.
 */

const EMPTY_SLOT = 0;

/** Mixes one 32-bit value into a running hash (murmur3 step). */
export function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The token hash of `TokenDictionary`, in two steps so that a scanner can hash while it reads:
 * `h = mix(h, word)` for each full 4-byte little-endian word from the token's start (h starts at
 * 0), then `finishTokenHash(h, tail, length)` with the last 0–3 bytes as `tail`.
 */
export function finishTokenHash(h: number, tail: number, length: number): number {
  return finish(mix(mix(h, tail), length));
}

/** Hash of `bytes[s, e)`, four bytes at a time. */
export function hashBytes(bytes: Uint8Array, s: number, e: number): number {
  let h = 0;
  let i = s;
  for (; i + 4 <= e; i += 4) {
    h = mix(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  let tail = 0;
  for (let shift = 0; i < e; i++, shift += 8) tail |= bytes[i]! << shift;
  return finishTokenHash(h, tail, e - s);
}

/**
 * Interns byte strings (tokens) to dense ids 1, 2, 3…; id 0 is null (`-`). Tokens are copied
 * into one growing byte arena; output takes a `snapshot` and decodes strings only if asked.
 */
export class TokenDictionary {
  private arena = new Uint8Array(1 << 14);
  private used = 0;
  private offsets = new Int32Array(256);
  private lengths = new Int32Array(256);
  private hashes = new Int32Array(256);
  private table = new Int32Array(512);
  private count = 1;

  /** Number of ids in use, including the null id 0. */
  get size(): number {
    return this.count;
  }

  /** The id of `bytes[s, e)`, added when new. */
  intern(bytes: Uint8Array, s: number, e: number): number {
    return this.internHashed(bytes, s, e, hashBytes(bytes, s, e));
  }

  /** `intern` with the token's hash already known (`hashBytes(bytes, s, e)`, e.g. from the line decoder). */
  internHashed(bytes: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const table = this.table;
    const mask = table.length - 1;
    let p = h & mask;
    for (;;) {
      const id = table[p]!;
      if (id === EMPTY_SLOT) break;
      if (this.hashes[id] === h && this.lengths[id] === len && this.equals(id, bytes, s, len)) return id;
      p = (p + 1) & mask;
    }
    const id = this.count++;
    if (id === this.offsets.length) this.growIds();
    if (this.used + len > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
    }
    this.arena.set(bytes.subarray(s, e), this.used);
    this.offsets[id] = this.used;
    this.lengths[id] = len;
    this.hashes[id] = h;
    this.used += len;
    table[p] = id;
    if (this.count * 2 > table.length) this.rehash();
    return id;
  }

  /** The id of a JS string (fallback values); `-` is null. */
  internString(text: string): number {
    if (text === '-') return 0;
    const bytes = Buffer.from(text, 'utf8');
    return this.intern(bytes, 0, bytes.length);
  }

  /** An immutable copy of the ids in use (bytes and offsets), for output after `clear`. */
  snapshot(): DictionarySnapshot {
    const offsets = new Int32Array(this.count + 1);
    for (let id = 1; id < this.count; id++) offsets[id + 1] = this.offsets[id]! + this.lengths[id]!;
    return new DictionarySnapshot(offsets, this.arena.slice(0, this.used));
  }

  clear(): void {
    this.table.fill(EMPTY_SLOT);
    this.count = 1;
    this.used = 0;
  }

  private equals(id: number, bytes: Uint8Array, s: number, len: number): boolean {
    const arena = this.arena;
    const o = this.offsets[id]!;
    let k = 0;
    for (; k + 4 <= len; k += 4) {
      if (arena[o + k] !== bytes[s + k] || arena[o + k + 1] !== bytes[s + k + 1] || arena[o + k + 2] !== bytes[s + k + 2]
        || arena[o + k + 3] !== bytes[s + k + 3]) return false;
    }
    for (; k < len; k++) if (arena[o + k] !== bytes[s + k]) return false;
    return true;
  }

  private growIds(): void {
    const n = this.offsets.length * 2;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.offsets = grow(this.offsets);
    this.lengths = grow(this.lengths);
    this.hashes = grow(this.hashes);
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let id = 1; id < this.count; id++) {
      let p = this.hashes[id]! & mask;
      while (table[p] !== EMPTY_SLOT) p = (p + 1) & mask;
      table[p] = id;
    }
    this.table = table;
  }
}

// Measures of a group, side by side in one row of `measures` (one cache line per group).
const M_FLOWS = 0;
const M_PACKETS = 1;
const M_BYTES = 2;
const M_FIRST = 3;
const M_LAST = 4;
const M_WIDTH = 5;
// Positions in `GroupTable.record`.
export const R_PACKETS = 0;
export const R_BYTES = 1;
export const R_FIRST = 2;
export const R_LAST = 3;
const MEASURES = { flows: M_FLOWS, packets: M_PACKETS, bytes: M_BYTES, first: M_FIRST, last: M_LAST } as const;

/**
 * Additive measures per group, keyed by a tuple of `width` int32 values (dictionary ids, enum
 * indexes, small integers): flows, packets, bytes, first and last seen. The caller writes the
 * key into `key` and calls `add`. Packets and bytes stay exact: a sum that would pass 2^53 moves
 * to bigint.
 *
 * Layout for few cache misses per record: the open-addressing table holds (hash, slot) pairs,
 * each group's key is one row of `keys`, and its five measures one row of `measures`.
 */
export class GroupTable {
  /** The key of the next `add`, written in place by the caller. */
  readonly key: Int32Array;
  /** The measures of the next `add`: packets, bytes, first, last (see `add`). */
  readonly record = new Float64Array(4);
  private keys: Int32Array;
  private measures: Float64Array;
  /** Pairs (hash, slot + 1); slot + 1 === 0 marks an empty entry. */
  private table: Int32Array;
  private readonly bigPackets = new Map<number, bigint>();
  private readonly bigBytes = new Map<number, bigint>();
  private count = 0;
  private capacity: number;

  constructor(readonly width: number, capacity = 1024) {
    this.capacity = capacity;
    this.key = new Int32Array(width);
    this.keys = new Int32Array(capacity * width);
    this.measures = new Float64Array(capacity * M_WIDTH);
    this.table = new Int32Array(capacity * 4);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds one record to the group `key`: the caller first writes `key` and `record` (packets,
   * bytes — NaN for null — then first and last seen in epoch seconds). `bigPackets`/`bigBytes`
   * carry values beyond 2^53. (Doubles travel in a typed array, not as arguments: a call that
   * is not inlined would box each double argument, a heap allocation per record.)
   */
  add(bigPackets: bigint | undefined, bigBytes: bigint | undefined): void {
    const record = this.record;
    const packets = record[R_PACKETS]!;
    const bytes = record[R_BYTES]!;
    const firstSec = record[R_FIRST]!;
    const lastSec = record[R_LAST]!;
    const key = this.key;
    const width = this.width;
    let h = width;
    for (let c = 0; c < width; c++) h = mix(h, key[c]!);
    h = finish(h);
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const keys = this.keys;
    let p = h & mask;
    let slot = -1;
    for (;;) {
      const entry = table[2 * p + 1]!;
      if (entry === EMPTY_SLOT) break;
      if (table[2 * p] === h) {
        const base = (entry - 1) * width;
        let c = 0;
        while (c < width && keys[base + c] === key[c]) c++;
        if (c === width) {
          slot = entry - 1;
          break;
        }
      }
      p = (p + 1) & mask;
    }
    let m: number;
    if (slot < 0) {
      slot = this.count++;
      if (slot === this.capacity) this.grow();
      const base = slot * width;
      const rows = this.keys;
      for (let c = 0; c < width; c++) rows[base + c] = key[c]!;
      table[2 * p] = h;
      table[2 * p + 1] = slot + 1;
      m = slot * M_WIDTH;
      const measures = this.measures;
      measures[m + M_FLOWS] = 1;
      measures[m + M_PACKETS] = 0;
      measures[m + M_BYTES] = 0;
      measures[m + M_FIRST] = firstSec;
      measures[m + M_LAST] = lastSec;
      if (this.count * 2 > mask + 1) this.rehash();
    } else {
      m = slot * M_WIDTH;
      const measures = this.measures;
      measures[m + M_FLOWS]! += 1;
      if (firstSec < measures[m + M_FIRST]!) measures[m + M_FIRST] = firstSec;
      if (lastSec > measures[m + M_LAST]!) measures[m + M_LAST] = lastSec;
    }
    addExact(this.measures, m + M_PACKETS, this.bigPackets, slot, packets, bigPackets);
    addExact(this.measures, m + M_BYTES, this.bigBytes, slot, bytes, bigBytes);
  }

  /** Key column `c` of every group, in insertion order. */
  keyColumn(c: number): Int32Array {
    const out = new Int32Array(this.count);
    const keys = this.keys;
    const width = this.width;
    for (let slot = 0; slot < this.count; slot++) out[slot] = keys[slot * width + c]!;
    return out;
  }

  /** One measure of every group, in insertion order: 'flows' | 'packets' | 'bytes' | 'first' | 'last'. */
  measureColumn(measure: 'flows' | 'packets' | 'bytes' | 'first' | 'last'): Float64Array {
    const m = MEASURES[measure];
    const out = new Float64Array(this.count);
    const measures = this.measures;
    for (let slot = 0; slot < this.count; slot++) out[slot] = measures[slot * M_WIDTH + m]!;
    return out;
  }

  /** Groups whose packets or bytes sum passed 2^53, with the exact sums (slot → bigint). */
  bigSums(measure: 'packets' | 'bytes'): ReadonlyMap<number, bigint> {
    return new Map(measure === 'packets' ? this.bigPackets : this.bigBytes);
  }

  clear(): void {
    this.table.fill(0);
    this.bigPackets.clear();
    this.bigBytes.clear();
    this.count = 0;
  }

  private grow(): void {
    this.capacity *= 2;
    const keys = new Int32Array(this.capacity * this.width);
    keys.set(this.keys);
    this.keys = keys;
    const measures = new Float64Array(this.capacity * M_WIDTH);
    measures.set(this.measures);
    this.measures = measures;
  }

  private rehash(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const mask = (table.length >> 1) - 1;
    for (let q = 0; q < old.length; q += 2) {
      if (old[q + 1] === EMPTY_SLOT) continue;
      let p = old[q]! & mask;
      while (table[2 * p + 1] !== EMPTY_SLOT) p = (p + 1) & mask;
      table[2 * p] = old[q]!;
      table[2 * p + 1] = old[q + 1]!;
    }
    this.table = table;
  }
}

/** Adds `value` (or `big`) to the measure at `sums[at]` of group `slot`, moving to bigint past 2^53. */
function addExact(sums: Float64Array, at: number, bigSums: Map<number, bigint>, slot: number, value: number,
  big: bigint | undefined): void {
  if (big === undefined) {
    if (value !== value) return; // NaN: null measure adds nothing
    if (bigSums.size !== 0) {
      const current = bigSums.get(slot);
      if (current !== undefined) {
        bigSums.set(slot, current + BigInt(value));
        return;
      }
    }
    const sum = sums[at]! + value;
    if (sum <= Number.MAX_SAFE_INTEGER) {
      sums[at] = sum;
      return;
    }
    bigSums.set(slot, BigInt(sums[at]!) + BigInt(value));
    return;
  }
  bigSums.set(slot, (bigSums.get(slot) ?? BigInt(sums[at]!)) + big);
}
