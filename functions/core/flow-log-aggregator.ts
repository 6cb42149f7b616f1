import { fieldKind, findFlowLogField } from '../../schemas/flow-log-fields.js';
import { KERNEL_SERVER_SIDES } from '../../schemas/kernel-abi.js';
import { STATUS_FIELD, type SummaryRow, type UnencryptedRow } from '../../schemas/tables.js';
import { type MalformedSample, ObjectRejectedError } from './errors.js';
import { type FlowLogLayout, layoutFromHeaderLine, looksLikeHeaderLine, UnknownFieldError } from './flow-log-format.js';
import { formatCount } from './format-count.js';
import { type ColumnData, DictionarySnapshot, type GroupColumns, rowsOf } from './group-columns.js';
import { FlowKernel, KERNEL_BAIL, KERNEL_DONE, type KernelTable } from './kernel/flow-kernel.js';
// Key columns, dictionaries, tables and enum indexes as the kernel numbers them (generated from schemas/kernel-abi.ts).
import * as abi from './kernel/kernel-abi.js';
import { isBlankLine, LineDecoder, utf8Text } from './line-decoder.js';
import type { FlowLogKeyInfo } from './s3-key.js';

export { type MalformedSample, ObjectRejectedError } from './errors.js';

/** A cleartext (status 0) or encryption-controls-rejected (`EC`) group: what alert rules classify. */
export type CleartextGroup = UnencryptedRow & { encryption_status: number | null };

export interface AggregateOptions {
  /** Aggregation window in seconds (default 300). */
  readonly windowSeconds?: number;
  /** Layout for objects without a header line (Firehose, CloudWatch exports); undefined: none. */
  readonly format?: FlowLogLayout | undefined;
  /** Groups held in memory per table before they are handed to `onFlush` (bounds memory). */
  readonly maxGroups?: number;
  /** Receives groups early when a table passes `maxGroups`; without it groups are kept. */
  readonly onFlush?: (batch: AggregateBatch) => void;
  /** Malformed lines kept verbatim per object for the run report. */
  readonly maxSamples?: number;
}

export interface AggregateBatch {
  readonly summary: SummaryRow[];
  readonly cleartext: CleartextGroup[];
  /**
   * The same groups as columns (the aggregator's batches carry them; hand-made batches may not):
   * the Parquet sink encodes these without making a row object per group.
   */
  readonly columns?: { readonly summary: GroupColumns; readonly cleartext: GroupColumns };
}

export interface ParseStats {
  lines: number;
  records: number;
  malformed: number;
  malformedSamples: MalformedSample[];
  /** NODATA / SKIPDATA records per interface. */
  noData: Record<string, number>;
  skipData: Record<string, number>;
  cleartextRecords: number;
  layoutOrigin: 'header' | 'format' | 'none';
  format: string | undefined;
  warnings: string[];
}

/** 9999-12-31T23:59:59Z: later values are not Unix seconds (often milliseconds) and no engine can store them. */
const MAX_UNIX_SECONDS = 253402300799;
/** Flow-log lines are at most a few KB; a longer run without a newline is not a flow-log object. */
const MAX_LINE_BYTES = 1 << 20;
const NEWLINE = 10;

/**
 * Consumes the text of one flow-log object and aggregates it into `summary` groups and cleartext
 * groups. Pure: no I/O, no clock. Text comes as chunks split anywhere (`pushChunk`, the bulk
 * path) or as single lines (`pushBytes`, `pushLine`).
 *
 * Decoding and aggregation run in a WebAssembly kernel (functions/core/kernel/): key tokens are
 * interned into per-column dictionaries (bytes → small ids) and group keys are tuples of ids, so
 * memory holds each distinct value once and no string is made per line. The kernel also counts
 * well-formed NODATA/SKIPDATA records per interface. Lines it neither aggregates nor counts
 * (malformed, blank, no usable time) come back here and are judged by the line decoder, which
 * words every reason.
 */
export class FlowLogAggregator {
  readonly stats: ParseStats;
  private readonly kernel: FlowKernel;
  private bound = false;
  private finished = false;
  private decoder: LineDecoder | undefined;
  private layout: FlowLogLayout | undefined;
  private firstLineSeen = false;
  private headerLine = '';
  private headerCanPassAsRecord = false;
  /** Bytes of an unfinished line at the start of the kernel's input (chunked input). */
  private carry = 0;
  private textBytes = 0;
  private readonly fileTimeSec: number;

  constructor(
    readonly objectName: string,
    keyInfo: FlowLogKeyInfo,
    private readonly options: AggregateOptions = {},
  ) {
    this.fileTimeSec = keyInfo.fileTimeMs !== undefined ? keyInfo.fileTimeMs / 1000 : NaN;
    this.kernel = FlowKernel.acquire({
      windowSeconds: options.windowSeconds ?? 300,
      fileTimeSec: this.fileTimeSec,
      maxGroups: options.onFlush ? (options.maxGroups ?? 100_000) : Infinity,
      fallbackAccount: keyInfo.accountId ?? '-',
      fallbackRegion: keyInfo.region ?? '-',
    });
    this.stats = {
      lines: 0,
      records: 0,
      malformed: 0,
      malformedSamples: [],
      noData: {},
      skipData: {},
      cleartextRecords: 0,
      layoutOrigin: 'none',
      format: undefined,
      warnings: [],
    };
  }

  /** Feeds a chunk of the object's text; lines may span chunks (the bulk path). */
  pushChunk(chunk: Uint8Array): void {
    this.assertOpen();
    const carry = this.carry;
    const total = carry + chunk.length;
    this.textBytes += chunk.length;
    this.kernel.input(total).set(chunk, carry);
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline < 0) {
      this.keepCarry(total);
      return;
    }
    // A line that began in an earlier chunk: lines within one chunk are never longer than a chunk.
    if (carry > 0 && carry + chunk.indexOf(NEWLINE) > MAX_LINE_BYTES) {
      throw new ObjectRejectedError(
        `line ${this.stats.lines + 1}: longer than ${formatCount(MAX_LINE_BYTES)} ` +
          `bytes (from byte ${this.textBytes - chunk.length - carry} of the text): not a flow-log text object`,
      );
    }
    const end = carry + lastNewline + 1;
    this.run(end);
    if (end < total) this.kernel.input(total).copyWithin(0, end, total);
    this.keepCarry(total - end);
  }

  /** Feeds the line `text[start, end)`; a trailing CR is tolerated. */
  pushLine(text: string, start: number, end: number): void {
    const line = start === 0 && end === text.length ? text : text.slice(start, end);
    const bytes = Buffer.from(line, 'utf8');
    this.pushBytes(bytes, 0, bytes.length);
  }

  /** Feeds the line `bytes[start, end)` (UTF-8, without its newline; a trailing CR is tolerated). */
  pushBytes(bytes: Uint8Array, start: number, end: number): void {
    this.assertOpen();
    if (this.carry !== 0) throw new Error('pushBytes after a chunk that ended inside a line');
    if (this.bound && bytes.subarray(start, end).includes(NEWLINE)) {
      // One line with a newline inside is malformed, not two lines.
      this.stats.lines++;
      this.judgeLine(bytes, start, end);
      return;
    }
    const length = end - start;
    const input = this.kernel.input(length + 1);
    input.set(bytes.subarray(start, end), 0);
    input[length] = NEWLINE;
    this.run(length + 1);
  }

  /**
   * Ends the object: returns the remaining groups. Throws ObjectRejectedError when no layout
   * could be bound or when lines were present but none of them parsed.
   */
  finish(): AggregateBatch {
    this.assertOpen();
    if (this.carry > 0) {
      const length = this.carry;
      this.kernel.input(length + 1)[length] = NEWLINE;
      this.carry = 0;
      this.run(length + 1);
    }
    const stats = this.stats;
    if (!this.firstLineSeen) throw new ObjectRejectedError('empty object: no lines');
    if (stats.records === 0 && stats.malformed > 0) {
      throw new ObjectRejectedError(
        `no line matched the ${stats.layoutOrigin === 'header' ? 'header line' : 'format'} ` +
          `(${stats.malformed} malformed lines; first: ${stats.malformedSamples[0]?.reason ?? '?'})`,
        stats.malformedSamples,
      );
    }
    const batch = this.drain();
    this.finished = true;
    this.kernel.release();
    return batch;
  }

  /** After finish() the kernel belongs to the pool (another aggregator may be using it). */
  private assertOpen(): void {
    if (this.finished) throw new Error(`${this.objectName}: the aggregator was already finished`);
  }

  /** Runs the complete lines of the kernel's input[0, end) (end is just after a newline). */
  private run(end: number): void {
    let pos = 0;
    while (!this.bound && pos < end) pos = this.firstLines(pos, end);
    while (pos < end) {
      // A layout of free-text fields only would take a header line for a record: find them first.
      const stop = this.headerCanPassAsRecord ? this.nextHeaderLine(pos, end) : end;
      pos = this.runKernel(pos, stop);
      if (pos !== stop || stop === end) continue;
      const input = this.kernel.input(end);
      const newline = input.indexOf(NEWLINE, stop);
      this.stats.lines++;
      this.headerLineAgain(input, stop, newline);
      pos = newline + 1;
    }
  }

  /**
   * Aggregates the lines of input[pos, stop) in the kernel; lines it refuses are judged here.
   * Returns where it stopped: `stop`, or earlier when a header line bound another layout.
   */
  private runKernel(pos: number, stop: number): number {
    const kernel = this.kernel;
    const stats = this.stats;
    const layout = this.layout;
    while (pos < stop) {
      const status = kernel.process(pos, stop);
      stats.lines += kernel.lines;
      stats.records += kernel.records;
      stats.cleartextRecords += kernel.cleartextRecords;
      if (status === KERNEL_DONE) return stop;
      pos = kernel.nextOffset;
      if (status === KERNEL_BAIL) this.judgeLine(kernel.input(stop), kernel.bailStart, kernel.bailEnd);
      else this.options.onFlush!(this.drain());
      if (this.layout !== layout) return pos;
    }
    return pos;
  }

  /** The start of the first header-like line in input[pos, end), or `end`. */
  private nextHeaderLine(pos: number, end: number): number {
    const input = this.kernel.input(end);
    while (pos < end) {
      const newline = input.indexOf(NEWLINE, pos);
      const first = input[pos]!;
      if (first >= 0x61 && first <= 0x7a && looksLikeHeaderLine(utf8Text(input, pos, newline))) return pos;
      pos = newline + 1;
    }
    return end;
  }

  /** Lines before the layout is known: blank lines, then the header line or the first record. */
  private firstLines(pos: number, end: number): number {
    const input = this.kernel.input(end);
    // A UTF-8 byte order mark (editors add one) is not part of the first line.
    if (this.stats.lines === 0 && input[pos] === 0xef && input[pos + 1] === 0xbb && input[pos + 2] === 0xbf) pos += 3;
    const newline = input.indexOf(NEWLINE, pos);
    this.stats.lines++;
    if (isBlankLine(input, pos, newline)) return newline + 1;
    this.firstLineSeen = true;
    this.bindLayout(utf8Text(input, pos, newline));
    this.bound = true;
    if (this.stats.layoutOrigin === 'header') return newline + 1;
    // Without a header the first line is a record: the kernel counts and reads it.
    this.stats.lines--;
    return pos;
  }

  private keepCarry(length: number): void {
    this.carry = length;
    if (length > MAX_LINE_BYTES) {
      throw new ObjectRejectedError(
        `no line break in the ${length} characters after byte ` +
          `${this.textBytes - length} of the text: not a flow-log text object`,
      );
    }
  }

  /**
   * A line the kernel did not aggregate or count. Blank lines and repeated header lines are
   * skipped; malformed lines are counted with the decoder's reason; records without a usable
   * time are malformed.
   */
  private judgeLine(bytes: Uint8Array, start: number, end: number): void {
    const stats = this.stats;
    // Made on the first line the kernel refuses: most objects have none.
    const d = (this.decoder ??= new LineDecoder(this.layout!));
    const reason = d.decodeBytes(bytes, start, end);
    if (reason !== null) {
      if (isBlankLine(bytes, start, end) || this.headerLineAgain(bytes, start, end)) return;
      this.malformed(stats.lines, reason, bytes, start, end);
      return;
    }
    // Well-formed NODATA/SKIPDATA records never come here: the kernel counts them (addStatusCounts).
    const p = this.layout!.positionOf;
    const seconds = (column: string) => {
      const f = p.get(column);
      if (f === undefined || d.isNull[f]) return NaN;
      const big = d.big[f];
      return big === undefined ? d.num[f]! : Number(big);
    };
    const startSec = seconds('start');
    const endSec = seconds('end');
    if (startSec > MAX_UNIX_SECONDS || endSec > MAX_UNIX_SECONDS) {
      const field = startSec > MAX_UNIX_SECONDS ? 'start' : 'end';
      this.malformed(stats.lines, `${field}: not a Unix time in seconds (after year 9999)`, bytes, start, end);
      return;
    }
    if (Number.isNaN(startSec) && Number.isNaN(endSec) && Number.isNaN(this.fileTimeSec)) {
      this.malformed(stats.lines, 'no start or end time, and no file time in the object key', bytes, start, end);
      return;
    }
    // The kernel refused a line the decoder accepts: never drop it silently.
    this.malformed(
      stats.lines,
      'internal error: the line decoder and the aggregation kernel disagree',
      bytes,
      start,
      end,
    );
  }

  private drain(): AggregateBatch {
    const kernel = this.kernel;
    const shared = {
      accounts: kernel.dictionary(abi.DICT_ACCOUNTS),
      regions: kernel.dictionary(abi.DICT_REGIONS),
      vpcs: kernel.dictionary(abi.DICT_VPCS),
      enis: kernel.dictionary(abi.DICT_ENIS),
    };
    const windows = kernel.windows();
    const columns = {
      summary: this.summaryColumns(shared, windows),
      cleartext: this.cleartextColumns(shared, windows),
    };
    this.addStatusCounts(shared.enis);
    kernel.clear();
    return columnBatch(columns);
  }

  /** The kernel's NODATA/SKIPDATA counts since its last clear, added to the stats by interface (`-`: none). */
  private addStatusCounts(enis: DictionarySnapshot): void {
    const counts = this.kernel.statusCounts();
    const { noData, skipData } = this.stats;
    for (let id = 0; 2 * id < counts.length; id++) {
      const nodata = counts[2 * id]!;
      const skip = counts[2 * id + 1]!;
      if (nodata === 0 && skip === 0) continue;
      const eni = enis.string(id) ?? '-';
      if (nodata > 0) noData[eni] = (noData[eni] ?? 0) + nodata;
      if (skip > 0) skipData[eni] = (skipData[eni] ?? 0) + skip;
    }
  }

  private bindLayout(firstLine: string): void {
    let layout: FlowLogLayout | undefined;
    if (looksLikeHeaderLine(firstLine)) {
      try {
        layout = layoutFromHeaderLine(firstLine);
      } catch (err) {
        if (err instanceof UnknownFieldError)
          throw new ObjectRejectedError(`${err.message} (line ${this.stats.lines})`);
        throw new ObjectRejectedError(`bad header line: ${(err as Error).message}`);
      }
      if (this.options.format && !sameFields(layout, this.options.format)) {
        this.stats.warnings.push('header line differs from --format; the header line was used');
      }
    } else if (this.options.format) {
      layout = this.options.format;
    } else {
      throw new ObjectRejectedError('no header line and no format given (use --format for headerless objects)');
    }
    this.stats.layoutOrigin = layout.origin;
    this.stats.format = fieldNamesOf(layout);
    this.useLayout(layout, layout.origin === 'header' ? firstLine.trim() : '');
  }

  private useLayout(layout: FlowLogLayout, headerLine: string): void {
    this.layout = layout;
    this.headerLine = headerLine;
    this.decoder = undefined;
    this.kernel.bindLayout(layout);
    // Field names are never numbers nor values of a closed set, so a layout with one such field
    // refuses header lines by itself; a layout of free-text fields only needs them found first.
    this.headerCanPassAsRecord = layout.fields.every((f) => fieldKind(f) === 'string' && !f.enumValues);
  }

  /**
   * A header line after the first line (concatenated objects: `cat a.gz b.gz`). The same header
   * is skipped; another one binds the columns again from the next line on, so no record is read
   * with the old order. Returns false when the line is not a header line.
   */
  private headerLineAgain(bytes: Uint8Array, start: number, end: number): boolean {
    const text = utf8Text(bytes, start, end).trim();
    if (text === this.headerLine) return true;
    if (!looksLikeHeaderLine(text)) return false;
    const line = this.stats.lines;
    let layout: FlowLogLayout;
    try {
      layout = layoutFromHeaderLine(text);
    } catch (err) {
      throw new ObjectRejectedError(
        `line ${line}: a second header line that cannot be bound: ${(err as Error).message}`,
      );
    }
    if (sameFields(layout, this.layout!)) {
      this.headerLine = text;
      return true;
    }
    const measures = (l: FlowLogLayout) => ['packets', 'bytes'].map((c) => l.positionOf.has(c)).join();
    if (measures(layout) !== measures(this.layout!)) {
      // The groups so far carry the old layout's measures (a measure it lacks is null, not 0): hand them on first.
      if (!this.options.onFlush) {
        throw new ObjectRejectedError(
          `line ${line}: a second header line changes which of packets and bytes the records carry`,
        );
      }
      this.options.onFlush(this.drain());
    } else if (hasStatus(layout) !== hasStatus(this.layout!)) {
      // The groups so far carry the old layout's encryption_status_field: hand them on first.
      if (!this.options.onFlush) {
        throw new ObjectRejectedError(
          `line ${line}: a second header line changes whether the records carry encryption-status`,
        );
      }
      this.options.onFlush(this.drain());
    }
    this.stats.warnings.push(`line ${line}: another header line; the columns are bound to it from line ${line + 1} on`);
    this.useLayout(layout, text);
    return true;
  }

  private malformed(line: number, reason: string, bytes: Uint8Array, start: number, end: number): void {
    this.stats.malformed++;
    if (this.stats.malformedSamples.length < (this.options.maxSamples ?? 5)) {
      this.stats.malformedSamples.push({
        line,
        reason,
        text: utf8Text(bytes, start, Math.min(end, start + 300)).trimEnd(),
      });
    }
  }

  private measureColumns(table: KernelTable): Record<string, ColumnData> {
    const m = this.kernel.measures(table);
    const has = (column: string) => this.layout?.positionOf.has(column) ?? false;
    return {
      flows: { type: 'int64', values: m.flows, big: NO_BIG },
      // A measure the format does not carry is unknown (null), not zero.
      packets: { type: 'int64', values: has('packets') ? m.packets : null, big: m.bigPackets },
      bytes: { type: 'int64', values: has('bytes') ? m.bytes : null, big: m.bigBytes },
      first_seen: { type: 'timestamp', values: m.first },
      last_seen: { type: 'timestamp', values: m.last },
    };
  }

  /** Readers of one table's key columns: text (ids + a dictionary), int, and window_start. */
  private keyColumns(t: KernelTable, windows: Float64Array) {
    const k = this.kernel;
    return {
      text: (c: number, dictionary: DictionarySnapshot): ColumnData => ({
        type: 'string',
        ids: k.keyColumn(t, c),
        dictionary,
      }),
      int: (c: number): ColumnData => ({ type: 'int32', values: k.keyColumn(t, c) }),
      window: (c: number): ColumnData => ({ type: 'timestamp', values: windowColumn(k.keyColumn(t, c), windows) }),
    };
  }

  private summaryColumns(shared: SharedDictionaries, windows: Float64Array): GroupColumns {
    const t = abi.TABLE_SUMMARY;
    const k = this.kernel;
    const { text, int, window } = this.keyColumns(t, windows);
    return {
      length: k.groupCount(t),
      columns: {
        window_start: window(abi.S_WINDOW_START),
        account_id: text(abi.S_ACCOUNT_ID, shared.accounts),
        region: text(abi.S_REGION, shared.regions),
        vpc_id: text(abi.S_VPC_ID, shared.vpcs),
        subnet_id: text(abi.S_SUBNET_ID, k.dictionary(abi.DICT_SUBNETS)),
        interface_id: text(abi.S_INTERFACE_ID, shared.enis),
        flow_direction: text(abi.S_FLOW_DIRECTION, DIRECTIONS),
        traffic_path: int(abi.S_TRAFFIC_PATH),
        encryption_status: int(abi.S_ENCRYPTION_STATUS),
        encryption_status_field: this.statusFieldColumn(k.groupCount(t)),
        action: text(abi.S_ACTION, ACTIONS),
        ...this.measureColumns(t),
      },
    };
  }

  /**
   * `encryption_status_field` of every group: one value per layout, since a layout either has the
   * field or not (a header line that changes it hands the groups on first: see headerLineAgain).
   */
  private statusFieldColumn(length: number): ColumnData {
    const id = this.layout && hasStatus(this.layout) ? STATUS_FIELD_PRESENT : STATUS_FIELD_ABSENT;
    return { type: 'string', ids: new Int32Array(length).fill(id), dictionary: STATUS_FIELDS };
  }

  private cleartextColumns(shared: SharedDictionaries, windows: Float64Array): GroupColumns {
    const t = abi.TABLE_CLEARTEXT;
    const k = this.kernel;
    const { text, int, window } = this.keyColumns(t, windows);
    const addresses = k.dictionary(abi.DICT_ADDRESSES);
    const services = k.dictionary(abi.DICT_SERVICES);
    return {
      length: k.groupCount(t),
      columns: {
        window_start: window(abi.C_WINDOW_START),
        account_id: text(abi.C_ACCOUNT_ID, shared.accounts),
        region: text(abi.C_REGION, shared.regions),
        vpc_id: text(abi.C_VPC_ID, shared.vpcs),
        interface_id: text(abi.C_INTERFACE_ID, shared.enis),
        srcaddr: text(abi.C_SRCADDR, addresses),
        dstaddr: text(abi.C_DSTADDR, addresses),
        protocol: int(abi.C_PROTOCOL),
        port: int(abi.C_PORT),
        server_side: text(abi.C_SERVER_SIDE, SERVER_SIDES),
        pkt_src_aws_service: text(abi.C_PKT_SRC_AWS_SERVICE, services),
        pkt_dst_aws_service: text(abi.C_PKT_DST_AWS_SERVICE, services),
        traffic_path: int(abi.C_TRAFFIC_PATH),
        flow_direction: text(abi.C_FLOW_DIRECTION, DIRECTIONS),
        action: text(abi.C_ACTION, ACTIONS),
        reject_reason: text(abi.C_REJECT_REASON, REJECT_REASONS),
        interface_type: text(abi.C_INTERFACE_TYPE, k.dictionary(abi.DICT_INTERFACE_TYPES)),
        ...this.measureColumns(t),
        encryption_status: int(abi.C_ENCRYPTION_STATUS),
      },
    };
  }
}

/** The window_start column (epoch ms) of a table's window-id key column. */
function windowColumn(ids: Int32Array, windows: Float64Array): Float64Array {
  const out = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = windows[ids[i]!]! * 1000;
  return out;
}

const NO_BIG: ReadonlyMap<number, bigint> = new Map();

/** Dictionaries both tables key on, snapshotted once per drain. */
interface SharedDictionaries {
  readonly accounts: DictionarySnapshot;
  readonly regions: DictionarySnapshot;
  readonly vpcs: DictionarySnapshot;
  readonly enis: DictionarySnapshot;
}

/**
 * A batch whose rows are made only when read: the Parquet sink reads `columns`, while alert
 * rules and tests read `summary`/`cleartext` as before. Columns are immutable snapshots, so a
 * batch stays valid after the aggregator moves on.
 */
function columnBatch(columns: { summary: GroupColumns; cleartext: GroupColumns }): AggregateBatch {
  return new ColumnBatch(columns);
}

class ColumnBatch implements AggregateBatch {
  private summaryRows: SummaryRow[] | undefined;
  private cleartextRows: CleartextGroup[] | undefined;

  constructor(readonly columns: { readonly summary: GroupColumns; readonly cleartext: GroupColumns }) {}

  get summary(): SummaryRow[] {
    this.summaryRows ??= rowsOf<SummaryRow>(this.columns.summary);
    return this.summaryRows;
  }

  get cleartext(): CleartextGroup[] {
    this.cleartextRows ??= rowsOf<CleartextGroup>(this.columns.cleartext);
    return this.cleartextRows;
  }
}

/** A layout's field names, space-separated, once per layout (layouts are immutable and shared). */
const fieldNames = new WeakMap<FlowLogLayout, string>();
function fieldNamesOf(layout: FlowLogLayout): string {
  let names = fieldNames.get(layout);
  if (names === undefined) {
    names = layout.fields.map((f) => f.name).join(' ');
    fieldNames.set(layout, names);
  }
  return names;
}

function sameFields(a: FlowLogLayout, b: FlowLogLayout): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f === b.fields[i]);
}

/** Enum values by enum index (index 0 is null), from the field catalog. */
const enumValues = (column: string) => DictionarySnapshot.of(findFlowLogField(column)!.enumValues!);
const DIRECTIONS = enumValues('flow_direction');
const ACTIONS = enumValues('action');
const REJECT_REASONS = enumValues('reject_reason');
/** `server_side` by kernel code (0 null, then SERVER_SIDE_SRC, SERVER_SIDE_DST): the address that listens on `port`. */
const SERVER_SIDES = DictionarySnapshot.of(KERNEL_SERVER_SIDES);
/** `encryption_status_field` ids (0 null) in STATUS_FIELDS. */
const STATUS_FIELDS = DictionarySnapshot.of([STATUS_FIELD.present, STATUS_FIELD.absent]);
const STATUS_FIELD_PRESENT = 1;
const STATUS_FIELD_ABSENT = 2;
const hasStatus = (layout: FlowLogLayout) => layout.positionOf.has('encryption_status');
