import { fieldKind } from '../../schemas/flow-log-fields.js';
import type { FlowLogLayout } from './flow-log-format.js';

const KIND_STRING = 0;
const KIND_INT32 = 1;
const KIND_INT64 = 2;
const MAX_INT64 = 9223372036854775807n;
/** Integers with at most 15 digits are exact as doubles; longer int64 values become bigint. */
const SAFE_DIGITS = 15;

/** A decoded field value: `-` is null; int64 values beyond 15 digits are bigint. */
export type FieldValue = string | number | bigint | null;

/**
 * Decodes one flow-log line against a layout without allocating per field: token offsets and
 * numeric values land in reusable typed arrays; strings are sliced only when asked for.
 * The line is given as a range of a larger chunk string, so lines are never copied either.
 */
export class LineDecoder {
  readonly fieldCount: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Numeric value of each int field (NaN for null or bigint). */
  readonly num: Float64Array;
  readonly isNull: Uint8Array;
  readonly big: (bigint | undefined)[];
  text = '';
  private readonly kinds: Uint8Array;
  private readonly enums: (readonly string[] | undefined)[];
  private readonly intEnums: (Set<number> | undefined)[];

  constructor(readonly layout: FlowLogLayout) {
    const n = layout.fields.length;
    this.fieldCount = n;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.num = new Float64Array(n);
    this.isNull = new Uint8Array(n);
    this.big = new Array<bigint | undefined>(n).fill(undefined);
    this.kinds = new Uint8Array(n);
    this.enums = [];
    this.intEnums = [];
    layout.fields.forEach((spec, i) => {
      const kind = fieldKind(spec);
      this.kinds[i] = kind === 'string' ? KIND_STRING : kind === 'int32' ? KIND_INT32 : KIND_INT64;
      this.enums.push(kind === 'string' ? spec.enumValues : undefined);
      this.intEnums.push(kind !== 'string' && spec.enumValues ? new Set(spec.enumValues.map(Number)) : undefined);
    });
  }

  /**
   * Tokenizes and validates `text[start, end)`. Returns null when the line is well formed,
   * otherwise the reason it is malformed.
   */
  decode(text: string, start: number, end: number): string | null {
    this.text = text;
    const n = this.fieldCount;
    const starts = this.starts;
    const ends = this.ends;
    let count = 0;
    let i = start;
    for (;;) {
      let c = 0;
      while (i < end && ((c = text.charCodeAt(i)) === 32 || c === 9 || c === 13)) i++;
      if (i >= end) break;
      const s = i;
      while (i < end && (c = text.charCodeAt(i)) !== 32 && c !== 9 && c !== 13) i++;
      if (count < n) {
        starts[count] = s;
        ends[count] = i;
      }
      count++;
    }
    if (count !== n) return `expected ${n} fields, found ${count}`;

    for (let f = 0; f < n; f++) {
      const s = starts[f]!;
      const e = ends[f]!;
      if (e - s === 1 && text.charCodeAt(s) === 45 /* - */) {
        this.isNull[f] = 1;
        this.num[f] = NaN;
        this.big[f] = undefined;
        continue;
      }
      this.isNull[f] = 0;
      const kind = this.kinds[f];
      if (kind === KIND_STRING) {
        const allowed = this.enums[f];
        if (allowed !== undefined && !matchesOne(text, s, e, allowed)) {
          return `${this.layout.fields[f]!.name}: unknown value "${text.slice(s, e)}"`;
        }
        continue;
      }
      const digits = e - s;
      let v = 0;
      for (let p = s; p < e; p++) {
        const d = text.charCodeAt(p) - 48;
        if (d < 0 || d > 9) return `${this.layout.fields[f]!.name}: not a number "${text.slice(s, e)}"`;
        v = v * 10 + d;
      }
      if (kind === KIND_INT32) {
        if (digits > 10 || v > 2147483647) return `${this.layout.fields[f]!.name}: out of int32 range "${text.slice(s, e)}"`;
        const allowed = this.intEnums[f];
        if (allowed !== undefined && !allowed.has(v)) {
          return `${this.layout.fields[f]!.name}: unknown value "${text.slice(s, e)}"`;
        }
        this.num[f] = v;
        this.big[f] = undefined;
      } else if (digits <= SAFE_DIGITS) {
        this.num[f] = v;
        this.big[f] = undefined;
      } else {
        const b = BigInt(text.slice(s, e));
        if (b > MAX_INT64) return `${this.layout.fields[f]!.name}: out of int64 range "${text.slice(s, e)}"`;
        if (b <= BigInt(Number.MAX_SAFE_INTEGER)) {
          this.num[f] = Number(b);
          this.big[f] = undefined;
        } else {
          this.num[f] = NaN;
          this.big[f] = b;
        }
      }
    }
    return null;
  }

  /** The raw token of field `f` of the last decoded line (`-` for null). */
  token(f: number): string {
    return this.text.slice(this.starts[f]!, this.ends[f]!);
  }

  /** The decoded value of field `f` of the last decoded line. */
  value(f: number): FieldValue {
    if (this.isNull[f]) return null;
    if (this.kinds[f] === KIND_STRING) return this.token(f);
    return this.big[f] ?? this.num[f]!;
  }

  /** True when field `f` of the last decoded line equals `word` (no allocation). */
  tokenEquals(f: number, word: string): boolean {
    const s = this.starts[f]!;
    return this.ends[f]! - s === word.length && this.text.startsWith(word, s);
  }
}

function matchesOne(text: string, s: number, e: number, allowed: readonly string[]): boolean {
  const len = e - s;
  for (const word of allowed) {
    if (word.length === len && text.startsWith(word, s)) return true;
  }
  return false;
}

/** A record decoded to plain values, keyed by column name (`encryption_status`). */
export type FlowLogRecord = Record<string, FieldValue>;

export type ParsedLine = { ok: true; record: FlowLogRecord } | { ok: false; reason: string };

/**
 * Parses one flow-log line into a record keyed by column names. The convenient, allocating
 * API for single records (Firehose, tests); bulk ingest uses LineDecoder directly.
 */
export function parseFlowLogLine(line: string, layout: FlowLogLayout, decoder = new LineDecoder(layout)): ParsedLine {
  const reason = decoder.decode(line, 0, line.length);
  if (reason !== null) return { ok: false, reason };
  const record: FlowLogRecord = {};
  layout.fields.forEach((spec, i) => {
    record[spec.column] = decoder.value(i);
  });
  return { ok: true, record };
}
