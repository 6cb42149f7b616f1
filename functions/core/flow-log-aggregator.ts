import { findFlowLogField } from '../../schemas/flow-log-fields.js';
import type { SummaryRow, UnencryptedRow } from '../../schemas/tables.js';
import { type FlowLogLayout, layoutFromHeaderLine, looksLikeHeaderLine, UnknownFieldError } from './flow-log-format.js';
import { type ColumnData, DictionarySnapshot, type GroupColumns, rowsOf } from './group-columns.js';
import { GroupTable, R_BYTES, R_FIRST, R_LAST, R_PACKETS, TokenDictionary } from './group-table.js';
import { isBlankLine, LineDecoder, utf8Text } from './line-decoder.js';
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
  /**
   * The same groups as columns (the aggregator's batches carry them; hand-made batches may not):
   * the Parquet sink encodes these without making a row object per group.
   */
  readonly columns?: { readonly summary: GroupColumns; readonly cleartext: GroupColumns };
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

const NONE = -1;
/** 9999-12-31T23:59:59Z: later values are not Unix seconds (often milliseconds) and no engine can store them. */
const MAX_UNIX_SECONDS = 253402300799;
/** Enum indexes (1 + position in the catalog's `enumValues`). */
const LOG_STATUS_OK = 1;
const LOG_STATUS_NODATA = 2;
const REJECT_REASON_EC = 2;

/** Positions in the layout of the fields the aggregation reads (NONE when absent). */
interface Positions {
  interface_id: number; log_status: number; start: number; end: number; account_id: number; region: number;
  vpc_id: number; subnet_id: number; flow_direction: number; traffic_path: number; encryption_status: number;
  action: number; packets: number; bytes: number; reject_reason: number; srcaddr: number; dstaddr: number;
  pkt_srcaddr: number; pkt_dstaddr: number; protocol: number; srcport: number; dstport: number;
  pkt_src_aws_service: number; pkt_dst_aws_service: number; interface_type: number;
}

const positionsOf = (layout: FlowLogLayout | undefined): Positions => {
  const at = (column: string) => layout?.positionOf.get(column) ?? NONE;
  return {
    interface_id: at('interface_id'), log_status: at('log_status'), start: at('start'), end: at('end'),
    account_id: at('account_id'), region: at('region'), vpc_id: at('vpc_id'), subnet_id: at('subnet_id'),
    flow_direction: at('flow_direction'), traffic_path: at('traffic_path'), encryption_status: at('encryption_status'),
    action: at('action'), packets: at('packets'), bytes: at('bytes'), reject_reason: at('reject_reason'),
    srcaddr: at('srcaddr'), dstaddr: at('dstaddr'), pkt_srcaddr: at('pkt_srcaddr'), pkt_dstaddr: at('pkt_dstaddr'),
    protocol: at('protocol'), srcport: at('srcport'), dstport: at('dstport'),
    pkt_src_aws_service: at('pkt_src_aws_service'), pkt_dst_aws_service: at('pkt_dst_aws_service'),
    interface_type: at('interface_type'),
  };
};

/** Key fields of every record: the decoder hashes their tokens while it scans them. */
const HASHED_COLUMNS = ['account_id', 'region', 'vpc_id', 'subnet_id', 'interface_id'];

// Key columns of the two group tables.
const S_WINDOW = 0, S_ACCOUNT = 1, S_REGION = 2, S_VPC = 3, S_SUBNET = 4, S_ENI = 5, S_DIRECTION = 6, S_PATH = 7,
  S_STATUS = 8, S_ACTION = 9, S_WIDTH = 10;
const C_WINDOW = 0, C_ACCOUNT = 1, C_REGION = 2, C_VPC = 3, C_ENI = 4, C_SRC = 5, C_DST = 6, C_PROTOCOL = 7, C_PORT = 8,
  C_SRC_SERVICE = 9, C_DST_SERVICE = 10, C_PATH = 11, C_DIRECTION = 12, C_ACTION = 13, C_REJECT = 14, C_IFTYPE = 15,
  C_STATUS = 16, C_WIDTH = 17;

/**
 * Consumes the lines of one flow-log object and aggregates them into `summary` groups and
 * cleartext groups. Pure: no I/O, no clock. Lines are byte ranges of a chunk (`pushBytes`, the
 * bulk path) or ranges of a string (`pushLine`).
 *
 * No string is made per line: key tokens are interned into per-column dictionaries (bytes →
 * small ids) and group keys are tuples of ids, so memory holds each distinct value once.
 */
export class FlowLogAggregator {
  readonly stats: ParseStats;
  private readonly windowSeconds: number;
  private readonly maxGroups: number;
  private readonly maxSamples: number;
  private readonly summary = new GroupTable(S_WIDTH);
  private readonly cleartext = new GroupTable(C_WIDTH);
  private readonly accounts = new TokenDictionary();
  private readonly regions = new TokenDictionary();
  private readonly vpcs = new TokenDictionary();
  private readonly subnets = new TokenDictionary();
  private readonly enis = new TokenDictionary();
  private readonly addresses = new TokenDictionary();
  private readonly services = new TokenDictionary();
  private readonly interfaceTypes = new TokenDictionary();
  /** Window start (epoch seconds) per window id. */
  private windows: number[] = [];
  private readonly windowIds = new Map<number, number>();
  private lastWindow = NaN;
  private lastWindowId = 0;
  private fallbackAccountId = -1;
  private fallbackRegionId = -1;
  private decoder: LineDecoder | undefined;
  private pos: Positions = positionsOf(undefined);
  private firstLineSeen = false;
  private headerLine = '';
  private scratch: Buffer = Buffer.alloc(1024);
  private readonly fallbackAccount: string;
  private readonly fallbackRegion: string;
  private readonly fileTimeSec: number;

  constructor(readonly objectName: string, keyInfo: FlowLogKeyInfo, private readonly options: AggregateOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 300;
    this.maxGroups = options.maxGroups ?? 100_000;
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
    const line = start === 0 && end === text.length ? text : text.slice(start, end);
    if (line.length * 3 > this.scratch.length) this.scratch = Buffer.alloc(line.length * 3 + 64);
    this.pushBytes(this.scratch, 0, this.scratch.write(line, 0, 'utf8'));
  }

  /** Feeds the line `bytes[start, end)` (UTF-8, without its newline; a trailing CR is tolerated). */
  pushBytes(bytes: Uint8Array, start: number, end: number): void {
    const stats = this.stats;
    stats.lines++;
    if (!this.firstLineSeen) {
      if (isBlankLine(bytes, start, end)) return;
      this.firstLineSeen = true;
      this.bindLayout(utf8Text(bytes, start, end));
      if (this.stats.layoutOrigin === 'header') return;
    }
    const d = this.decoder!;
    const reason = d.decodeBytes(bytes, start, end);
    if (reason !== null) {
      if (isBlankLine(bytes, start, end) || this.isHeaderAgain(bytes, start, end)) return;
      this.malformed(stats.lines, reason, bytes, start, end);
      return;
    }
    stats.records++;
    const p = this.pos;
    const isNull = d.isNull;
    const num = d.num;

    if (p.log_status !== NONE) {
      const status = d.enumIndex[p.log_status]!;
      if (status !== LOG_STATUS_OK && status !== 0) {
        const counts = status === LOG_STATUS_NODATA ? stats.noData : stats.skipData;
        const eni = p.interface_id === NONE ? '-' : d.token(p.interface_id);
        counts[eni] = (counts[eni] ?? 0) + 1;
        return;
      }
    }

    const startSec = p.start !== NONE && !isNull[p.start] ? num64(d, p.start) : NaN;
    const endSec = p.end !== NONE && !isNull[p.end] ? num64(d, p.end) : NaN;
    if (startSec > MAX_UNIX_SECONDS || endSec > MAX_UNIX_SECONDS) {
      const field = startSec > MAX_UNIX_SECONDS ? 'start' : 'end';
      this.malformed(stats.lines, `${field}: not a Unix time in seconds (after year 9999)`, bytes, start, end);
      stats.records--;
      return;
    }
    const timeSec = startSec === startSec ? startSec : endSec === endSec ? endSec : this.fileTimeSec;
    if (timeSec !== timeSec) {
      this.malformed(stats.lines, 'no start or end time, and no file time in the object key', bytes, start, end);
      stats.records--;
      return;
    }
    const windowStart = Math.floor(timeSec / this.windowSeconds) * this.windowSeconds;
    const window = windowStart === this.lastWindow ? this.lastWindowId : this.windowId(windowStart);
    const first = startSec === startSec ? startSec : timeSec;
    const last = endSec === endSec ? endSec : first;

    const hashes = d.hashes;
    const account = p.account_id !== NONE && !isNull[p.account_id]
      ? this.accounts.internHashed(bytes, d.starts[p.account_id]!, d.ends[p.account_id]!, hashes[p.account_id]!)
      : this.fallbackAccountKey();
    const region = p.region !== NONE && !isNull[p.region]
      ? this.regions.internHashed(bytes, d.starts[p.region]!, d.ends[p.region]!, hashes[p.region]!) : this.fallbackRegionKey();
    const vpc = this.hashedIdOf(p.vpc_id, this.vpcs);
    const eni = this.hashedIdOf(p.interface_id, this.enis);
    const direction = p.flow_direction === NONE ? 0 : d.enumIndex[p.flow_direction]!;
    const path = p.traffic_path === NONE || isNull[p.traffic_path] ? -1 : num[p.traffic_path]!;
    const status = p.encryption_status === NONE || isNull[p.encryption_status] ? -1 : num[p.encryption_status]!;
    const action = p.action === NONE ? 0 : d.enumIndex[p.action]!;

    const packets = p.packets === NONE ? NaN : num[p.packets]!;
    const bigPackets = p.packets === NONE ? undefined : d.big[p.packets];
    const bytesSent = p.bytes === NONE ? NaN : num[p.bytes]!;
    const bigBytes = p.bytes === NONE ? undefined : d.big[p.bytes];

    const s = this.summary.key;
    s[S_WINDOW] = window;
    s[S_ACCOUNT] = account;
    s[S_REGION] = region;
    s[S_VPC] = vpc;
    s[S_SUBNET] = this.hashedIdOf(p.subnet_id, this.subnets);
    s[S_ENI] = eni;
    s[S_DIRECTION] = direction;
    s[S_PATH] = path;
    s[S_STATUS] = status;
    s[S_ACTION] = action;
    const r = this.summary.record;
    r[R_PACKETS] = packets;
    r[R_BYTES] = bytesSent;
    r[R_FIRST] = first;
    r[R_LAST] = last;
    this.summary.add(bigPackets, bigBytes);

    const rejectReason = p.reject_reason === NONE ? 0 : d.enumIndex[p.reject_reason]!;
    if (status === 0 || rejectReason === REJECT_REASON_EC) {
      if (status === 0) stats.cleartextRecords++;
      const c = this.cleartext.key;
      c[C_WINDOW] = window;
      c[C_ACCOUNT] = account;
      c[C_REGION] = region;
      c[C_VPC] = vpc;
      c[C_ENI] = eni;
      c[C_SRC] = this.preferred(p.pkt_srcaddr, p.srcaddr);
      c[C_DST] = this.preferred(p.pkt_dstaddr, p.dstaddr);
      c[C_PROTOCOL] = p.protocol === NONE || isNull[p.protocol] ? -1 : num[p.protocol]!;
      c[C_PORT] = this.servicePort();
      c[C_SRC_SERVICE] = this.idOf(p.pkt_src_aws_service, this.services);
      c[C_DST_SERVICE] = this.idOf(p.pkt_dst_aws_service, this.services);
      c[C_PATH] = path;
      c[C_DIRECTION] = direction;
      c[C_ACTION] = action;
      c[C_REJECT] = rejectReason;
      c[C_IFTYPE] = this.idOf(p.interface_type, this.interfaceTypes);
      c[C_STATUS] = status;
      this.cleartext.record.set(r);
      this.cleartext.add(bigPackets, bigBytes);
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
    const shared = {
      accounts: this.accounts.snapshot(), regions: this.regions.snapshot(), vpcs: this.vpcs.snapshot(), enis: this.enis.snapshot(),
    };
    const columns = { summary: this.summaryColumns(shared), cleartext: this.cleartextColumns(shared) };
    this.summary.clear();
    this.cleartext.clear();
    for (const dictionary of [this.accounts, this.regions, this.vpcs, this.subnets, this.enis, this.addresses,
      this.services, this.interfaceTypes]) {
      dictionary.clear();
    }
    this.windows = [];
    this.windowIds.clear();
    this.lastWindow = NaN;
    this.fallbackAccountId = -1;
    this.fallbackRegionId = -1;
    return columnBatch(columns);
  }

  private bindLayout(firstLine: string): void {
    let layout: FlowLogLayout | undefined;
    if (looksLikeHeaderLine(firstLine)) {
      try {
        layout = layoutFromHeaderLine(firstLine);
      } catch (err) {
        if (err instanceof UnknownFieldError) throw new ObjectRejectedError(`${err.message} (line ${this.stats.lines})`);
        throw new ObjectRejectedError(`bad header line: ${(err as Error).message}`);
      }
      this.headerLine = firstLine.trim();
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
    this.decoder = new LineDecoder(layout, HASHED_COLUMNS);
    this.pos = positionsOf(layout);
  }

  /** Concatenated objects (`cat a.gz b.gz`) repeat the header line; a repeat is not data. */
  private isHeaderAgain(bytes: Uint8Array, start: number, end: number): boolean {
    return this.headerLine !== '' && utf8Text(bytes, start, end).trim() === this.headerLine;
  }

  private windowId(windowStart: number): number {
    let id = this.windowIds.get(windowStart);
    if (id === undefined) {
      id = this.windows.length;
      this.windows.push(windowStart);
      this.windowIds.set(windowStart, id);
    }
    this.lastWindow = windowStart;
    this.lastWindowId = id;
    return id;
  }

  private fallbackAccountKey(): number {
    if (this.fallbackAccountId < 0) this.fallbackAccountId = this.accounts.internString(this.fallbackAccount);
    return this.fallbackAccountId;
  }

  private fallbackRegionKey(): number {
    if (this.fallbackRegionId < 0) this.fallbackRegionId = this.regions.internString(this.fallbackRegion);
    return this.fallbackRegionId;
  }

  /** Dictionary id of the token at `position` (0, null, when absent or `-`). */
  private idOf(position: number, dictionary: TokenDictionary): number {
    if (position === NONE) return 0;
    const d = this.decoder!;
    return d.isNull[position] ? 0 : dictionary.intern(d.bytes, d.starts[position]!, d.ends[position]!);
  }

  /** `idOf` for the HASHED_COLUMNS: the decoder hashed the token while scanning it. */
  private hashedIdOf(position: number, dictionary: TokenDictionary): number {
    if (position === NONE) return 0;
    const d = this.decoder!;
    return d.isNull[position] ? 0 : dictionary.internHashed(d.bytes, d.starts[position]!, d.ends[position]!, d.hashes[position]!);
  }

  private preferred(packetLevel: number, interfaceLevel: number): number {
    const d = this.decoder!;
    if (packetLevel !== NONE && !d.isNull[packetLevel]) {
      return this.addresses.intern(d.bytes, d.starts[packetLevel]!, d.ends[packetLevel]!);
    }
    return this.idOf(interfaceLevel, this.addresses);
  }

  /** The service side of a conversation is the lower port: servers listen below the ephemeral ranges. -1 is null. */
  private servicePort(): number {
    const d = this.decoder!;
    const p = this.pos;
    const src = p.srcport === NONE || d.isNull[p.srcport] ? -1 : d.num[p.srcport]!;
    const dst = p.dstport === NONE || d.isNull[p.dstport] ? -1 : d.num[p.dstport]!;
    if (src < 0) return dst;
    if (dst < 0) return src;
    return src < dst ? src : dst;
  }

  private malformed(line: number, reason: string, bytes: Uint8Array, start: number, end: number): void {
    this.stats.malformed++;
    if (this.stats.malformedSamples.length < this.maxSamples) {
      this.stats.malformedSamples.push({ line, reason, text: utf8Text(bytes, start, Math.min(end, start + 300)).trimEnd() });
    }
  }

  /** The window_start column (epoch ms) of a table's window-id key column. */
  private windowColumn(ids: Int32Array): Float64Array {
    const out = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.windows[ids[i]!]! * 1000;
    return out;
  }

  private measureColumns(g: GroupTable): Record<string, ColumnData> {
    const ms = (seconds: Float64Array) => {
      for (let i = 0; i < seconds.length; i++) seconds[i]! *= 1000;
      return seconds;
    };
    return {
      flows: { type: 'int64', values: g.measureColumn('flows'), big: NO_BIG },
      // A measure the format does not carry is unknown (null), not zero.
      packets: { type: 'int64', values: this.pos.packets === NONE ? null : g.measureColumn('packets'), big: g.bigSums('packets') },
      bytes: { type: 'int64', values: this.pos.bytes === NONE ? null : g.measureColumn('bytes'), big: g.bigSums('bytes') },
      first_seen: { type: 'timestamp', values: ms(g.measureColumn('first')) },
      last_seen: { type: 'timestamp', values: ms(g.measureColumn('last')) },
    };
  }

  private summaryColumns(shared: SharedDictionaries): GroupColumns {
    const g = this.summary;
    return {
      length: g.size,
      columns: {
        window_start: { type: 'timestamp', values: this.windowColumn(g.keyColumn(S_WINDOW)) },
        account_id: textColumn(g, S_ACCOUNT, shared.accounts),
        region: textColumn(g, S_REGION, shared.regions),
        vpc_id: textColumn(g, S_VPC, shared.vpcs),
        subnet_id: textColumn(g, S_SUBNET, this.subnets.snapshot()),
        interface_id: textColumn(g, S_ENI, shared.enis),
        flow_direction: textColumn(g, S_DIRECTION, DIRECTIONS),
        traffic_path: intColumn(g, S_PATH),
        encryption_status: intColumn(g, S_STATUS),
        action: textColumn(g, S_ACTION, ACTIONS),
        ...this.measureColumns(g),
      },
    };
  }

  private cleartextColumns(shared: SharedDictionaries): GroupColumns {
    const g = this.cleartext;
    const addresses = this.addresses.snapshot();
    const services = this.services.snapshot();
    return {
      length: g.size,
      columns: {
        window_start: { type: 'timestamp', values: this.windowColumn(g.keyColumn(C_WINDOW)) },
        account_id: textColumn(g, C_ACCOUNT, shared.accounts),
        region: textColumn(g, C_REGION, shared.regions),
        vpc_id: textColumn(g, C_VPC, shared.vpcs),
        interface_id: textColumn(g, C_ENI, shared.enis),
        srcaddr: textColumn(g, C_SRC, addresses),
        dstaddr: textColumn(g, C_DST, addresses),
        protocol: intColumn(g, C_PROTOCOL),
        port: intColumn(g, C_PORT),
        pkt_src_aws_service: textColumn(g, C_SRC_SERVICE, services),
        pkt_dst_aws_service: textColumn(g, C_DST_SERVICE, services),
        traffic_path: intColumn(g, C_PATH),
        flow_direction: textColumn(g, C_DIRECTION, DIRECTIONS),
        action: textColumn(g, C_ACTION, ACTIONS),
        reject_reason: textColumn(g, C_REJECT, REJECT_REASONS),
        interface_type: textColumn(g, C_IFTYPE, this.interfaceTypes.snapshot()),
        ...this.measureColumns(g),
        encryption_status: intColumn(g, C_STATUS),
      },
    };
  }
}

const NO_BIG: ReadonlyMap<number, bigint> = new Map();

/** Dictionaries both tables key on, snapshotted once per drain. */
interface SharedDictionaries {
  readonly accounts: DictionarySnapshot;
  readonly regions: DictionarySnapshot;
  readonly vpcs: DictionarySnapshot;
  readonly enis: DictionarySnapshot;
}

const textColumn = (g: GroupTable, c: number, dictionary: DictionarySnapshot): ColumnData =>
  ({ type: 'string', ids: g.keyColumn(c), dictionary });
const intColumn = (g: GroupTable, c: number): ColumnData => ({ type: 'int32', values: g.keyColumn(c) });

/**
 * A batch whose rows are made only when read: the Parquet sink reads `columns`, while alert
 * rules and tests read `summary`/`cleartext` as before. Columns are immutable snapshots, so a
 * batch stays valid after the aggregator moves on.
 */
function columnBatch(columns: { summary: GroupColumns; cleartext: GroupColumns }): AggregateBatch {
  let summary: SummaryRow[] | undefined;
  let cleartext: CleartextGroup[] | undefined;
  const batch = {} as AggregateBatch;
  Object.defineProperties(batch, {
    summary: { enumerable: true, get: () => (summary ??= rowsOf<SummaryRow>(columns.summary)) },
    cleartext: { enumerable: true, get: () => (cleartext ??= rowsOf<CleartextGroup>(columns.cleartext)) },
    columns: { enumerable: false, value: columns },
  });
  return batch;
}

/** An int64 field as a number (start/end beyond 2^53 lose precision, which is fine for times). */
function num64(d: LineDecoder, position: number): number {
  const big = d.big[position];
  return big === undefined ? d.num[position]! : Number(big);
}

function sameFields(a: FlowLogLayout, b: FlowLogLayout): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => f === b.fields[i]);
}

/** Enum values by enum index (index 0 is null), from the field catalog. */
const enumValues = (column: string) => DictionarySnapshot.of(findFlowLogField(column)!.enumValues!);
const DIRECTIONS = enumValues('flow_direction');
const ACTIONS = enumValues('action');
const REJECT_REASONS = enumValues('reject_reason');

