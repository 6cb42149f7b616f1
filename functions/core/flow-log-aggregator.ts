import type { SummaryRow, UnencryptedRow } from '../../schemas/tables.js';
import { type FlowLogLayout, layoutFromHeaderLine, looksLikeHeaderLine, UnknownFieldError } from './flow-log-format.js';
import { GroupTable } from './group-table.js';
import { LineDecoder } from './line-decoder.js';
import type { FlowLogKeyInfo } from './s3-key.js';

/** A cleartext (status 0) or encryption-controls-rejected (`EC`) group: what alert rules classify. */
export type CleartextGroup = UnencryptedRow & { encryption_status: number | null };

export interface AggregateOptions {
  /** Aggregation window in seconds (default 300). */
  readonly windowSeconds?: number;
  /** Layout for objects without a header line (Firehose, CloudWatch exports). */
  readonly format?: FlowLogLayout;
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
}

export interface MalformedSample {
  readonly line: number;
  readonly reason: string;
  readonly text: string;
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

/** Thrown when an object as a whole cannot be read; nothing of it is written. */
export class ObjectRejectedError extends Error {
  constructor(message: string, readonly samples: readonly MalformedSample[] = []) {
    super(message);
    this.name = 'ObjectRejectedError';
  }
}

const SEP = ' ';
const NONE = -1;

/**
 * Consumes the lines of one flow-log object and aggregates them into `summary` groups and
 * cleartext groups. Pure: no I/O, no clock. Lines are passed as ranges of a chunk string.
 */
export class FlowLogAggregator {
  readonly stats: ParseStats;
  private readonly windowSeconds: number;
  private readonly maxGroups: number;
  private readonly maxSamples: number;
  private readonly summary = new GroupTable();
  private readonly cleartext = new GroupTable();
  private decoder: LineDecoder | undefined;
  private pos: Record<string, number> = {};
  private firstLineSeen = false;
  private readonly fallbackAccount: string;
  private readonly fallbackRegion: string;
  private readonly fileTimeSec: number;

  constructor(readonly objectName: string, keyInfo: FlowLogKeyInfo, private readonly options: AggregateOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 300;
    this.maxGroups = options.maxGroups ?? 200_000;
    this.maxSamples = options.maxSamples ?? 5;
    this.fallbackAccount = keyInfo.accountId ?? '-';
    this.fallbackRegion = keyInfo.region ?? '-';
    this.fileTimeSec = keyInfo.fileTimeMs !== undefined ? keyInfo.fileTimeMs / 1000 : NaN;
    this.stats = {
      lines: 0, records: 0, malformed: 0, malformedSamples: [], noData: {}, skipData: {}, cleartextRecords: 0,
      layoutOrigin: 'none', format: undefined, warnings: [],
    };
  }

  /** Feeds the line `text[start, end)`; a trailing CR is tolerated by the decoder. */
  pushLine(text: string, start: number, end: number): void {
    const stats = this.stats;
    stats.lines++;
    if (!this.firstLineSeen) {
      if (isBlank(text, start, end)) return;
      this.firstLineSeen = true;
      this.bindLayout(text.slice(start, end));
      if (this.stats.layoutOrigin === 'header') return;
    }
    const d = this.decoder!;
    const reason = d.decode(text, start, end);
    if (reason !== null) {
      if (isBlank(text, start, end)) return;
      this.malformed(stats.lines, reason, text, start, end);
      return;
    }
    stats.records++;
    const p = this.pos;

    const eni = p.interface_id === NONE ? '-' : d.token(p.interface_id!);
    if (p.log_status !== NONE && !d.tokenEquals(p.log_status!, 'OK')) {
      const counts = d.tokenEquals(p.log_status!, 'NODATA') ? stats.noData : stats.skipData;
      counts[eni] = (counts[eni] ?? 0) + 1;
      return;
    }

    const startSec = p.start !== NONE && !d.isNull[p.start!] ? num(d, p.start!) : NaN;
    const endSec = p.end !== NONE && !d.isNull[p.end!] ? num(d, p.end!) : NaN;
    const timeSec = startSec === startSec ? startSec : endSec === endSec ? endSec : this.fileTimeSec;
    if (timeSec !== timeSec) {
      this.malformed(stats.lines, 'no start or end time, and no file time in the object key', text, start, end);
      stats.records--;
      return;
    }
    const windowStart = Math.floor(timeSec / this.windowSeconds) * this.windowSeconds;
    const first = startSec === startSec ? startSec : timeSec;
    const last = endSec === endSec ? endSec : first;

    const account = this.tokenOr(p.account_id!, this.fallbackAccount);
    const region = this.tokenOr(p.region!, this.fallbackRegion);
    const vpc = this.tokenOr(p.vpc_id!, '-');
    const direction = this.tokenOr(p.flow_direction!, '-');
    const path = this.tokenOr(p.traffic_path!, '-');
    const status = this.tokenOr(p.encryption_status!, '-');
    const action = this.tokenOr(p.action!, '-');

    const packets = p.packets === NONE ? NaN : d.num[p.packets!]!;
    const bigPackets = p.packets === NONE ? undefined : d.big[p.packets!];
    const bytes = p.bytes === NONE ? NaN : d.num[p.bytes!]!;
    const bigBytes = p.bytes === NONE ? undefined : d.big[p.bytes!];

    const summaryKey = windowStart + SEP + account + SEP + region + SEP + vpc + SEP + this.tokenOr(p.subnet_id!, '-') +
      SEP + eni + SEP + direction + SEP + path + SEP + status + SEP + action;
    this.summary.add(summaryKey, packets, bigPackets, bytes, bigBytes, first, last);

    const rejectReason = this.tokenOr(p.reject_reason!, '-');
    if (status === '0' || rejectReason === 'EC') {
      if (status === '0') stats.cleartextRecords++;
      const src = this.preferred(p.pkt_srcaddr!, p.srcaddr!);
      const dst = this.preferred(p.pkt_dstaddr!, p.dstaddr!);
      const key = windowStart + SEP + account + SEP + region + SEP + vpc + SEP + eni + SEP + src + SEP + dst + SEP +
        this.tokenOr(p.protocol!, '-') + SEP + this.servicePort() + SEP + this.tokenOr(p.pkt_src_aws_service!, '-') +
        SEP + this.tokenOr(p.pkt_dst_aws_service!, '-') + SEP + path + SEP + direction + SEP + action + SEP +
        rejectReason + SEP + this.tokenOr(p.interface_type!, '-') + SEP + status;
      this.cleartext.add(key, packets, bigPackets, bytes, bigBytes, first, last);
    }

    if (this.options.onFlush && (this.summary.size >= this.maxGroups || this.cleartext.size >= this.maxGroups)) {
      this.options.onFlush(this.drain());
    }
  }

  /**
   * Ends the object: returns the remaining groups. Throws ObjectRejectedError when no layout
   * could be bound or when lines were present but none of them parsed.
   */
  finish(): AggregateBatch {
    const stats = this.stats;
    if (!this.firstLineSeen) throw new ObjectRejectedError('empty object: no lines');
    if (stats.records === 0 && stats.malformed > 0) {
      throw new ObjectRejectedError(
        `no line matched the ${stats.layoutOrigin === 'header' ? 'header line' : 'format'} ` +
          `(${stats.malformed} malformed lines; first: ${stats.malformedSamples[0]?.reason ?? '?'})`,
        stats.malformedSamples,
      );
    }
    return this.drain();
  }

  private drain(): AggregateBatch {
    const batch = { summary: summaryRows(this.summary), cleartext: cleartextRows(this.cleartext) };
    this.summary.clear();
    this.cleartext.clear();
    return batch;
  }

  private bindLayout(firstLine: string): void {
    let layout: FlowLogLayout | undefined;
    if (looksLikeHeaderLine(firstLine)) {
      try {
        layout = layoutFromHeaderLine(firstLine);
      } catch (err) {
        if (err instanceof UnknownFieldError) throw new ObjectRejectedError(`${err.message} (line 1)`);
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
    this.stats.format = layout.fields.map((f) => f.name).join(' ');
    this.decoder = new LineDecoder(layout);
    const position = (column: string) => layout.positionOf.get(column) ?? NONE;
    this.pos = Object.fromEntries(
      ['interface_id', 'log_status', 'start', 'end', 'account_id', 'region', 'vpc_id', 'subnet_id', 'flow_direction',
        'traffic_path', 'encryption_status', 'action', 'packets', 'bytes', 'reject_reason', 'srcaddr', 'dstaddr',
        'pkt_srcaddr', 'pkt_dstaddr', 'protocol', 'srcport', 'dstport', 'pkt_src_aws_service', 'pkt_dst_aws_service',
        'interface_type'].map((c) => [c, position(c)]),
    );
  }

  private tokenOr(position: number, fallback: string): string {
    if (position === NONE) return fallback;
    const d = this.decoder!;
    return d.isNull[position] ? fallback : d.token(position);
  }

  private preferred(packetLevel: number, interfaceLevel: number): string {
    const d = this.decoder!;
    if (packetLevel !== NONE && !d.isNull[packetLevel]) return d.token(packetLevel);
    return this.tokenOr(interfaceLevel, '-');
  }

  /** The service side of a conversation is the lower port: servers listen below the ephemeral ranges. */
  private servicePort(): string {
    const d = this.decoder!;
    const p = this.pos;
    const src = p.srcport === NONE || d.isNull[p.srcport!] ? NaN : d.num[p.srcport!]!;
    const dst = p.dstport === NONE || d.isNull[p.dstport!] ? NaN : d.num[p.dstport!]!;
    if (src !== src) return dst !== dst ? '-' : String(dst);
    if (dst !== dst) return String(src);
    return String(src < dst ? src : dst);
  }

  private malformed(line: number, reason: string, text: string, start: number, end: number): void {
    this.stats.malformed++;
    if (this.stats.malformedSamples.length < this.maxSamples) {
      this.stats.malformedSamples.push({ line, reason, text: text.slice(start, Math.min(end, start + 300)).trimEnd() });
    }
  }
}

function num(d: LineDecoder, position: number): number {
  const big = d.big[position];
  return big === undefined ? d.num[position]! : Number(big);
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function sameFields(a: FlowLogLayout, b: FlowLogLayout): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f === b.fields[i]);
}

const nullable = (token: string | undefined): string | null => (token === undefined || token === '-' ? null : token);
const nullableInt = (token: string | undefined): number | null => (token === undefined || token === '-' ? null : Number(token));
const int64 = (v: number | bigint): bigint => (typeof v === 'bigint' ? v : BigInt(v));

function summaryRows(groups: GroupTable): SummaryRow[] {
  const rows: SummaryRow[] = [];
  groups.forEach((key, flows, packets, bytes, first, last) => {
    const k = key.split(SEP);
    rows.push({
      window_start: Number(k[0]) * 1000,
      account_id: nullable(k[1]),
      region: nullable(k[2]),
      vpc_id: nullable(k[3]),
      subnet_id: nullable(k[4]),
      interface_id: nullable(k[5]),
      flow_direction: nullable(k[6]),
      traffic_path: nullableInt(k[7]),
      encryption_status: nullableInt(k[8]),
      action: nullable(k[9]),
      flows: BigInt(flows),
      packets: int64(packets),
      bytes: int64(bytes),
      first_seen: first * 1000,
      last_seen: last * 1000,
    });
  });
  return rows;
}

function cleartextRows(groups: GroupTable): CleartextGroup[] {
  const rows: CleartextGroup[] = [];
  groups.forEach((key, flows, packets, bytes, first, last) => {
    const k = key.split(SEP);
    rows.push({
      window_start: Number(k[0]) * 1000,
      account_id: nullable(k[1]),
      region: nullable(k[2]),
      vpc_id: nullable(k[3]),
      interface_id: nullable(k[4]),
      srcaddr: nullable(k[5]),
      dstaddr: nullable(k[6]),
      protocol: nullableInt(k[7]),
      port: nullableInt(k[8]),
      pkt_src_aws_service: nullable(k[9]),
      pkt_dst_aws_service: nullable(k[10]),
      traffic_path: nullableInt(k[11]),
      flow_direction: nullable(k[12]),
      action: nullable(k[13]),
      reject_reason: nullable(k[14]),
      interface_type: nullable(k[15]),
      encryption_status: nullableInt(k[16]),
      flows: BigInt(flows),
      packets: int64(packets),
      bytes: int64(bytes),
      first_seen: first * 1000,
      last_seen: last * 1000,
    });
  });
  return rows;
}
