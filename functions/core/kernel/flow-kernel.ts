import { fieldKind } from '../../../schemas/flow-log-fields.js';
import type { FlowLogLayout } from '../flow-log-format.js';
import { DictionarySnapshot } from '../group-columns.js';
import { FLOW_KERNEL_WASM } from './flow-kernel-wasm.js';

/**
 * The WebAssembly side of FlowLogAggregator (source: ./assembly/flow-kernel.ts): decodes complete
 * lines and aggregates them into the `summary` and cleartext group tables in its own memory.
 * Lines it cannot aggregate come back to JavaScript one at a time (`BAIL`).
 */

export const KERNEL_DONE = 0;
export const KERNEL_BAIL = 1;

/** Roles of the fields the aggregation reads, by column name (numbering as in the kernel source). */
const ROLE_COLUMNS = [
  'interface_id',
  'log_status',
  'start',
  'end',
  'account_id',
  'region',
  'vpc_id',
  'subnet_id',
  'flow_direction',
  'traffic_path',
  'encryption_status',
  'action',
  'packets',
  'bytes',
  'reject_reason',
  'srcaddr',
  'dstaddr',
  'pkt_srcaddr',
  'pkt_dstaddr',
  'protocol',
  'srcport',
  'dstport',
  'pkt_src_aws_service',
  'pkt_dst_aws_service',
  'interface_type',
] as const;

/** Dictionaries of the kernel, in its numbering. */
export enum KernelDictionary {
  Accounts = 0,
  Regions,
  Vpcs,
  Subnets,
  Enis,
  Addresses,
  Services,
  InterfaceTypes,
}

/** The two group tables (flow-log-aggregator.ts names their key columns). */
export enum KernelTable {
  Summary = 0,
  Cleartext = 1,
}

// Measures as exportMeasure numbers them.
const M_FLOWS = 0,
  M_PACKETS_LO = 1,
  M_PACKETS_HI = 2,
  M_BYTES_LO = 3,
  M_BYTES_HI = 4,
  M_FIRST = 5,
  M_LAST = 6;
const TWO_32 = 4294967296;
const MAX_FIELDS = 64;
const MAX_ENUM_WORDS = 4;
const MAX_ENUM_WORD_BYTES = 15;
const POOL_SIZE = 4;

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
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
  clear(): void;
}

/** The WebAssembly API (the global exists in Node; @types/node 20 does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

function kernelModule(): object {
  return (compiled ??= new wasm.Module(Buffer.from(FLOW_KERNEL_WASM, 'base64')));
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
  /** A table at this many groups makes `process` return KERNEL_FLUSH. */
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
    const instance = new wasm.Instance(kernelModule(), {
      env: {
        abort: () => {
          throw new Error('flow kernel: out of memory');
        },
      },
    });
    this.k = instance.exports as unknown as KernelExports;
    this.k.init();
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
      k.setField(position, kind === 'string' ? (values ? 1 : 0) : kind === 'int32' ? 2 : 3, mask);
      if (kind === 'string' && values) {
        if (values.length > MAX_ENUM_WORDS) throw new Error(`${spec.name}: more enum values than the kernel checks`);
        for (const word of values) {
          if (word.length > MAX_ENUM_WORD_BYTES)
            throw new Error(`${spec.name}: enum value ${word} is longer than the kernel checks`);
          k.addEnumWord(position, this.toScratch(word));
        }
      }
    });
    ROLE_COLUMNS.forEach((column, role) => {
      k.setRole(role, layout.positionOf.get(column) ?? -1);
    });
  }

  /** Room for `size` bytes of input at offset 0 (earlier input is kept); a view of it. */
  input(size: number): Uint8Array {
    const at = this.k.reserveInput(size);
    return new Uint8Array(this.k.memory.buffer, at, size);
  }

  /** Aggregates the complete lines of input[start, end): KERNEL_DONE, KERNEL_BAIL or KERNEL_FLUSH. */
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
    return new Int32Array(k.memory.buffer, out, count).slice();
  }

  /** The measures of every group of `table`, in insertion order. */
  measures(table: KernelTable): KernelMeasures {
    const k = this.k;
    const count = k.groupCount(table);
    const measure = (m: number) => {
      const out = k.reserveScratch(count * 8);
      k.exportMeasure(table, m, out);
      return new Uint32Array(k.memory.buffer, out, count * 2).slice();
    };
    const words = (lo: number, hi: number) => ({ lo: measure(lo), hi: measure(hi) });
    const flowWords = measure(M_FLOWS);
    const packetWords = words(M_PACKETS_LO, M_PACKETS_HI);
    const byteWords = words(M_BYTES_LO, M_BYTES_HI);
    const firstSeconds = new Float64Array(measure(M_FIRST).buffer);
    const lastSeconds = new Float64Array(measure(M_LAST).buffer);
    const flows = new Float64Array(count);
    const packets = new Float64Array(count);
    const bytes = new Float64Array(count);
    const first = new Float64Array(count);
    const last = new Float64Array(count);
    const bigPackets = new Map<number, bigint>();
    const bigBytes = new Map<number, bigint>();
    for (let g = 0; g < count; g++) {
      flows[g] = flowWords[2 * g]! + flowWords[2 * g + 1]! * TWO_32;
      packets[g] = exactSum(packetWords.lo, packetWords.hi, g, bigPackets);
      bytes[g] = exactSum(byteWords.lo, byteWords.hi, g, bigBytes);
      first[g] = firstSeconds[g]! * 1000;
      last[g] = lastSeconds[g]! * 1000;
    }
    return { flows, packets, bytes, bigPackets, bigBytes, first, last };
  }

  /** An immutable copy of dictionary `d`. */
  dictionary(d: KernelDictionary): DictionarySnapshot {
    const k = this.k;
    const size = k.dictionarySize(d);
    const offsets = new Int32Array(size + 1);
    const out = k.reserveScratch((size + 1) * 4);
    k.dictionaryOffsets(d, out);
    offsets.set(new Int32Array(k.memory.buffer, out, size + 1));
    const data = new Uint8Array(k.memory.buffer, k.dictionaryBytes(d), k.dictionaryByteLength(d)).slice();
    return new DictionarySnapshot(offsets, data);
  }

  /** Window starts (epoch seconds) by window id. */
  windows(): Float64Array {
    return new Float64Array(this.k.memory.buffer, this.k.windowsPtr(), this.k.windowsCount()).slice();
  }

  /** Forgets all groups, dictionary values and windows. */
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

/** The 128-bit sum of group g (low and high u64 as 32-bit word pairs) as a double, recorded in `big` past 2^53. */
function exactSum(lo: Uint32Array, hi: Uint32Array, g: number, big: Map<number, bigint>): number {
  const lo0 = lo[2 * g]!;
  const lo1 = lo[2 * g + 1]!;
  if (lo1 < 0x200000 && hi[2 * g] === 0 && hi[2 * g + 1] === 0) return lo0 + lo1 * TWO_32;
  const exact = (BigInt(hi[2 * g + 1]!) << 96n) | (BigInt(hi[2 * g]!) << 64n) | (BigInt(lo1) << 32n) | BigInt(lo0);
  big.set(g, exact);
  return Number(exact);
}
