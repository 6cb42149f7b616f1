/**
 * The aggregation kernel (WebAssembly) against a reference written here in plain TypeScript on
 * top of the line decoder: generators of layouts and of valid and hostile lines cut into random
 * chunks, the kernel run through FlowLogAggregator, the reference rules, and the check that both
 * give the same counts, reasons and groups, to the byte. Shared by the property test
 * (test/core/flow-kernel.property.test.ts) and the bench's long fuzz run (`npm run bench -- --fuzz N`).
 */
import { deepStrictEqual, match, ok, strictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { type AggregateBatch, FlowLogAggregator, type ParseStats } from '../../functions/core/flow-log-aggregator.js';
import {
  type FlowLogLayout,
  layoutFromFieldNames,
  layoutFromHeaderLine,
  looksLikeHeaderLine,
} from '../../functions/core/flow-log-format.js';
import { useKernelBuild } from '../../functions/core/kernel/flow-kernel.js';
import { FLOW_KERNEL_CHECKED_WASM } from '../../functions/core/kernel/flow-kernel-checked-wasm.js';
import { isBlankLine, LineDecoder } from '../../functions/core/line-decoder.js';
import { type FlowLogKeyInfo, parseFlowLogKey } from '../../functions/core/s3-key.js';
import { FLOW_LOG_FIELDS, type FlowLogFieldSpec, fieldKind } from '../../schemas/flow-log-fields.js';

/**
 * Runs every kernel of this process on the checked build (the same source with its assertions on:
 * a broken contract traps with its message instead of giving wrong groups). The property test and
 * the fuzz run call it first.
 */
export function useCheckedKernel(): void {
  useKernelBuild('checked', FLOW_KERNEL_CHECKED_WASM);
}

export const KEY =
  'AWSLogs/123456789012/vpcflowlogs/us-east-1/2025/11/21/123456789012_vpcflowlogs_us-east-1_fl-1a_20251121T1005Z_ab.log.gz';
export const NO_KEY = 'plain.log';

/** Fields the aggregation reads, always offered to the layout generator (others are drawn at random). */
const KEY_FIELDS = [
  'account-id',
  'region',
  'vpc-id',
  'subnet-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
  'flow-direction',
  'traffic-path',
  'encryption-status',
  'reject-reason',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'interface-type',
];
const spec = (name: string) => FLOW_LOG_FIELDS.find((f) => f.name === name)!;

const layouts = fc
  .tuple(
    fc.shuffledSubarray(KEY_FIELDS, { minLength: 1 }),
    fc.shuffledSubarray(
      FLOW_LOG_FIELDS.filter((f) => !KEY_FIELDS.includes(f.name)).map((f) => f.name),
      { maxLength: 4 },
    ),
  )
  .chain(([key, other]) => fc.shuffledSubarray([...key, ...other], { minLength: key.length + other.length }));

/** A few values per field so that groups repeat; sums near and past 2^53 and 2^64. */
function validToken(field: FlowLogFieldSpec): fc.Arbitrary<string> {
  // Built once per field: arbitraries are immutable, and building them (stringMatching parses its
  // regex) for every field of every case cost far more than generating the values.
  let arbitrary = validTokens.get(field.name);
  if (!arbitrary) validTokens.set(field.name, (arbitrary = buildValidToken(field)));
  return arbitrary;
}
const validTokens = new Map<string, fc.Arbitrary<string>>();

function buildValidToken(field: FlowLogFieldSpec): fc.Arbitrary<string> {
  const kind = fieldKind(field);
  if (field.enumValues) return fc.constantFrom(...field.enumValues);
  // Mostly one 5-minute window and a few values per field, so that groups collect several records.
  if (field.name === 'start' || field.name === 'end') {
    return fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1763700000, max: 1763700299 }).map(String) },
      { weight: 1, arbitrary: fc.integer({ min: 1763700300, max: 1763709000 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('0', '253402300799') },
    );
  }
  if (kind === 'string') {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('a', 'eni-0123456789abcdef0', '10.0.0.1', '2001:db8::1', 'a-b_c') },
      { weight: 1, arbitrary: fc.constant('x'.repeat(40)) },
      { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9.:-]{2,30}$/) },
    );
  }
  if (kind === 'int32') {
    return fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }).map(String) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 70000 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('2147483647', '0000000001') },
    );
  }
  return fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 5000 }).map(String) },
    // Every length to 18 digits, leading zeros included: the common values above are 1–4 digits long.
    { weight: 2, arbitrary: digitString(1, 18) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '9007199254740993',
        '9223372036854775807',
        '4611686018427387904',
        '0000000000000000000000042',
      ),
    },
  );
}

/** `min` to `max` decimal digits. */
function digitString(min: number, max: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
}

/**
 * Digits with one byte that is not a digit, anywhere in a token of up to 20 bytes: '/' and ':'
 * border '0'–'9' in ASCII, and the others share a digit's high or low nibble.
 */
const almostNumber = fc
  .tuple(digitString(1, 20), fc.nat(), fc.constantFrom('/', ':', 'p', 'y', '@', '#', '!', '~', 'a'))
  .map(([digits, at, c]) => {
    const p = at % digits.length;
    return digits.slice(0, p) + c + digits.slice(p + 1);
  });

/** Tokens that are wrong for some or every field. */
const hostileToken = fc.oneof(
  almostNumber,
  fc.constantFrom(
    '9223372036854775808',
    '99999999999999999999',
    '2147483648',
    '00000000001',
    '-5',
    '1e3',
    '12a',
    'accept',
    'NODATA',
    'SKIPDATA',
    'EC',
    '4',
    '9',
    '64',
    '253402300800',
    '-',
    'x\u0001y',
    '\u0000',
    'ok\u000b',
    '\u00ff\u00fe',
    // Not ASCII, DEL, and field names (a line of them reads as a header line).
    'é-ü',
    'del\u007f',
    '-\u00e9',
    'vpc-id',
    'account-id',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).map((t) => t.replace(/[ \t\r\n]/g, '_')),
);

export interface KernelCase {
  readonly layout: FlowLogLayout;
  readonly text: string;
  readonly key: string;
  readonly cuts: readonly number[];
}

export const kernelCases: fc.Arbitrary<KernelCase> = layouts.chain((names) => {
  const fields = names.map(spec);
  const line = fc
    .tuple(
      fc.tuple(
        ...fields.map((f) =>
          fc.oneof(
            { weight: 6, arbitrary: validToken(f) },
            { weight: 1, arbitrary: fc.constant('-') },
            { weight: 1, arbitrary: hostileToken },
          ),
        ),
      ),
      fc.constantFrom(' ', ' ', '  ', '\t', ' \r'),
      fc.constantFrom('', 'drop', 'extra', 'blank', 'header', 'ws', 'reordered', 'narrower'),
    )
    .map(([tokens, sep, twist]) => {
      if (twist === 'blank') return ' \t';
      if (twist === 'header') return names.join(' ');
      // A second header line (concatenated objects): the columns are bound again from there.
      if (twist === 'reordered') return [...names].reverse().join(' ');
      if (twist === 'narrower') return (names.length > 1 ? names.slice(1) : names).join(' ');
      const t = twist === 'drop' ? tokens.slice(1) : twist === 'extra' ? [...tokens, '7'] : tokens;
      return (twist === 'ws' ? '\t ' : '') + t.join(sep) + (twist === 'ws' ? ' \r' : '');
    });
  return fc.record({
    layout: fc.constant(layoutFromFieldNames(names, 'header')),
    text: fc
      .array(line, { minLength: 1, maxLength: 40 })
      .chain((lines) => fc.constantFrom('', '\n').map((last) => [names.join(' '), ...lines].join('\n') + last)),
    key: fc.constantFrom(KEY, NO_KEY),
    cuts: fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 6 }),
  });
});

/** FlowLogAggregator fed in chunks cut at `cuts`, with a small flush size. */
function viaKernel(c: KernelCase): { stats: ParseStats; summary: string[]; cleartext: string[] } {
  const batches: AggregateBatch[] = [];
  const agg = new FlowLogAggregator('t', parseFlowLogKey(c.key), { maxGroups: 7, onFlush: (b) => batches.push(b) });
  const bytes = Buffer.from(c.text, 'utf8');
  const cuts = [...new Set(c.cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    agg.pushChunk(bytes.subarray(from, cut));
    from = cut;
  }
  batches.push(agg.finish());
  return {
    stats: agg.stats,
    summary: merged(batches.flatMap((b) => b.summary)),
    cleartext: merged(batches.flatMap((b) => b.cleartext)),
  };
}

type Row = Record<string, unknown>;
const MEASURES = ['flows', 'packets', 'bytes', 'first_seen', 'last_seen'];

/** Rows with the same key (split across flushes) merged, as sorted JSON lines. */
function merged(rows: readonly Row[]): string[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    // A measure the layout lacks is null: rows before and after a second header line may differ in that.
    const key = JSON.stringify([
      ...Object.entries(row).filter(([k]) => !MEASURES.includes(k)),
      row.packets === null,
      row.bytes === null,
    ]);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...row });
      continue;
    }
    seen.flows = (seen.flows as bigint) + (row.flows as bigint);
    for (const m of ['packets', 'bytes']) seen[m] = seen[m] === null ? null : (seen[m] as bigint) + (row[m] as bigint);
    seen.first_seen = Math.min(seen.first_seen as number, row.first_seen as number);
    seen.last_seen = Math.max(seen.last_seen as number, row.last_seen as number);
  }
  return [...byKey.values()].map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
}

/** The address that listens on the service port (the lower one): a reply's source, a request's destination. */
function serverSide(src: number | null, dst: number | null): string | null {
  if (src === null && dst === null) return null;
  return dst === null || (src !== null && src < dst) ? 'src' : 'dst';
}

/** The reference found a second header line it cannot bind: the whole object is rejected. */
class RejectedByReference extends Error {}

/** The aggregation rules, spelled out on top of the line decoder. */
function reference(c: KernelCase): { stats: Partial<ParseStats>; summary: string[]; cleartext: string[] } {
  const info: FlowLogKeyInfo = parseFlowLogKey(c.key);
  const fileTime = info.fileTimeMs === undefined ? NaN : info.fileTimeMs / 1000;
  let layout = c.layout;
  let decoder = new LineDecoder(layout);
  const at = (column: string) => layout.positionOf.get(column);
  const text = (column: string): string | null => {
    const f = at(column);
    return f === undefined || decoder.isNull[f] ? null : decoder.token(f);
  };
  const int = (column: string): number | null => {
    const f = at(column);
    return f === undefined || decoder.isNull[f] ? null : decoder.num[f]!;
  };
  const int64 = (column: string): bigint | null => {
    const f = at(column);
    return f === undefined || decoder.isNull[f] ? null : (decoder.big[f] ?? BigInt(decoder.num[f]!));
  };
  const stats = {
    lines: 0,
    records: 0,
    malformed: 0,
    cleartextRecords: 0,
    noData: {} as Record<string, number>,
    skipData: {} as Record<string, number>,
    reasons: [] as string[],
  };
  const summary: Row[] = [];
  const cleartext: Row[] = [];
  const lines = c.text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let header = lines[0]!;
  stats.lines = lines.length;
  // Field names are never numbers or values of a closed set: only a layout of free-text fields
  // could read a header line as a record, so there header lines are looked for first.
  const freeText = (l: FlowLogLayout) => l.fields.every((f) => fieldKind(f) === 'string' && !f.enumValues);
  const headerAgain = (line: string) => {
    if (line.trim() === header) return true;
    if (!looksLikeHeaderLine(line)) return false;
    try {
      layout = layoutFromHeaderLine(line);
    } catch (err) {
      throw new RejectedByReference((err as Error).message);
    }
    decoder = new LineDecoder(layout);
    header = line.trim();
    return true;
  };
  lines.slice(1).forEach((line) => {
    if (freeText(layout) && /^[a-z]/.test(line) && headerAgain(line)) return;
    const bytes = Buffer.from(line, 'utf8');
    const reason = decoder.decodeBytes(bytes, 0, bytes.length);
    if (reason !== null) {
      if (isBlankLine(bytes, 0, bytes.length) || headerAgain(line)) return;
      stats.malformed++;
      stats.reasons.push(reason);
      return;
    }
    const status = text('log_status');
    if (status === 'NODATA' || status === 'SKIPDATA') {
      stats.records++;
      const counts = status === 'NODATA' ? stats.noData : stats.skipData;
      const eni = text('interface_id') ?? '-';
      counts[eni] = (counts[eni] ?? 0) + 1;
      return;
    }
    const start = int64('start');
    const end = int64('end');
    const startSec = start === null ? NaN : Number(start);
    const endSec = end === null ? NaN : Number(end);
    if (startSec > 253402300799 || endSec > 253402300799) {
      stats.malformed++;
      stats.reasons.push(`${startSec > 253402300799 ? 'start' : 'end'}: not a Unix time in seconds (after year 9999)`);
      return;
    }
    const time = !Number.isNaN(startSec) ? startSec : !Number.isNaN(endSec) ? endSec : fileTime;
    if (Number.isNaN(time)) {
      stats.malformed++;
      stats.reasons.push('no start or end time, and no file time in the object key');
      return;
    }
    stats.records++;
    const first = !Number.isNaN(startSec) ? startSec : time;
    const last = !Number.isNaN(endSec) ? endSec : first;
    const shared = {
      window_start: Math.floor(time / 300) * 300 * 1000,
      account_id:
        at('account_id') !== undefined && text('account_id') !== null ? text('account_id') : (info.accountId ?? null),
      region: at('region') !== undefined && text('region') !== null ? text('region') : (info.region ?? null),
      vpc_id: text('vpc_id'),
    };
    const measures = {
      flows: 1n,
      packets: at('packets') === undefined ? null : (int64('packets') ?? 0n),
      bytes: at('bytes') === undefined ? null : (int64('bytes') ?? 0n),
      first_seen: first * 1000,
      last_seen: last * 1000,
    };
    const encryption = int('encryption_status');
    summary.push({
      ...shared,
      subnet_id: text('subnet_id'),
      interface_id: text('interface_id'),
      flow_direction: text('flow_direction'),
      traffic_path: int('traffic_path'),
      encryption_status: encryption,
      encryption_status_field: at('encryption_status') === undefined ? 'absent' : 'present',
      action: text('action'),
      ...measures,
    });
    const rejectReason = text('reject_reason');
    if (encryption === 0 || rejectReason === 'EC') {
      if (encryption === 0) stats.cleartextRecords++;
      const ports = [int('srcport'), int('dstport')].filter((p): p is number => p !== null);
      cleartext.push({
        ...shared,
        interface_id: text('interface_id'),
        srcaddr: text('pkt_srcaddr') ?? text('srcaddr'),
        dstaddr: text('pkt_dstaddr') ?? text('dstaddr'),
        protocol: int('protocol'),
        port: ports.length ? Math.min(...ports) : null,
        server_side: serverSide(int('srcport'), int('dstport')),
        pkt_src_aws_service: text('pkt_src_aws_service'),
        pkt_dst_aws_service: text('pkt_dst_aws_service'),
        traffic_path: int('traffic_path'),
        flow_direction: text('flow_direction'),
        action: text('action'),
        reject_reason: rejectReason,
        interface_type: text('interface_type'),
        ...measures,
        encryption_status: encryption,
      });
    }
  });
  return { stats, summary: merged(summary), cleartext: merged(cleartext) };
}

/**
 * Throws (node:assert) when the kernel and the reference disagree on a case: counts, the first
 * five reasons, the groups of both tables; an object the kernel rejects whole must have no record
 * by the reference either.
 */
export function checkKernelAgainstReference(c: KernelCase): void {
  let expected: ReturnType<typeof reference>;
  try {
    expected = reference(c);
  } catch (err) {
    if (!(err instanceof RejectedByReference)) throw err;
    // A second header line that cannot be bound rejects the object: never read on with the old columns.
    let rejection: unknown;
    try {
      viaKernel(c);
    } catch (e) {
      rejection = e;
    }
    match(
      (rejection as Error | undefined)?.message ?? 'accepted',
      /^line \d+: a second header line that cannot be bound: /,
    );
    return;
  }
  let actual: ReturnType<typeof viaKernel>;
  try {
    actual = viaKernel(c);
  } catch (err) {
    // An object with malformed lines only is rejected whole; the reference must agree.
    strictEqual(expected.stats.records, 0);
    match((err as Error).message, /^no line matched the header line/);
    return;
  }
  const { stats } = actual;
  deepStrictEqual(
    {
      lines: stats.lines,
      records: stats.records,
      malformed: stats.malformed,
      cleartextRecords: stats.cleartextRecords,
      noData: { ...stats.noData },
      skipData: { ...stats.skipData },
      reasons: stats.malformedSamples.map((s) => s.reason),
    },
    { ...expected.stats, reasons: (expected.stats as { reasons: string[] }).reasons.slice(0, 5) },
  );
  ok(
    stats.malformedSamples.every((s) => !s.reason.startsWith('internal error')),
    'an internal error reason',
  );
  deepStrictEqual(actual.summary, expected.summary);
  deepStrictEqual(actual.cleartext, expected.cleartext);
}
