import { fieldKind } from '../../../schemas/flow-log-fields.js';
import { KERNEL_ROLES } from '../../../schemas/kernel-abi.js';
import type { FlowLogLayout } from '../flow-log-format.js';
import { DictionarySnapshot } from '../group-columns.js';
import { TypedArena } from '../typed-arena.js';
import { FLOW_KERNEL_WASM } from './flow-kernel-wasm.js';
import {
  ABI_VERSION,
  KIND_ENUM,
  KIND_INT32,
  KIND_INT64,
  KIND_STRING,
  M_BYTES_HI,
  M_BYTES_LO,
  M_FIRST,
  M_FLOWS,
  M_LAST,
  M_PACKETS_HI,
  M_PACKETS_LO,
  MAX_ENUM_WORD_BYTES,
  MAX_ENUM_WORDS,
  MAX_FIELDS,
  MEASURES,
  RESULT_BAIL,
  RESULT_DONE,
} from './kernel-abi.js';

/**
 * The WebAssembly side of FlowLogAggregator (source: ./assembly/flow-kernel.ts): decodes complete
 * lines and aggregates them into the `summary` and cleartext group tables in its own memory.
 * Lines it cannot aggregate come back to JavaScript one at a time (`BAIL`).
 */

// The numbers of the contract (roles, dictionaries, tables, key columns, measures, kinds, results)
// come from ./kernel-abi.ts, generated from schemas/kernel-abi.ts, which the kernel source imports too.
export const KERNEL_DONE = RESULT_DONE;
export const KERNEL_BAIL = RESULT_BAIL;

/** A dictionary (DICT_*) and a group table (TABLE_*) of the kernel, by their ABI numbers. */
export type KernelDictionary = number;
export type KernelTable = number;

const TWO_32 = 4294967296;
const POOL_SIZE = 4;

/**
 * What leaves the kernel (columns, dictionaries, windows) is copied into shared chunks, never
 * reset: a drained batch owns its arrays for as long as it lives, and a small object's batch
 * costs a few chunk slices instead of dozens of buffers (see TypedArena).
 */
const copies = new TypedArena(1 << 13);

/** Scratch the measures are gathered in before they become doubles (grown, never shrunk). */
let measureScratch = new Uint32Array(1024);
function measureWords(length: number): Uint32Array {
  if (measureScratch.length < length) measureScratch = new Uint32Array(Math.max(length, 2 * measureScratch.length));
  return measureScratch;
}

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  /** Absent from kernels built before the ABI was versioned. */
  abiVersion?(): number;
  init(): void;
  configure(windowSeconds: number, fileTimeSec: number, maxGroups: number): void;
  setLayout(fields: number): void;
  setField(position: number, kind: number, allowedMask: bigint): void;
  addEnumWord(position: number, length: number): void;
  setRole(role: number, position: number): void;
  setFallback(which: number, length: number): void;
  reserveScratch(size: number): number;
  reserveInput(size: number): number;
  process(start: number, end: number): number;
  linesSeen(): number;
  recordsSeen(): number;
  cleartextSeen(): number;
  nextOffset(): number;
  bailLineStart(): number;
  bailLineEnd(): number;
  dictionarySize(d: number): number;
  dictionaryBytes(d: number): number;
  dictionaryByteLength(d: number): number;
  dictionaryOffsets(d: number, out: number): void;
  groupCount(t: number): number;
  exportKeyColumn(t: number, c: number, out: number): void;
  exportMeasure(t: number, m: number, out: number): void;
  windowsCount(): number;
  windowsPtr(): number;
  statusCountsPtr(): number;
  statusCountsSize(): number;
  clear(): void;
}

/** The WebAssembly API (the global exists in Node; @types/node 20 does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Which build of the kernel new instances use: `release`, or the `checked` one (assertions on; tests and fuzzing). */
let build: { readonly name: string; readonly base64: string } = { name: 'release', base64: FLOW_KERNEL_WASM };
let compiled: object | undefined;

function kernelModule(): object {
  return (compiled ??= new wasm.Module(Buffer.from(build.base64, 'base64')));
}

/**
 * Makes every kernel from now on an instance of `base64` (an embedded build of the kernel, e.g.
 * FLOW_KERNEL_CHECKED_WASM): pooled instances of the previous build are dropped. For tests and
 * the bench's fuzz run; the product uses the release build.
 */
export function useKernelBuild(name: string, base64: string): void {
  build = { name, base64 };
  compiled = undefined;
  FlowKernel.dropPool();
}

/**
 * Instantiates kernel WebAssembly and checks that it implements this code's ABI: a kernel built
 * from another schemas/kernel-abi.ts would number fields, columns or measures differently and be
 * misread, so it is refused with what to do.
 */
export function instantiateKernel(module: object, name = 'flow kernel'): KernelExports {
  const instance = new wasm.Instance(module, {
    env: {
      abort: () => {
        // A failed assertion (checked build) or an allocation past the memory's limit.
        throw new Error(`${name}: aborted (an assertion failed or memory ran out)`);
      },
    },
  });
  const k = instance.exports as unknown as KernelExports;
  const version = typeof k.abiVersion === 'function' ? k.abiVersion() : undefined;
  if (version !== ABI_VERSION) {
    throw new Error(
      `${name}: the WebAssembly implements kernel ABI ${version ?? '(none: built before the ABI was versioned)'}, ` +
        `this code expects ${ABI_VERSION}: run \`npm run build:kernel\` to rebuild it from schemas/kernel-abi.ts`,
    );
  }
  return k;
}

/** Measures of one table as the output columns want them (exact int64 via `big` past 2^53). */
export interface KernelMeasures {
  readonly flows: Float64Array;
  readonly packets: Float64Array;
  readonly bytes: Float64Array;
  readonly bigPackets: ReadonlyMap<number, bigint>;
  readonly bigBytes: ReadonlyMap<number, bigint>;
  /** Epoch milliseconds. */
  readonly first: Float64Array;
  readonly last: Float64Array;
}

export interface KernelSettings {
  readonly windowSeconds: number;
  /** Time of records without start and end (from the object key), epoch seconds; NaN when unknown. */
  readonly fileTimeSec: number;
  /** A table at this many groups makes `process` return RESULT_FLUSH. */
  readonly maxGroups: number;
  /** Account and region of records without them (from the object key); '-' is null. */
  readonly fallbackAccount: string;
  readonly fallbackRegion: string;
}

/**
 * One kernel instance: its own memory, dictionaries and group tables. Instances are pooled
 * (`acquire`/`release`): Firehose makes an aggregator per record.
 */
export class FlowKernel {
  private static readonly pool: FlowKernel[] = [];
  private readonly k: KernelExports;
  /** The layout the kernel's field tables hold (layouts are immutable and shared: see layoutFromHeaderLine). */
  private boundLayout: FlowLogLayout | undefined;

  private constructor() {
    this.k = instantiateKernel(kernelModule(), `flow kernel (${build.name} build)`);
    this.k.init();
  }

  /** Forgets the pooled instances (their build is no longer the one in use). */
  static dropPool(): void {
    FlowKernel.pool.length = 0;
  }

  /** A cleared kernel with these settings (from the pool when one is free). */
  static acquire(settings: KernelSettings): FlowKernel {
    const kernel = FlowKernel.pool.pop() ?? new FlowKernel();
    kernel.clear();
    const k = kernel.k;
    k.configure(settings.windowSeconds, settings.fileTimeSec, Math.min(settings.maxGroups, 0x7fffffff));
    k.setFallback(0, settings.fallbackAccount === '-' ? 0 : kernel.toScratch(settings.fallbackAccount));
    k.setFallback(1, settings.fallbackRegion === '-' ? 0 : kernel.toScratch(settings.fallbackRegion));
    return kernel;
  }

  /** Hands the kernel back for reuse; the caller must not touch it again. */
  release(): void {
    if (FlowKernel.pool.length < POOL_SIZE) FlowKernel.pool.push(this);
  }

  /** Sets the fields of the lines to come (nothing to do when the same layout is bound again). */
  bindLayout(layout: FlowLogLayout): void {
    if (this.boundLayout === layout) return;
    this.boundLayout = layout;
    const k = this.k;
    const n = layout.fields.length;
    if (n > MAX_FIELDS) throw new Error(`a layout of ${n} fields is more than the ${MAX_FIELDS} the kernel holds`);
    k.setLayout(n);
    layout.fields.forEach((spec, position) => {
      const kind = fieldKind(spec);
      const values = spec.enumValues;
      let mask = 0n;
      if (kind !== 'string' && values) {
        for (const v of values) {
          if (Number(v) >= 64) throw new Error(`${spec.name}: enum value ${v} is beyond what the kernel checks`);
          mask |= 1n << BigInt(v);
        }
      }
      k.setField(
        position,
        kind === 'string' ? (values ? KIND_ENUM : KIND_STRING) : kind === 'int32' ? KIND_INT32 : KIND_INT64,
        mask,
      );
      if (kind === 'string' && values) {
        if (values.length > MAX_ENUM_WORDS) throw new Error(`${spec.name}: more enum values than the kernel checks`);
        for (const word of values) {
          if (word.length > MAX_ENUM_WORD_BYTES)
            throw new Error(`${spec.name}: enum value ${word} is longer than the kernel checks`);
          k.addEnumWord(position, this.toScratch(word));
        }
      }
    });
    KERNEL_ROLES.forEach((column, role) => {
      k.setRole(role, layout.positionOf.get(column) ?? -1);
    });
  }

  /** Room for `size` bytes of input at offset 0 (earlier input is kept); a view of it. */
  input(size: number): Uint8Array {
    const at = this.k.reserveInput(size);
    return new Uint8Array(this.k.memory.buffer, at, size);
  }

  /** Aggregates the complete lines of input[start, end): KERNEL_DONE, KERNEL_BAIL or RESULT_FLUSH. */
  process(start: number, end: number): number {
    return this.k.process(start, end);
  }

  /** Lines, aggregated records and cleartext records of the last `process` call (a bailed line counts as a line). */
  get lines(): number {
    return this.k.linesSeen();
  }

  get records(): number {
    return this.k.recordsSeen();
  }

  get cleartextRecords(): number {
    return this.k.cleartextSeen();
  }

  /** Where the next `process` call starts after BAIL or FLUSH. */
  get nextOffset(): number {
    return this.k.nextOffset();
  }

  /** The bailed line: input[bailStart, bailEnd), without its newline. */
  get bailStart(): number {
    return this.k.bailLineStart();
  }

  get bailEnd(): number {
    return this.k.bailLineEnd();
  }

  groupCount(table: KernelTable): number {
    return this.k.groupCount(table);
  }

  /** Key column `c` of every group of `table`, in insertion order (negative ints are null). */
  keyColumn(table: KernelTable, c: number): Int32Array {
    const k = this.k;
    const count = k.groupCount(table);
    const out = k.reserveScratch(count * 4);
    k.exportKeyColumn(table, c, out);
    return copies.copy(new Int32Array(k.memory.buffer, out, count));
  }

  /** The measures of every group of `table`, in insertion order. */
  measures(table: KernelTable): KernelMeasures {
    const k = this.k;
    const count = k.groupCount(table);
    // Each measure is exported to the kernel's scratch, one at a time, as (low, high) words:
    // gathered side by side here, then combined into the doubles the batch keeps.
    const words = measureWords(count * 2 * MEASURES);
    for (let m = 0; m < MEASURES; m++) {
      const out = k.reserveScratch(count * 8);
      k.exportMeasure(table, m, out);
      words.set(new Uint32Array(k.memory.buffer, out, count * 2), m * count * 2);
    }
    const at = (m: number) => m * count * 2;
    const seconds = new Float64Array(words.buffer, 0, MEASURES * count);
    const flows = copies.float64(count);
    const packets = copies.float64(count);
    const bytes = copies.float64(count);
    const first = copies.float64(count);
    const last = copies.float64(count);
    const bigPackets = new Map<number, bigint>();
    const bigBytes = new Map<number, bigint>();
    const f = at(M_FLOWS);
    for (let g = 0; g < count; g++) {
      flows[g] = words[f + 2 * g]! + words[f + 2 * g + 1]! * TWO_32;
      packets[g] = exactSum(words, at(M_PACKETS_LO), at(M_PACKETS_HI), g, bigPackets);
      bytes[g] = exactSum(words, at(M_BYTES_LO), at(M_BYTES_HI), g, bigBytes);
      first[g] = seconds[at(M_FIRST) / 2 + g]! * 1000;
      last[g] = seconds[at(M_LAST) / 2 + g]! * 1000;
    }
    return { flows, packets, bytes, bigPackets, bigBytes, first, last };
  }

  /** An immutable copy of dictionary `d`. */
  dictionary(d: KernelDictionary): DictionarySnapshot {
    const k = this.k;
    const size = k.dictionarySize(d);
    const out = k.reserveScratch((size + 1) * 4);
    k.dictionaryOffsets(d, out);
    const offsets = copies.copy(new Int32Array(k.memory.buffer, out, size + 1));
    const data = copies.copy(new Uint8Array(k.memory.buffer, k.dictionaryBytes(d), k.dictionaryByteLength(d)));
    return new DictionarySnapshot(offsets, data);
  }

  /** Window starts (epoch seconds) by window id. */
  windows(): Float64Array {
    return copies.copy(new Float64Array(this.k.memory.buffer, this.k.windowsPtr(), this.k.windowsCount()));
  }

  /**
   * The NODATA and SKIPDATA records counted since the last clear, per interface id (DICT_ENIS, 0
   * null): [NODATA, SKIPDATA] at [2 id, 2 id + 1]. A view of the kernel's memory: read it before
   * the next call into the kernel.
   */
  statusCounts(): Uint32Array {
    return new Uint32Array(this.k.memory.buffer, this.k.statusCountsPtr(), 2 * this.k.statusCountsSize());
  }

  /** Forgets all groups, dictionary values, windows and NODATA/SKIPDATA counts. */
  clear(): void {
    this.k.clear();
  }

  /** Writes `text` (UTF-8) to the kernel's scratch bytes; returns its length. */
  private toScratch(text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    new Uint8Array(this.k.memory.buffer, this.k.reserveScratch(bytes.length), bytes.length).set(bytes);
    return bytes.length;
  }
}

/**
 * The 128-bit sum of group g as a double, recorded in `big` past 2^53: its low and high u64 are
 * 32-bit word pairs in `words`, from `lo` and `hi`.
 */
function exactSum(words: Uint32Array, lo: number, hi: number, g: number, big: Map<number, bigint>): number {
  const lo0 = words[lo + 2 * g]!;
  const lo1 = words[lo + 2 * g + 1]!;
  const hi0 = words[hi + 2 * g]!;
  const hi1 = words[hi + 2 * g + 1]!;
  if (lo1 < 0x200000 && hi0 === 0 && hi1 === 0) return lo0 + lo1 * TWO_32;
  const exact = (BigInt(hi1) << 96n) | (BigInt(hi0) << 64n) | (BigInt(lo1) << 32n) | BigInt(lo0);
  big.set(g, exact);
  return Number(exact);
}
