// The decode + aggregate hot path of FlowLogAggregator, in AssemblyScript (compiled to WebAssembly
// by `npm run build:kernel`; the wasm is embedded in ../flow-kernel-wasm.ts).
//
// It takes whole chunks of complete lines (each ending in '\n'), and for every line either
// aggregates it into the two group tables, counts it (a well-formed NODATA/SKIPDATA record: per
// interface, never aggregated), or stops and hands the line back to JavaScript ("bail"):
// malformed lines, blank lines and records without a usable time. Those never touch the tables,
// so JavaScript keeps one set of rules for messages (functions/core/line-decoder.ts) while every
// aggregated record goes through here.
//
// Memory is managed by hand (runtime stub, bump allocation): a handful of growable regions.
// Validation mirrors LineDecoder.decodeBytes exactly; test/core/flow-kernel.property.test.ts
// checks the two against each other on generated and hostile lines.

// The contract with JavaScript (field kinds, roles, dictionaries, key columns, measures, results):
// ../kernel-abi.ts, generated from schemas/kernel-abi.ts by `npm run build:kernel`.
import {
  ABI_VERSION, KIND_ENUM, KIND_INT32, KIND_INT64, ROLES, DICTS, MAX_FIELDS, MAX_ENUM_WORDS, MAX_ENUM_WORD_BYTES, LOG_STATUS_OK,
  LOG_STATUS_NODATA, REJECT_REASON_EC, RESULT_DONE, RESULT_BAIL, RESULT_FLUSH, SERVER_SIDE_SRC, SERVER_SIDE_DST, TABLE_SUMMARY,
  TABLE_CLEARTEXT, SUMMARY_KEYS, CLEARTEXT_KEYS, MEASURES, S_FLOW_DIRECTION, S_TRAFFIC_PATH, S_ENCRYPTION_STATUS,
  C_TRAFFIC_PATH, C_INTERFACE_TYPE, C_ENCRYPTION_STATUS, C_SERVER_SIDE, DICT_ACCOUNTS, DICT_REGIONS, DICT_VPCS,
  DICT_SUBNETS, DICT_ENIS, DICT_ADDRESSES, DICT_SERVICES, DICT_INTERFACE_TYPES, M_FLOWS, M_PACKETS_LO, M_PACKETS_HI,
  M_BYTES_LO, M_BYTES_HI, M_FIRST, M_LAST, ROLE_INTERFACE_ID, ROLE_LOG_STATUS, ROLE_START, ROLE_END, ROLE_ACCOUNT_ID,
  ROLE_REGION, ROLE_VPC_ID, ROLE_SUBNET_ID, ROLE_FLOW_DIRECTION, ROLE_TRAFFIC_PATH, ROLE_ENCRYPTION_STATUS,
  ROLE_ACTION, ROLE_PACKETS, ROLE_BYTES, ROLE_REJECT_REASON, ROLE_SRCADDR, ROLE_DSTADDR, ROLE_PKT_SRCADDR,
  ROLE_PKT_DSTADDR, ROLE_PROTOCOL, ROLE_SRCPORT, ROLE_DSTPORT, ROLE_PKT_SRC_AWS_SERVICE, ROLE_PKT_DST_AWS_SERVICE,
  ROLE_INTERFACE_TYPE
} from '../kernel-abi';

const NONE = -1;
const MAX_UNIX_SECONDS: f64 = 253402300799;

// ---- memory: bump allocation of growable regions ----

function alloc(size: usize): usize {
  return heap.alloc(size);
}

function grow(ptr: usize, oldSize: usize, newSize: usize): usize {
  const next = alloc(newSize);
  memory.copy(next, ptr, oldSize);
  heap.free(ptr);
  return next;
}

// ---- layout (set once per object) ----

let fieldCount = 0;
const kinds = alloc(MAX_FIELDS);
const intAllowed = alloc(MAX_FIELDS * 8); // u64 bitmask of allowed values (< 64) per int field; 0 = any
const enumWords = alloc(MAX_FIELDS * 4 * 24); // up to 4 words (≤ 15 bytes) per enum field: length, bytes 0–7, bytes 8–15 (u64 each)
const enumCounts = alloc(MAX_FIELDS);
const roleField = alloc(ROLES * 4); // field position per role, or NONE

// Per-field results of the line being decoded.
const starts = alloc(MAX_FIELDS * 4);
const ends = alloc(MAX_FIELDS * 4);
const nums = alloc(MAX_FIELDS * 8); // i64 value of int fields
const nulls = alloc(MAX_FIELDS); // 1 when the token is '-'
const enumIndex = alloc(MAX_FIELDS); // enum fields: 1 + index of the word, 0 when null

let windowSeconds: f64 = 300;
let fileTimeSec: f64 = NaN;
let maxGroups = 100000;

export function configure(window: f64, fileTime: f64, flushAt: i32): void {
  windowSeconds = window;
  fileTimeSec = fileTime;
  maxGroups = flushAt;
  fallbackAccountLength = 0;
  fallbackRegionLength = 0;
}

/** The ABI this kernel was built against (../kernel-abi.ts): the loader refuses a kernel of another ABI. */
export function abiVersion(): i32 {
  return ABI_VERSION;
}

export function setLayout(fields: i32): void {
  assert(fields >= 0 && fields <= MAX_FIELDS, 'setLayout: more fields than MAX_FIELDS');
  fieldCount = fields;
  memory.fill(kinds, 0, MAX_FIELDS);
  memory.fill(intAllowed, 0, MAX_FIELDS * 8);
  memory.fill(enumCounts, 0, MAX_FIELDS);
  for (let r = 0; r < ROLES; r++) store<i32>(roleField + (r << 2), NONE);
}

export function setField(position: i32, kind: u8, allowedMask: u64): void {
  assert(position >= 0 && position < fieldCount, 'setField: position outside the layout');
  assert(kind <= <u8>KIND_INT64, 'setField: unknown field kind');
  store<u8>(kinds + position, kind);
  store<u64>(intAllowed + (position << 3), allowedMask);
}

/** Adds an enum word (bytes at `scratch`) to field `position`. */
export function addEnumWord(position: i32, length: i32): void {
  const count = load<u8>(enumCounts + position);
  assert(position >= 0 && position < fieldCount, 'addEnumWord: position outside the layout');
  assert(<i32>count < MAX_ENUM_WORDS && length >= 0 && length <= MAX_ENUM_WORD_BYTES, 'addEnumWord: enum word limits');
  const word = enumWords + (position * 4 + count) * 24;
  memory.fill(word, 0, 24);
  store<u64>(word, <u64>length);
  memory.copy(word + 8, scratch, length);
  store<u8>(enumCounts + position, count + 1);
}

export function setRole(role: i32, position: i32): void {
  assert(role >= 0 && role < ROLES && position >= NONE && position < fieldCount, 'setRole: role or position out of range');
  store<i32>(roleField + (role << 2), position);
}

// ---- input: JavaScript copies text here ----

let scratch: usize = alloc(256);
let scratchCapacity = 256;
let input: usize = alloc(1 << 16);
let inputCapacity: i32 = 1 << 16;
const PADDING = 64; // SIMD loads read up to 16 bytes past a line's newline

/** Scratch bytes for values passed in and out (enum words, fallbacks, dictionary offsets). */
export function reserveScratch(size: i32): usize {
  if (size > scratchCapacity) {
    while (size > scratchCapacity) scratchCapacity *= 2;
    scratch = alloc(scratchCapacity);
  }
  return scratch;
}

/** Makes room for `size` bytes of input and returns where they go (moves the old contents). */
export function reserveInput(size: i32): usize {
  if (size + PADDING > inputCapacity) {
    let capacity = inputCapacity;
    while (size + PADDING > capacity) capacity *= 2;
    input = grow(input, inputCapacity, capacity);
    inputCapacity = capacity;
  }
  return input;
}

// ---- counters and the last bail, read by JavaScript after process() ----

let lines = 0;
let records = 0;
let cleartextRecords = 0;
let cursor = 0;
let bailStart = 0;
let bailEnd = 0;

// NODATA and SKIPDATA records per interface: two u32 counts per interface id (DICT_ENIS; 0 is a
// null interface), zeroed up to the highest id used when the kernel is cleared. Idle ENIs send one
// such record per capture window, so an organisation's objects can hold many: counted here each
// costs a tokenized line and a lookup, not a return to JavaScript that decodes the line again
// (docs/performance.md, "2026-12-04, evening").
let statusCounts: usize = alloc(1024 * 8);
let statusCountsCapacity = 1024;
let statusCountsUsed = 0;

function countStatus(eni: i32, which: i32): void {
  if (eni >= statusCountsCapacity) {
    let capacity = statusCountsCapacity * 2;
    while (capacity <= eni) capacity *= 2;
    statusCounts = grow(statusCounts, <usize>statusCountsCapacity * 8, <usize>capacity * 8);
    memory.fill(statusCounts + <usize>statusCountsCapacity * 8, 0, <usize>(capacity - statusCountsCapacity) * 8);
    statusCountsCapacity = capacity;
  }
  const at = statusCounts + (<usize>eni << 3) + (<usize>which << 2);
  store<u32>(at, load<u32>(at) + 1);
  if (eni >= statusCountsUsed) statusCountsUsed = eni + 1;
}

/** Where the counts are: [NODATA, SKIPDATA] as u32 for each interface id below statusCountsSize(). */
export function statusCountsPtr(): usize { return statusCounts; }
export function statusCountsSize(): i32 { return statusCountsUsed; }

export function linesSeen(): i32 { return lines; }
export function recordsSeen(): i32 { return records; }
export function cleartextSeen(): i32 { return cleartextRecords; }
export function nextOffset(): i32 { return cursor; }
export function bailLineStart(): i32 { return bailStart; }
export function bailLineEnd(): i32 { return bailEnd; }

// ---- hashing ----

// @ts-ignore: decorator
@inline function mix64(h: u64, w: u64): u64 {
  h = (h ^ w) * 0x9E3779B97F4A7C15;
  return h ^ (h >> 32);
}

// @ts-ignore: decorator
@inline function hashToken(s: usize, length: i32): u32 {
  let h: u64 = <u64>length;
  let p = s;
  let rest = length;
  while (rest >= 8) {
    h = mix64(h, load<u64>(p));
    p += 8;
    rest -= 8;
  }
  if (rest > 0) h = mix64(h, load<u64>(p) & ((<u64>1 << (<u64>rest << 3)) - 1));
  h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9;
  return <u32>(h ^ (h >> 32));
}

// @ts-ignore: decorator
@inline function bytesEqual(a: usize, b: usize, length: i32): bool {
  let k = 0;
  for (; k + 8 <= length; k += 8) if (load<u64>(a + k) != load<u64>(b + k)) return false;
  for (; k < length; k++) if (load<u8>(a + k) != load<u8>(b + k)) return false;
  return true;
}

// ---- token dictionaries: bytes → ids 1, 2, 3…; 0 is null ----
// Per dictionary (a struct of i32/usize fields at dicts + d * 64): arena, arenaUsed, arenaCapacity,
// entries (offset, length, hash per id: 12 bytes), entryCapacity, table (64-byte aligned),
// tableMask, count, and the table's block as allocated.
// The arena holds the values in id order and the entries say where each is: that is what
// JavaScript reads (dictionaryBytes, dictionaryOffsets). Lookups touch only the table: a slot is
// 32 bytes (half a cache line) holding a tag (24 bits of the hash and the length, capped at 255),
// the id, and the first 24 bytes of the value, zero-padded. Every identifier the kernel interns
// but an IPv6 address fits in 24 bytes (subnet-0123456789abcdef0 is 24), so finding one costs one
// cache miss, not three (slot, then entry, then arena); a longer value compares its rest in the arena.

const dicts = alloc(DICTS * 64);
const D_ARENA = 0, D_USED = 4, D_ARENA_CAP = 8, D_ENTRIES = 12, D_ENTRY_CAP = 16, D_TABLE = 20, D_MASK = 24, D_COUNT = 28,
  D_TABLE_BLOCK = 32;
const SLOT_SHIFT = 5; // 32-byte slots: tag (u32), id (i32), value bytes 0–23 (3 × u64)
const SLOT_TAG = 0, SLOT_ID = 4, SLOT_WORDS = 8;
const INLINE_BYTES = 24;
const INITIAL_SLOTS = 64;

/** A zeroed table of `slots` slots, aligned to a cache line so that no slot spans two. */
function newTable(base: usize, slots: i32): void {
  const bytes = <usize>slots << SLOT_SHIFT;
  const block = alloc(bytes + 64);
  const table = (block + 63) & ~(<usize>63);
  memory.fill(table, 0, bytes);
  store<usize>(base + D_TABLE_BLOCK, block);
  store<usize>(base + D_TABLE, table);
  store<i32>(base + D_MASK, slots - 1);
}

function initDictionaries(): void {
  for (let d = 0; d < DICTS; d++) {
    const base = dicts + (d << 6);
    store<usize>(base + D_ARENA, alloc(1 << 12));
    store<i32>(base + D_USED, 0);
    store<i32>(base + D_ARENA_CAP, 1 << 12);
    store<usize>(base + D_ENTRIES, alloc(256 * 12));
    store<i32>(base + D_ENTRY_CAP, 256);
    newTable(base, INITIAL_SLOTS);
    store<i32>(base + D_COUNT, 1);
  }
}

function clearDictionaries(): void {
  for (let d = 0; d < DICTS; d++) {
    const base = dicts + (d << 6);
    memory.fill(load<usize>(base + D_TABLE), 0, (load<i32>(base + D_MASK) + 1) << SLOT_SHIFT);
    store<i32>(base + D_USED, 0);
    store<i32>(base + D_COUNT, 1);
  }
}

/** Bytes 8k to 8k + 7 of s[0, length), zero past the end (a value's k-th inline word). */
// @ts-ignore: decorator
@inline function inlineWord(s: usize, length: i32, k: i32): u64 {
  const rest = length - (k << 3);
  if (rest >= 8) return load<u64>(s + (<usize>k << 3));
  if (rest <= 0) return 0;
  return load<u64>(s + (<usize>k << 3)) & ((<u64>1 << (<u64>rest << 3)) - 1);
}

function intern(d: i32, s: usize, length: i32): i32 {
  const base = dicts + (d << 6);
  const h = hashToken(s, length);
  const tag = (h & 0xFFFFFF) | (<u32>min(length, 255) << 24);
  const w0 = inlineWord(s, length, 0), w1 = inlineWord(s, length, 1), w2 = inlineWord(s, length, 2);
  const table = load<usize>(base + D_TABLE);
  const mask = load<i32>(base + D_MASK);
  const entries = load<usize>(base + D_ENTRIES);
  let arena = load<usize>(base + D_ARENA);
  let p = <i32>h & mask;
  for (;;) {
    const slot = table + (<usize>p << SLOT_SHIFT);
    const id = load<i32>(slot + SLOT_ID);
    if (id == 0) break;
    if (load<u32>(slot + SLOT_TAG) == tag && load<u64>(slot + SLOT_WORDS) == w0 && load<u64>(slot + SLOT_WORDS + 8) == w1
      && load<u64>(slot + SLOT_WORDS + 16) == w2) {
      // Same tag and first 24 bytes: the same value when it fits inline, else compare the rest.
      if (length <= INLINE_BYTES) return id;
      const e = entries + id * 12;
      if (load<i32>(e + 4) == length
        && bytesEqual(arena + load<i32>(e) + INLINE_BYTES, s + INLINE_BYTES, length - INLINE_BYTES)) return id;
    }
    p = (p + 1) & mask;
  }
  const id = load<i32>(base + D_COUNT);
  store<i32>(base + D_COUNT, id + 1);
  let entryCap = load<i32>(base + D_ENTRY_CAP);
  let entriesNow = entries;
  if (id == entryCap) {
    entriesNow = grow(entries, entryCap * 12, entryCap * 24);
    store<usize>(base + D_ENTRIES, entriesNow);
    store<i32>(base + D_ENTRY_CAP, entryCap * 2);
  }
  const used = load<i32>(base + D_USED);
  const arenaCap = load<i32>(base + D_ARENA_CAP);
  if (used + length > arenaCap) {
    let capacity = arenaCap * 2;
    while (used + length > capacity) capacity *= 2;
    arena = grow(arena, used, capacity);
    store<usize>(base + D_ARENA, arena);
    store<i32>(base + D_ARENA_CAP, capacity);
  }
  memory.copy(arena + used, s, length);
  store<i32>(base + D_USED, used + length);
  const e = entriesNow + id * 12;
  store<i32>(e, used);
  store<i32>(e + 4, length);
  store<u32>(e + 8, h);
  const slot = table + (<usize>p << SLOT_SHIFT);
  store<u32>(slot + SLOT_TAG, tag);
  store<i32>(slot + SLOT_ID, id);
  store<u64>(slot + SLOT_WORDS, w0);
  store<u64>(slot + SLOT_WORDS + 8, w1);
  store<u64>(slot + SLOT_WORDS + 16, w2);
  if ((id + 1) * 2 > mask + 1) {
    // Rehash into a table twice the size: each slot moves whole, to where its full hash says.
    const block = load<usize>(base + D_TABLE_BLOCK);
    newTable(base, (mask + 1) << 1);
    const next = load<usize>(base + D_TABLE);
    const nextMask = load<i32>(base + D_MASK);
    for (let k = 0; k <= mask; k++) {
      const from = table + (<usize>k << SLOT_SHIFT);
      const slotId = load<i32>(from + SLOT_ID);
      if (slotId == 0) continue;
      let q = <i32>load<u32>(entriesNow + slotId * 12 + 8) & nextMask;
      while (load<i32>(next + (<usize>q << SLOT_SHIFT) + SLOT_ID) != 0) q = (q + 1) & nextMask;
      memory.copy(next + (<usize>q << SLOT_SHIFT), from, 1 << SLOT_SHIFT);
    }
    heap.free(block);
  }
  return id;
}

/** Number of ids of dictionary `d`, including the null id 0. */
export function dictionarySize(d: i32): i32 {
  assert(d >= 0 && d < DICTS, 'dictionarySize: no such dictionary');
  return load<i32>(dicts + (d << 6) + D_COUNT);
}

/** UTF-8 bytes of all values of dictionary `d`, in id order (ids are assigned in arena order). */
export function dictionaryBytes(d: i32): usize {
  assert(d >= 0 && d < DICTS, 'dictionaryBytes: no such dictionary');
  return load<usize>(dicts + (d << 6) + D_ARENA);
}

export function dictionaryByteLength(d: i32): i32 {
  assert(d >= 0 && d < DICTS, 'dictionaryByteLength: no such dictionary');
  return load<i32>(dicts + (d << 6) + D_USED);
}

/** Writes the offsets (count + 1 of them, offsets[id]..offsets[id + 1] is value id) to `out`. */
export function dictionaryOffsets(d: i32, out: usize): void {
  assert(d >= 0 && d < DICTS, 'dictionaryOffsets: no such dictionary');
  const base = dicts + (d << 6);
  const count = load<i32>(base + D_COUNT);
  assert(out == scratch && (count + 1) << 2 <= scratchCapacity, 'dictionaryOffsets: scratch too small');
  const entries = load<usize>(base + D_ENTRIES);
  store<i32>(out, 0);
  store<i32>(out + 4, 0);
  for (let id = 1; id < count; id++) {
    const e = entries + id * 12;
    store<i32>(out + ((id + 1) << 2), load<i32>(e) + load<i32>(e + 4));
  }
}

// Fallback account and region (from the S3 key), interned on first use after each clear.
let fallbackAccountCapacity = 64;
let fallbackAccount: usize = alloc(64);
let fallbackAccountLength = 0;
let fallbackRegionCapacity = 64;
let fallbackRegion: usize = alloc(64);
let fallbackRegionLength = 0;
let fallbackAccountId = -1;
let fallbackRegionId = -1;

/** Sets the fallback value of `which` (0 account, 1 region) from `length` bytes at scratch; length 0 is null. */
export function setFallback(which: i32, length: i32): void {
  assert((which == 0 || which == 1) && length >= 0 && length <= scratchCapacity, 'setFallback: which or length');
  // Kernels are reused: the two buffers are kept and grown, never allocated per object.
  if (which == 0) {
    if (length + 8 > fallbackAccountCapacity) {
      fallbackAccountCapacity = length + 8;
      fallbackAccount = alloc(fallbackAccountCapacity);
    }
    memory.copy(fallbackAccount, scratch, length);
    fallbackAccountLength = length;
  } else {
    if (length + 8 > fallbackRegionCapacity) {
      fallbackRegionCapacity = length + 8;
      fallbackRegion = alloc(fallbackRegionCapacity);
    }
    memory.copy(fallbackRegion, scratch, length);
    fallbackRegionLength = length;
  }
}

// ---- group tables ----
// A group is one row, 64-byte aligned: its packed key (the small enum and code columns share
// words), the low 32 bits of its flow count, then packets, bytes (low 64 bits each), first and
// last seen. A summary row is one cache line, a cleartext row one and a half, so finding a group
// and adding to it touches one slot and one or two lines. The high words of the three sums sit in
// a side array (24 bytes a group), touched only when a low word carries.
// Per table (at tables + t * 48): rows, slots ((hash, slot + 1) pairs), slotMask, count,
// capacity, width (key words), stride (bytes per row), carries.

const tables = alloc(2 * 48);
const T_ROWS = 0, T_SLOTS = 4, T_MASK = 8, T_COUNT = 12, T_CAPACITY = 16, T_WIDTH = 20, T_STRIDE = 24, T_CARRIES = 28;
const keyScratch = alloc(2 * 32 * 4);
// Packed key widths (words) and the row layout that follows the key.
const SUMMARY_KEY_WORDS = 7;
const CLEARTEXT_KEY_WORDS = 14;
const R_PACKETS = 0, R_BYTES = 8, R_FIRST = 16, R_LAST = 24, R_MEASURES = 32; // after measuresAt(width)
const CARRY_FLOWS = 0, CARRY_PACKETS = 8, CARRY_BYTES = 16, CARRY_SIZE = 24;

// @ts-ignore: decorator
@inline function flowsAt(width: i32): i32 {
  return width << 2;
}

// @ts-ignore: decorator
@inline function measuresAt(width: i32): i32 {
  return ((width + 1) * 4 + 7) & ~7;
}

/** A 64-byte aligned, zeroed region of `size` bytes. */
function allocRows(size: i32): usize {
  const raw = alloc(size + 64);
  const rows = (raw + 63) & ~(<usize>63);
  memory.fill(rows, 0, size);
  return rows;
}

function initTable(t: i32, width: i32): void {
  const base = tables + t * 48;
  const capacity = 1024;
  const stride = (measuresAt(width) + R_MEASURES + 31) & ~31;
  store<usize>(base + T_ROWS, allocRows(capacity * stride));
  const slots = alloc(capacity * 4 * 8);
  memory.fill(slots, 0, capacity * 4 * 8);
  store<usize>(base + T_SLOTS, slots);
  store<i32>(base + T_MASK, capacity * 4 - 1);
  store<i32>(base + T_COUNT, 0);
  store<i32>(base + T_CAPACITY, capacity);
  store<i32>(base + T_WIDTH, width);
  store<i32>(base + T_STRIDE, stride);
  store<usize>(base + T_CARRIES, allocRows(capacity * CARRY_SIZE));
}

function clearTable(t: i32): void {
  const base = tables + t * 48;
  memory.fill(load<usize>(base + T_SLOTS), 0, (load<i32>(base + T_MASK) + 1) << 3);
  memory.fill(load<usize>(base + T_CARRIES), 0, load<i32>(base + T_COUNT) * CARRY_SIZE);
  store<i32>(base + T_COUNT, 0);
}

export function groupCount(t: i32): i32 {
  assert(t == TABLE_SUMMARY || t == TABLE_CLEARTEXT, 'groupCount: no such table');
  return load<i32>(tables + t * 48 + T_COUNT);
}

/**
 * Writes key column `c` (numbered as in flow-log-aggregator.ts) of every group of table t, in
 * insertion order, as i32 to `out` (unpacked; -1 is null for the int columns).
 */
export function exportKeyColumn(t: i32, c: i32, out: usize): void {
  assert(c >= 0 && (t == TABLE_SUMMARY ? c < SUMMARY_KEYS : t == TABLE_CLEARTEXT && c < CLEARTEXT_KEYS),
    'exportKeyColumn: no such table or key column');
  const base = tables + t * 48;
  const count = load<i32>(base + T_COUNT);
  assert(out == scratch && count << 2 <= scratchCapacity, 'exportKeyColumn: scratch too small');
  const stride = load<i32>(base + T_STRIDE);
  const rows = load<usize>(base + T_ROWS);
  // Where the column lives: a whole word, or a byte of a packed word (stored + 1 for the ints).
  let word = 0;
  let byte = -1;
  let bias = 0;
  if (t == TABLE_SUMMARY) {
    if (c < S_FLOW_DIRECTION) word = c;
    else {
      word = 6;
      byte = c - S_FLOW_DIRECTION; // direction, path, status, action
      bias = c == S_TRAFFIC_PATH || c == S_ENCRYPTION_STATUS ? 1 : 0;
    }
  } else {
    if (c < C_TRAFFIC_PATH) word = c;
    else if (c == C_INTERFACE_TYPE) word = 11;
    else if (c == C_ENCRYPTION_STATUS || c == C_SERVER_SIDE) {
      word = 13;
      byte = c == C_ENCRYPTION_STATUS ? 0 : 1; // status + 1, then the server side
      bias = c == C_ENCRYPTION_STATUS ? 1 : 0;
    } else {
      word = 12;
      byte = c - C_TRAFFIC_PATH; // path, direction, action, reject
      bias = c == C_TRAFFIC_PATH ? 1 : 0;
    }
  }
  for (let g = 0; g < count; g++) {
    const at = rows + g * stride + (word << 2);
    const value = byte < 0 ? load<i32>(at) : <i32>load<u8>(at + byte) - bias;
    store<i32>(out + (g << 2), value);
  }
}

/**
 * Writes measure `m` of every group of table t to `out`, 8 bytes each: 0 flows, 1 packets low,
 * 2 packets high, 3 bytes low, 4 bytes high (u64); 5 first, 6 last (f64 seconds).
 */
export function exportMeasure(t: i32, m: i32, out: usize): void {
  assert((t == TABLE_SUMMARY || t == TABLE_CLEARTEXT) && m >= 0 && m < MEASURES, 'exportMeasure: no such table or measure');
  const base = tables + t * 48;
  const count = load<i32>(base + T_COUNT);
  assert(out == scratch && count << 3 <= scratchCapacity, 'exportMeasure: scratch too small');
  const stride = load<i32>(base + T_STRIDE);
  const width = load<i32>(base + T_WIDTH);
  const rows = load<usize>(base + T_ROWS);
  const carries = load<usize>(base + T_CARRIES);
  for (let g = 0; g < count; g++) {
    const row = rows + g * stride;
    const measures = row + measuresAt(width);
    const carry = carries + g * CARRY_SIZE;
    let value: u64 = 0;
    if (m == M_FLOWS) value = <u64>load<u32>(row + flowsAt(width)) | (load<u64>(carry + CARRY_FLOWS) << 32);
    else if (m == M_PACKETS_LO) value = load<u64>(measures + R_PACKETS);
    else if (m == M_PACKETS_HI) value = load<u64>(carry + CARRY_PACKETS);
    else if (m == M_BYTES_LO) value = load<u64>(measures + R_BYTES);
    else if (m == M_BYTES_HI) value = load<u64>(carry + CARRY_BYTES);
    else if (m == M_FIRST) value = load<u64>(measures + R_FIRST);
    else value = load<u64>(measures + R_LAST);
    store<u64>(out + (g << 3), value);
  }
}

/** The 32-bit hash of a packed key of table t: two independent multiply chains, folded at the end. */
function keyHash(t: i32, key: usize): u32 {
  const width = t == TABLE_SUMMARY ? SUMMARY_KEY_WORDS : CLEARTEXT_KEY_WORDS;
  let h: u64 = <u64>width;
  let g: u64 = 0x632BE59BD9B4E019;
  let c = 0;
  for (; c + 4 <= width; c += 4) {
    h = mix64(h, load<u64>(key + (c << 2)));
    g = mix64(g, load<u64>(key + (c << 2) + 8));
  }
  for (; c < width; c++) h = mix64(h, <u64>load<u32>(key + (c << 2)));
  h = mix64(h, g);
  return <u32>(h ^ (h >> 29));
}

/**
 * Adds one record to the group with packed key `key` (hash h32) of table t. Packets/bytes are
 * added unless null; first/last are epoch seconds.
 */
function addGroup(t: i32, key: usize, h32: u32, packets: u64, packetsNull: bool, bytes: u64, bytesNull: bool, first: f64,
  last: f64): void {
  const base = tables + t * 48;
  const width = t == TABLE_SUMMARY ? SUMMARY_KEY_WORDS : CLEARTEXT_KEY_WORDS;
  const stride = load<i32>(base + T_STRIDE);
  const slots = load<usize>(base + T_SLOTS);
  const mask = load<i32>(base + T_MASK);
  let rows = load<usize>(base + T_ROWS);
  let p = <i32>h32 & mask;
  let slot = -1;
  for (;;) {
    const entry = load<i32>(slots + (p << 3) + 4);
    if (entry == 0) break;
    if (load<u32>(slots + (p << 3)) == h32) {
      const row = rows + (entry - 1) * stride;
      let k = 0;
      while (k + 2 <= width && load<u64>(row + (k << 2)) == load<u64>(key + (k << 2))) k += 2;
      if (k + 2 > width && (k == width || load<i32>(row + (k << 2)) == load<i32>(key + (k << 2)))) {
        slot = entry - 1;
        break;
      }
    }
    p = (p + 1) & mask;
  }
  const measuresOffset = measuresAt(width);
  let row: usize;
  if (slot < 0) {
    slot = load<i32>(base + T_COUNT);
    store<i32>(base + T_COUNT, slot + 1);
    const capacity = load<i32>(base + T_CAPACITY);
    if (slot == capacity) {
      const grown = allocRows(capacity * 2 * stride);
      memory.copy(grown, rows, capacity * stride);
      rows = grown;
      store<usize>(base + T_ROWS, rows);
      const carries = allocRows(capacity * 2 * CARRY_SIZE);
      memory.copy(carries, load<usize>(base + T_CARRIES), capacity * CARRY_SIZE);
      store<usize>(base + T_CARRIES, carries);
      store<i32>(base + T_CAPACITY, capacity * 2);
    }
    if (!ASC_NO_ASSERT) assert(slot < load<i32>(base + T_CAPACITY), 'addGroup: row beyond the table capacity');
    row = rows + slot * stride;
    for (let k = 0; k < width; k++) store<i32>(row + (k << 2), load<i32>(key + (k << 2)));
    store<u32>(row + flowsAt(width), 1);
    const m = row + measuresOffset;
    store<u64>(m + R_PACKETS, 0);
    store<u64>(m + R_BYTES, 0);
    store<f64>(m + R_FIRST, first);
    store<f64>(m + R_LAST, last);
    store<u32>(slots + (p << 3), h32);
    store<i32>(slots + (p << 3) + 4, slot + 1);
    if ((slot + 1) * 2 > mask + 1) rehashTable(base);
  } else {
    row = rows + slot * stride;
    const flows = load<u32>(row + flowsAt(width)) + 1;
    store<u32>(row + flowsAt(width), flows);
    if (flows == 0) carryInto(base, slot, CARRY_FLOWS);
    const m = row + measuresOffset;
    if (first < load<f64>(m + R_FIRST)) store<f64>(m + R_FIRST, first);
    if (last > load<f64>(m + R_LAST)) store<f64>(m + R_LAST, last);
  }
  const m = row + measuresOffset;
  if (!packetsNull) {
    const before = load<u64>(m + R_PACKETS);
    const sum = before + packets;
    store<u64>(m + R_PACKETS, sum);
    if (sum < before) carryInto(base, slot, CARRY_PACKETS);
  }
  if (!bytesNull) {
    const before = load<u64>(m + R_BYTES);
    const sum = before + bytes;
    store<u64>(m + R_BYTES, sum);
    if (sum < before) carryInto(base, slot, CARRY_BYTES);
  }
}

/** A low word of group `slot` wrapped around: one more in its high word. */
function carryInto(base: usize, slot: i32, which: i32): void {
  const at = load<usize>(base + T_CARRIES) + slot * CARRY_SIZE + which;
  store<u64>(at, load<u64>(at) + 1);
}

function rehashTable(base: usize): void {
  const old = load<usize>(base + T_SLOTS);
  const oldSize = load<i32>(base + T_MASK) + 1;
  const size = oldSize << 1;
  const slots = alloc(size << 3);
  memory.fill(slots, 0, size << 3);
  const mask = size - 1;
  for (let q = 0; q < oldSize; q++) {
    const entry = load<i32>(old + (q << 3) + 4);
    if (entry == 0) continue;
    const h = load<u32>(old + (q << 3));
    let p = <i32>h & mask;
    while (load<i32>(slots + (p << 3) + 4) != 0) p = (p + 1) & mask;
    store<u32>(slots + (p << 3), h);
    store<i32>(slots + (p << 3) + 4, entry);
  }
  heap.free(old);
  store<usize>(base + T_SLOTS, slots);
  store<i32>(base + T_MASK, mask);
}

// ---- windows: window start (seconds) → id ----

let windowStarts: usize = alloc(64 * 8);
let windowCapacity = 64;
let windowCount = 0;
let lastWindowStart: f64 = NaN;
let lastWindowId = 0;

function windowId(start: f64): i32 {
  if (start == lastWindowStart) return lastWindowId;
  let id = 0;
  // Objects span a few windows; a linear scan from the newest is cheaper than hashing.
  for (id = windowCount - 1; id >= 0; id--) if (load<f64>(windowStarts + (id << 3)) == start) break;
  if (id < 0) {
    if (windowCount == windowCapacity) {
      windowStarts = grow(windowStarts, windowCapacity * 8, windowCapacity * 16);
      windowCapacity *= 2;
    }
    id = windowCount++;
    store<f64>(windowStarts + (id << 3), start);
  }
  lastWindowStart = start;
  lastWindowId = id;
  return id;
}

export function windowsCount(): i32 { return windowCount; }
export function windowsPtr(): usize { return windowStarts; }

// ---- set-up and clearing ----

export function init(): void {
  memory.fill(keyScratch, 0, 2 * 32 * 4);
  memory.fill(statusCounts, 0, <usize>statusCountsCapacity * 8);
  initDictionaries();
  initTable(0, SUMMARY_KEY_WORDS);
  initTable(1, CLEARTEXT_KEY_WORDS);
}

/** Forgets every group, value and window (after JavaScript has read them). */
export function clear(): void {
  clearDictionaries();
  memory.fill(statusCounts, 0, <usize>statusCountsUsed * 8);
  statusCountsUsed = 0;
  clearTable(0);
  clearTable(1);
  windowCount = 0;
  lastWindowStart = NaN;
  fallbackAccountId = -1;
  fallbackRegionId = -1;
}

// ---- decoding ----

// @ts-ignore: decorator
@inline function isSeparator(c: u32): bool {
  return c == 32 || c == 9 || c == 13;
}

/**
 * The first byte at or after `i` that is not printable ASCII (0x21–0x7e): a separator, the
 * newline, a control character or a byte that is not ASCII. Bytes 0x21–0x7e minus 33 are 0–93;
 * every other byte wraps to 94 or more.
 */
// @ts-ignore: decorator
@inline function tokenEnd(i: usize): usize {
  const base = i8x16.splat(33);
  const span = i8x16.splat(94);
  let mask = i8x16.bitmask(i8x16.ge_u(i8x16.sub(v128.load(i), base), span));
  while (mask == 0) {
    i += 16;
    mask = i8x16.bitmask(i8x16.ge_u(i8x16.sub(v128.load(i), base), span));
  }
  return i + ctz(mask);
}

/** The newline ending the line that contains `i`. */
function lineEnd(i: usize): usize {
  const newline = i8x16.splat(10);
  let mask = i8x16.bitmask(i8x16.eq(v128.load(i), newline));
  while (mask == 0) {
    i += 16;
    mask = i8x16.bitmask(i8x16.eq(v128.load(i), newline));
  }
  return i + ctz(mask);
}

/** 1 + the index of the token t[0, length) among field f's enum words; 0 when none. */
// @ts-ignore: decorator
@inline function enumWordIndex(f: i32, t: usize, length: i32): u8 {
  if (length > 15) return 0;
  const count = load<u8>(enumCounts + f);
  const lo = length >= 8 ? load<u64>(t) : load<u64>(t) & ((<u64>1 << (<u64>length << 3)) - 1);
  const hi = length <= 8 ? 0 : load<u64>(t + 8) & ((<u64>1 << (<u64>(length - 8) << 3)) - 1);
  for (let k: u8 = 0; k < count; k++) {
    const word = enumWords + (f * 4 + <i32>k) * 24;
    if (load<u64>(word) == <u64>length && load<u64>(word + 8) == lo && load<u64>(word + 16) == hi) return k + 1;
  }
  return 0;
}

/** True when the digits t[0, length) (leading zeros allowed) are at most 2^63 - 1. */
function fitsInt64(t: usize, length: i32): bool {
  let k = 0;
  while (k < length - 1 && load<u8>(t + k) == 48) k++;
  const significant = length - k;
  if (significant != 19) return significant < 19;
  const max = '9223372036854775807';
  for (let j = 0; j < 19; j++) {
    const digit = <i32>load<u8>(t + k + j);
    const limit = <i32>max.charCodeAt(j);
    if (digit != limit) return digit < limit;
  }
  return true;
}

/**
 * Tokenizes and validates the line starting at `s` (it ends at the next '\n'). Returns the
 * position of that newline when the line is a well-formed record of the layout, or the
 * negated (position + 1) when it is not.
 */
function decodeLine(s: usize): isize {
  const n = fieldCount;
  let f = 0;
  let i = s;
  let ok = true;
  for (;;) {
    const c = <u32>load<u8>(i);
    if (c - 33 >= 94) {
      if (isSeparator(c)) {
        i++;
        continue;
      }
      if (c == 10) break;
      // A control character or a byte that is not ASCII (the JavaScript decoder names it).
      return -(<isize>lineEnd(i) + 1);
    }
    if (f >= n) return -(<isize>lineEnd(i) + 1); // more tokens than fields
    if (c == 45 && load<u8>(i + 1) <= 32) {
      // '-': null, whatever the kind.
      store<u8>(nulls + f, 1);
      store<u8>(enumIndex + f, 0);
      i++;
      f++;
      continue;
    }
    store<u8>(nulls + f, 0);
    const t = i;
    const kind = load<u8>(kinds + f);
    if (kind < <u8>KIND_INT32) {
      i = tokenEnd(i);
      store<i32>(starts + (f << 2), <i32>t);
      store<i32>(ends + (f << 2), <i32>i);
      if (kind == <u8>KIND_ENUM) {
        const index = enumWordIndex(f, t, <i32>(i - t));
        store<u8>(enumIndex + f, index);
        if (index == 0) ok = false;
      }
    } else {
      let v: u64 = 0;
      let d: u32 = 0;
      while ((d = <u32>load<u8>(i) - 48) <= 9) {
        v = v * 10 + d;
        i++;
      }
      const digits = <i32>(i - t);
      if (load<u8>(i) > 32) {
        ok = false; // not a number
        i = tokenEnd(i);
      } else if (kind == <u8>KIND_INT32) {
        const allowed = load<u64>(intAllowed + (f << 3));
        if (digits > 10 || v > 2147483647) ok = false;
        else if (allowed != 0 && (v >= 64 || ((allowed >> v) & 1) == 0)) ok = false;
      } else if (digits > 18 && !fitsInt64(t, digits)) {
        ok = false;
      }
      store<u64>(nums + (f << 3), v);
    }
    f++;
  }
  if (f != n || !ok) return -(<isize>i + 1);
  return i;
}

// ---- batched adds ----
// Records are added to the tables BATCH at a time: first every record's slot and then its row
// are read once (independent loads, so the processor overlaps their cache misses), then the
// records are added in order exactly as one by one. Batching stops while a table is within
// BATCH groups of maxGroups, so flushes happen at the same record as without it.

const BATCH = 16;
const batchKeys = alloc(2 * BATCH * 64); // [table][record], 64 bytes each
const batchHashes = alloc(2 * BATCH * 4);
const batchPackets = alloc(BATCH * 8);
const batchBytes = alloc(BATCH * 8);
const batchFirst = alloc(BATCH * 8);
const batchLast = alloc(BATCH * 8);
const batchFlags = alloc(BATCH); // 1 packets null, 2 bytes null, 4 has a cleartext group
const FLAG_PACKETS_NULL: u8 = 1, FLAG_BYTES_NULL: u8 = 2, FLAG_CLEARTEXT: u8 = 4;
let pending = 0;
let touched: u32 = 0; // keeps the warming loads from being optimized away

// @ts-ignore: decorator
@inline function batchKey(t: i32, j: i32): usize {
  return batchKeys + ((t * BATCH + j) << 6);
}

function runBatch(): void {
  const n = pending;
  if (n == 0) return;
  pending = 0;
  let touch: u32 = 0;
  for (let t = 0; t < 2; t++) {
    const base = tables + t * 48;
    const slots = load<usize>(base + T_SLOTS);
    const mask = load<i32>(base + T_MASK);
    for (let j = 0; j < n; j++) {
      if (t == TABLE_CLEARTEXT && (load<u8>(batchFlags + j) & FLAG_CLEARTEXT) == 0) continue;
      const h = keyHash(t, batchKey(t, j));
      store<u32>(batchHashes + ((t * BATCH + j) << 2), h);
      touch += load<u32>(slots + ((<i32>h & mask) << 3) + 4);
    }
  }
  for (let t = 0; t < 2; t++) {
    const base = tables + t * 48;
    const slots = load<usize>(base + T_SLOTS);
    const mask = load<i32>(base + T_MASK);
    const rows = load<usize>(base + T_ROWS);
    const stride = load<i32>(base + T_STRIDE);
    for (let j = 0; j < n; j++) {
      if (t == TABLE_CLEARTEXT && (load<u8>(batchFlags + j) & FLAG_CLEARTEXT) == 0) continue;
      const h = load<u32>(batchHashes + ((t * BATCH + j) << 2));
      const entry = load<i32>(slots + ((<i32>h & mask) << 3) + 4);
      if (entry != 0) touch += load<u32>(rows + (entry - 1) * stride);
    }
  }
  touched += touch;
  for (let j = 0; j < n; j++) {
    const flags = load<u8>(batchFlags + j);
    const packets = load<u64>(batchPackets + (j << 3));
    const bytes = load<u64>(batchBytes + (j << 3));
    const first = load<f64>(batchFirst + (j << 3));
    const last = load<f64>(batchLast + (j << 3));
    const packetsNull = (flags & FLAG_PACKETS_NULL) != 0;
    const bytesNull = (flags & FLAG_BYTES_NULL) != 0;
    addGroup(0, batchKey(0, j), load<u32>(batchHashes + (j << 2)), packets, packetsNull, bytes, bytesNull, first, last);
    if ((flags & FLAG_CLEARTEXT) != 0) {
      addGroup(1, batchKey(1, j), load<u32>(batchHashes + ((BATCH + j) << 2)), packets, packetsNull, bytes, bytesNull,
        first, last);
    }
  }
}

// @ts-ignore: decorator
@inline function role(r: i32): i32 {
  return load<i32>(roleField + (r << 2));
}

// @ts-ignore: decorator
@inline function present(f: i32): bool {
  return f != NONE && load<u8>(nulls + f) == 0;
}

// @ts-ignore: decorator
@inline function num(f: i32): u64 {
  return load<u64>(nums + (f << 3));
}

function idOf(f: i32, d: i32): i32 {
  if (!present(f)) return 0;
  const s = <usize>load<i32>(starts + (f << 2));
  return intern(d, s, load<i32>(ends + (f << 2)) - <i32>s);
}

function intOrNull(f: i32): i32 {
  return present(f) ? <i32>num(f) : -1;
}

function enumOf(f: i32): i32 {
  return f == NONE ? 0 : <i32>load<u8>(enumIndex + f);
}

/**
 * Aggregates the complete lines in input[start, end) (the byte before `end` is '\n').
 * Returns RESULT_DONE, RESULT_BAIL (the line bailStart..bailEnd is JavaScript's; resume at nextOffset())
 * or RESULT_FLUSH (a table reached maxGroups; read and clear, then resume at nextOffset()).
 * Counters restart at every call.
 */
export function process(start: i32, end: i32): i32 {
  assert(start >= 0 && start <= end && end + PADDING <= inputCapacity, 'process: range outside the input');
  // Asserts that read memory are compiled only into the checked build (--noAssert keeps an assert's loads).
  if (!ASC_NO_ASSERT) assert(start == end || load<u8>(input + <usize>end - 1) == 10, 'process: the input does not end with a newline');
  lines = 0;
  records = 0;
  cleartextRecords = 0;
  const limit = input + <usize>end;
  let s = input + <usize>start;
  const fInterface = role(ROLE_INTERFACE_ID), fLogStatus = role(ROLE_LOG_STATUS), fStart = role(ROLE_START),
    fEnd = role(ROLE_END), fAccount = role(ROLE_ACCOUNT_ID), fRegion = role(ROLE_REGION), fVpc = role(ROLE_VPC_ID),
    fSubnet = role(ROLE_SUBNET_ID), fDirection = role(ROLE_FLOW_DIRECTION), fPath = role(ROLE_TRAFFIC_PATH),
    fStatus = role(ROLE_ENCRYPTION_STATUS), fAction = role(ROLE_ACTION), fPackets = role(ROLE_PACKETS),
    fBytes = role(ROLE_BYTES), fReject = role(ROLE_REJECT_REASON);
  while (s < limit) {
    lines++;
    const decoded = decodeLine(s);
    const nl: usize = decoded < 0 ? <usize>(-decoded - 1) : <usize>decoded; // the line's newline either way
    if (decoded < 0) return bail(s, nl);
    if (fLogStatus != NONE) {
      const logStatus = load<u8>(enumIndex + fLogStatus);
      if (logStatus > <u8>LOG_STATUS_OK) {
        // NODATA or SKIPDATA, the other values log-status has: a record, counted per interface, not a flow.
        countStatus(idOf(fInterface, DICT_ENIS), logStatus == <u8>LOG_STATUS_NODATA ? 0 : 1);
        records++;
        s = nl + 1;
        continue;
      }
    }
    const startSec: f64 = present(fStart) ? <f64>num(fStart) : NaN;
    const endSec: f64 = present(fEnd) ? <f64>num(fEnd) : NaN;
    if (startSec > MAX_UNIX_SECONDS || endSec > MAX_UNIX_SECONDS) return bail(s, nl);
    const timeSec = startSec == startSec ? startSec : endSec == endSec ? endSec : fileTimeSec;
    if (timeSec != timeSec) return bail(s, nl);

    const window = timeSec >= lastWindowStart && timeSec < lastWindowStart + windowSeconds ? lastWindowId
      : windowId(Math.floor(timeSec / windowSeconds) * windowSeconds);
    const first = startSec == startSec ? startSec : timeSec;
    const last = endSec == endSec ? endSec : first;
    let account: i32;
    if (present(fAccount)) account = idOf(fAccount, DICT_ACCOUNTS);
    else {
      if (fallbackAccountId < 0) {
        fallbackAccountId = fallbackAccountLength == 0 ? 0 : intern(DICT_ACCOUNTS, fallbackAccount, fallbackAccountLength);
      }
      account = fallbackAccountId;
    }
    let region: i32;
    if (present(fRegion)) region = idOf(fRegion, DICT_REGIONS);
    else {
      if (fallbackRegionId < 0) {
        fallbackRegionId = fallbackRegionLength == 0 ? 0 : intern(DICT_REGIONS, fallbackRegion, fallbackRegionLength);
      }
      region = fallbackRegionId;
    }
    const vpc = idOf(fVpc, DICT_VPCS);
    const eni = idOf(fInterface, DICT_ENIS);
    const direction = enumOf(fDirection);
    const path = intOrNull(fPath);
    const status = intOrNull(fStatus);
    const action = enumOf(fAction);
    const packetsNull = !present(fPackets);
    const packets = packetsNull ? 0 : num(fPackets);
    const bytesNull = !present(fBytes);
    const bytes = bytesNull ? 0 : num(fBytes);
    const batching = groupCount(0) + BATCH < maxGroups && groupCount(1) + BATCH < maxGroups;
    const j = pending;
    const summaryKey = batching ? batchKey(0, j) : keyScratch;
    const cleartextKey = batching ? batchKey(1, j) : keyScratch + 128;

    assert(direction <= 255 && action <= 255 && path >= -1 && path < 255 && status >= -1 && status < 255,
      'process: an enum or code does not fit its byte of the packed key');
    // Packed summary key: window, account, region, VPC, subnet, ENI, then one word of four bytes:
    // direction, path + 1, status + 1, action (path and status are -1 when null; all are < 255).
    store<i32>(summaryKey, window);
    store<i32>(summaryKey + 4, account);
    store<i32>(summaryKey + 8, region);
    store<i32>(summaryKey + 12, vpc);
    store<i32>(summaryKey + 16, idOf(fSubnet, DICT_SUBNETS));
    store<i32>(summaryKey + 20, eni);
    store<i32>(summaryKey + 24, direction | ((path + 1) << 8) | ((status + 1) << 16) | (action << 24));
    records++;

    const rejectReason = enumOf(fReject);
    const hasCleartext = status == 0 || rejectReason == REJECT_REASON_EC;
    if (hasCleartext) {
      if (status == 0) cleartextRecords++;
      // Packed cleartext key: the first eleven columns, interface type, then path + 1, direction,
      // action and reject reason in one word, and status + 1 and the server side in the last.
      store<i32>(cleartextKey, window);
      store<i32>(cleartextKey + 4, account);
      store<i32>(cleartextKey + 8, region);
      store<i32>(cleartextKey + 12, vpc);
      store<i32>(cleartextKey + 16, eni);
      store<i32>(cleartextKey + 20, preferred(role(ROLE_PKT_SRCADDR), role(ROLE_SRCADDR)));
      store<i32>(cleartextKey + 24, preferred(role(ROLE_PKT_DSTADDR), role(ROLE_DSTADDR)));
      store<i32>(cleartextKey + 28, intOrNull(role(ROLE_PROTOCOL)));
      store<i32>(cleartextKey + 32, servicePort());
      store<i32>(cleartextKey + 36, idOf(role(ROLE_PKT_SRC_AWS_SERVICE), DICT_SERVICES));
      store<i32>(cleartextKey + 40, idOf(role(ROLE_PKT_DST_AWS_SERVICE), DICT_SERVICES));
      store<i32>(cleartextKey + 44, idOf(role(ROLE_INTERFACE_TYPE), DICT_INTERFACE_TYPES));
      store<i32>(cleartextKey + 48, (path + 1) | (direction << 8) | (action << 16) | (rejectReason << 24));
      store<i32>(cleartextKey + 52, (status + 1) | (serverSide() << 8));
    }
    s = nl + 1;
    if (batching) {
      store<u64>(batchPackets + (j << 3), packets);
      store<u64>(batchBytes + (j << 3), bytes);
      store<f64>(batchFirst + (j << 3), first);
      store<f64>(batchLast + (j << 3), last);
      store<u8>(batchFlags + j, (packetsNull ? FLAG_PACKETS_NULL : 0) | (bytesNull ? FLAG_BYTES_NULL : 0)
        | (hasCleartext ? FLAG_CLEARTEXT : 0));
      pending = j + 1;
      if (pending == BATCH) runBatch();
      continue;
    }
    runBatch(); // earlier records first: groups keep their order of first appearance
    addGroup(0, summaryKey, keyHash(0, summaryKey), packets, packetsNull, bytes, bytesNull, first, last);
    if (hasCleartext) addGroup(1, cleartextKey, keyHash(1, cleartextKey), packets, packetsNull, bytes, bytesNull, first, last);
    if (groupCount(0) >= maxGroups || groupCount(1) >= maxGroups) {
      cursor = <i32>(s - input);
      return RESULT_FLUSH;
    }
  }
  runBatch();
  cursor = <i32>(s - input);
  return RESULT_DONE;
}

function bail(s: usize, nl: usize): i32 {
  runBatch();
  bailStart = <i32>(s - input);
  bailEnd = <i32>(nl - input);
  cursor = bailEnd + 1;
  return RESULT_BAIL;
}

function preferred(packetLevel: i32, interfaceLevel: i32): i32 {
  return present(packetLevel) ? idOf(packetLevel, DICT_ADDRESSES) : idOf(interfaceLevel, DICT_ADDRESSES);
}

/**
 * Which address listens on the service port: 1 the source (a reply), 2 the destination (a request;
 * also when both ports are equal), 0 null (no port in the format).
 */
function serverSide(): i32 {
  const src = intOrNull(role(ROLE_SRCPORT));
  const dst = intOrNull(role(ROLE_DSTPORT));
  if (src < 0 && dst < 0) return 0;
  if (dst < 0) return SERVER_SIDE_SRC;
  if (src < 0) return SERVER_SIDE_DST;
  return src < dst ? SERVER_SIDE_SRC : SERVER_SIDE_DST;
}

/** The service side of a conversation is the lower port (see flow-log-aggregator.ts). -1 is null. */
function servicePort(): i32 {
  const src = intOrNull(role(ROLE_SRCPORT));
  const dst = intOrNull(role(ROLE_DSTPORT));
  if (src < 0) return dst;
  if (dst < 0) return src;
  return src < dst ? src : dst;
}
