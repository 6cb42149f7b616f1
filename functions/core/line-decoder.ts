import { fieldKind } from '../../schemas/flow-log-fields.js';
import type { FlowLogLayout } from './flow-log-format.js';

const KIND_STRING = 0;
const KIND_ENUM = 1;
const KIND_INT32 = 2;
const KIND_INT64 = 3;
const MAX_INT64 = 9223372036854775807n;
/** Integers with at most 15 digits are exact as doubles; longer int64 values become bigint. */
const SAFE_DIGITS = 15;
const EMPTY = new Uint8Array(0);

/** A decoded field value: `-` is null; int64 values beyond 15 digits are bigint. */
export type FieldValue = string | number | bigint | null;

/** UTF-8 text of `bytes[start, end)` (flow-log text is ASCII; UTF-8 keeps any other value intact). */
export function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/** True when `bytes[start, end)` holds only separators (spaces, tabs, CRs). */
export function isBlankLine(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * Decodes one flow-log line against a layout without allocating per field: one pass finds the
 * tokens, parses every integer and checks every enum; token offsets, numbers and enum indexes
 * land in reusable typed arrays, and strings are made only when asked for.
 *
 * This is the reference for what a well-formed line is, and it words every reason a line is
 * not. Bulk ingest decodes in the aggregation kernel (functions/core/kernel/), which applies the
 * same rules and hands every line it refuses back to this decoder for the reason;
 * test/core/flow-kernel.property.test.ts holds the two to the same verdicts.
 */
export class LineDecoder {
  readonly fieldCount: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Numeric value of each int field (NaN for null or bigint). */
  readonly num: Float64Array;
  readonly isNull: Uint8Array;
  /** Enum string fields: 1 + the index of the value in the field's `enumValues`; 0 when null. */
  readonly enumIndex: Uint8Array;
  readonly big: (bigint | undefined)[];
  /** The bytes the last decoded line lives in (`starts`/`ends` index into them). */
  bytes: Uint8Array = EMPTY;
  private readonly kinds: Uint8Array;
  private readonly enumBytes: (readonly Uint8Array[] | undefined)[];
  /** Int enum fields: allowed[v] === 1 for allowed values v. */
  private readonly intAllowed: (Uint8Array | undefined)[];
  private scratch: Buffer = Buffer.alloc(1024);

  constructor(readonly layout: FlowLogLayout) {
    const n = layout.fields.length;
    this.fieldCount = n;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.num = new Float64Array(n);
    this.isNull = new Uint8Array(n);
    this.enumIndex = new Uint8Array(n);
    this.big = new Array<bigint | undefined>(n).fill(undefined);
    this.kinds = new Uint8Array(n);
    this.enumBytes = [];
    this.intAllowed = [];
    layout.fields.forEach((spec, i) => {
      const kind = fieldKind(spec);
      const values = spec.enumValues;
      this.kinds[i] =
        kind === 'string' ? (values ? KIND_ENUM : KIND_STRING) : kind === 'int32' ? KIND_INT32 : KIND_INT64;
      this.enumBytes.push(kind === 'string' && values ? values.map((v) => Buffer.from(v, 'latin1')) : undefined);
      let allowed: Uint8Array | undefined;
      if (kind !== 'string' && values) {
        allowed = new Uint8Array(Math.max(...values.map(Number)) + 1);
        for (const v of values) allowed[Number(v)] = 1;
      }
      this.intAllowed.push(allowed);
    });
  }

  /**
   * Tokenizes and validates `text[start, end)`. Returns null when the line is well formed,
   * otherwise the reason it is malformed.
   */
  decode(text: string, start: number, end: number): string | null {
    const line = start === 0 && end === text.length ? text : text.slice(start, end);
    if (line.length * 3 > this.scratch.length) this.scratch = Buffer.alloc(line.length * 3 + 64);
    const length = this.scratch.write(line, 0, 'utf8');
    return this.decodeBytes(this.scratch, 0, length);
  }

  /**
   * Tokenizes and validates the line `bytes[start, end)` (separators: runs of spaces, tabs and
   * CRs). Returns null when the line is well formed, otherwise the reason it is malformed. Any
   * other control character (below 0x20, newline included, or DEL) and any byte that is not ASCII
   * makes the line malformed: flow-log text never holds one, a value with a control character
   * inside could not be told from two, and no table may hold a string that is not valid UTF-8.
   */
  decodeBytes(bytes: Uint8Array, start: number, end: number): string | null {
    this.bytes = bytes;
    const n = this.fieldCount;
    const starts = this.starts;
    const ends = this.ends;
    const kinds = this.kinds;
    const isNull = this.isNull;
    const num = this.num;
    // The first invalid field; reported only once the field count is known to be right.
    let invalidField = -1;
    let invalidWhy = 0;
    let f = 0;
    let i = start;
    let c = 0;
    for (;;) {
      while (i < end && ((c = bytes[i]!) === 32 || c === 9 || c === 13)) i++;
      if (i >= end) break;
      if (!printable(c)) return this.unreadable(c, f, i - start);
      const s = i;
      if (f >= n) {
        while (i < end && printable(bytes[i]!)) i++;
        f++;
        continue;
      }
      const kind = kinds[f]!;
      if (kind < KIND_INT32) {
        // Four bytes a step while all four are inside the token (tokens average 9 bytes).
        while (
          i + 4 <= end &&
          printable(bytes[i]!) &&
          printable(bytes[i + 1]!) &&
          printable(bytes[i + 2]!) &&
          printable(bytes[i + 3]!)
        )
          i += 4;
        while (i < end && printable(bytes[i]!)) i++;
        if (i < end && (c = bytes[i]!) !== 32 && c !== 9 && c !== 13) return this.unreadable(c, f, i - start);
        starts[f] = s;
        ends[f] = i;
        if (i - s === 1 && bytes[s] === 45 /* - */) {
          isNull[f] = 1;
          this.enumIndex[f] = 0;
        } else {
          isNull[f] = 0;
          if (kind === KIND_ENUM) {
            const index = enumIndexOf(bytes, s, i, this.enumBytes[f]!);
            this.enumIndex[f] = index;
            if (index === 0 && invalidField < 0) {
              invalidField = f;
              invalidWhy = WHY_ENUM;
            }
          }
        }
        f++;
        continue;
      }
      let v = 0;
      let digitsOk = true;
      let d = 0;
      // Digits first (one test a byte); anything else up to the separator makes it not a number.
      while (i < end && (d = bytes[i]! - 48) >= 0 && d <= 9) {
        v = v * 10 + d;
        i++;
      }
      if (i < end && printable(bytes[i]!)) {
        digitsOk = false;
        while (i < end && printable(bytes[i]!)) i++;
      }
      if (i < end && (c = bytes[i]!) !== 32 && c !== 9 && c !== 13) return this.unreadable(c, f, i - start);
      starts[f] = s;
      ends[f] = i;
      const digits = i - s;
      if (digits === 1 && bytes[s] === 45 /* - */) {
        isNull[f] = 1;
        num[f] = NaN;
        this.big[f] = undefined;
        f++;
        continue;
      }
      isNull[f] = 0;
      if (!digitsOk) {
        if (invalidField < 0) {
          invalidField = f;
          invalidWhy = WHY_NUMBER;
        }
      } else if (kind === KIND_INT32) {
        const allowed = this.intAllowed[f];
        if (digits > 10 || v > 2147483647) {
          if (invalidField < 0) {
            invalidField = f;
            invalidWhy = WHY_INT32;
          }
        } else if (allowed !== undefined && allowed[v] !== 1) {
          if (invalidField < 0) {
            invalidField = f;
            invalidWhy = WHY_ENUM;
          }
        }
        num[f] = v;
        this.big[f] = undefined;
      } else if (digits <= SAFE_DIGITS) {
        num[f] = v;
        this.big[f] = undefined;
      } else {
        const b = BigInt(utf8Text(bytes, s, i));
        if (b > MAX_INT64) {
          if (invalidField < 0) {
            invalidField = f;
            invalidWhy = WHY_INT64;
          }
        } else if (b <= MAX_SAFE) {
          num[f] = Number(b);
          this.big[f] = undefined;
        } else {
          num[f] = NaN;
          this.big[f] = b;
        }
      }
      f++;
    }
    if (f !== n) return `expected ${n} fields, found ${f}`;
    if (invalidField >= 0) return this.reason(invalidField, invalidWhy);
    return null;
  }

  /**
   * A byte no flow-log text holds, at (0-based) column `at`, in field `f`: a control character
   * (below 0x20 other than tab and CR, or DEL) or a byte that is not ASCII. Flow-log text is ASCII
   * (AWS percent-encodes the tag values of version 11), so invalid UTF-8 never reaches a table.
   */
  private unreadable(c: number, f: number, at: number): string {
    const field = f < this.fieldCount ? `${this.layout.fields[f]!.name}: ` : '';
    const what = c < 32 || c === 127 ? 'control character' : 'byte';
    const why = c > 127 ? ' is not ASCII (flow-log text is ASCII)' : '';
    return `${field}${what} 0x${c.toString(16).padStart(2, '0')} at column ${at + 1}${why}`;
  }

  private reason(f: number, why: number): string {
    const name = this.layout.fields[f]!.name;
    const token = this.token(f);
    switch (why) {
      case WHY_NUMBER:
        return `${name}: not a number "${token}"`;
      case WHY_INT32:
        return `${name}: out of int32 range "${token}"`;
      case WHY_INT64:
        return `${name}: out of int64 range "${token}"`;
      default:
        return `${name}: unknown value "${token}"`;
    }
  }

  /** The raw token of field `f` of the last decoded line (`-` for null). */
  token(f: number): string {
    return utf8Text(this.bytes, this.starts[f]!, this.ends[f]!);
  }

  /** The decoded value of field `f` of the last decoded line. */
  value(f: number): FieldValue {
    if (this.isNull[f]) return null;
    if (this.kinds[f]! < KIND_INT32) return this.token(f);
    return this.big[f] ?? this.num[f]!;
  }
}

/** A byte a flow-log token may hold: printable ASCII, 0x21 to 0x7e. */
const printable = (c: number) => c > 32 && c < 127;

const WHY_NUMBER = 1;
const WHY_INT32 = 2;
const WHY_INT64 = 3;
const WHY_ENUM = 4;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** 1 + the index of `bytes[s, e)` among `allowed`, or 0 when it is none of them. */
function enumIndexOf(bytes: Uint8Array, s: number, e: number, allowed: readonly Uint8Array[]): number {
  const len = e - s;
  outer: for (let k = 0; k < allowed.length; k++) {
    const word = allowed[k]!;
    if (word.length !== len) continue;
    for (let j = 0; j < len; j++) if (bytes[s + j] !== word[j]) continue outer;
    return k + 1;
  }
  return 0;
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
