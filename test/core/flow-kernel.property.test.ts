/**
 * The aggregation kernel (WebAssembly) against a reference written here in plain TypeScript on
 * top of the line decoder: for any layout, any mix of valid and hostile lines and any chunking,
 * FlowLogAggregator must report the same counts and reasons and the same groups, to the byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AggregateBatch, FlowLogAggregator, type ParseStats } from '../../functions/core/flow-log-aggregator.js';
import {
  type FlowLogLayout,
  layoutFromFieldNames,
  layoutFromHeaderLine,
  looksLikeHeaderLine,
} from '../../functions/core/flow-log-format.js';
import { isBlankLine, LineDecoder } from '../../functions/core/line-decoder.js';
import { type FlowLogKeyInfo, parseFlowLogKey } from '../../functions/core/s3-key.js';
import { FLOW_LOG_FIELDS, type FlowLogFieldSpec, fieldKind } from '../../schemas/flow-log-fields.js';

const KEY =
  'AWSLogs/123456789012/vpcflowlogs/us-east-1/2025/11/21/123456789012_vpcflowlogs_us-east-1_fl-1a_20251121T1005Z_ab.log.gz';
const NO_KEY = 'plain.log';

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

/** Tokens that are wrong for some or every field. */
const hostileToken = fc.oneof(
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
    'é-ü',
    'del\u007f',
    '-\u00e9',
    'vpc-id',
    'account-id',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).map((t) => t.replace(/[ \t\r\n]/g, '_')),
);

interface Case {
  readonly layout: FlowLogLayout;
  readonly text: string;
  readonly key: string;
  readonly cuts: readonly number[];
}

const cases: fc.Arbitrary<Case> = layouts.chain((names) => {
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
function viaKernel(c: Case): { stats: ParseStats; summary: string[]; cleartext: string[] } {
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

/** The aggregation rules, spelled out on top of the line decoder. */
function reference(c: Case): { stats: Partial<ParseStats>; summary: string[]; cleartext: string[] } {
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
    layout = layoutFromHeaderLine(line);
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

describe('aggregation kernel against the reference rules', () => {
  it('same counts, reasons and groups for any layout, hostile lines and chunking', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const expected = reference(c);
        let actual: ReturnType<typeof viaKernel>;
        try {
          actual = viaKernel(c);
        } catch (err) {
          // An object with malformed lines only is rejected whole; the reference must agree.
          expect(expected.stats.records).toBe(0);
          expect((err as Error).message).toMatch(/^no line matched the header line/);
          return;
        }
        const { stats } = actual;
        expect({
          lines: stats.lines,
          records: stats.records,
          malformed: stats.malformed,
          cleartextRecords: stats.cleartextRecords,
          noData: stats.noData,
          skipData: stats.skipData,
          reasons: stats.malformedSamples.map((s) => s.reason),
        }).toEqual({ ...expected.stats, reasons: (expected.stats as { reasons: string[] }).reasons.slice(0, 5) });
        expect(stats.malformedSamples.every((s) => !s.reason.startsWith('internal error'))).toBe(true);
        expect(actual.summary).toEqual(expected.summary);
        expect(actual.cleartext).toEqual(expected.cleartext);
      }),
      { numRuns: 300 },
    );
  });
});

describe('aggregation kernel', () => {
  const header = 'version account-id interface-id packets bytes start end action log-status encryption-status';

  it('sums exactly past 2^53 and past 2^64 (u128 carry), through table and dictionary growth', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    const lines = [header];
    for (let i = 0; i < 20_000; i++) {
      const packets = i % 5000 === 7 ? '9223372036854775807' : String(i % 10);
      lines.push(
        `10 123456789012 eni-${(i % 5000).toString(16).padStart(17, '0')} ${packets} 1 ${1763700000 + (i % 100)} ${1763700001 + (i % 100)} ACCEPT OK 0`,
      );
    }
    agg.pushChunk(Buffer.from(lines.join('\n')));
    const batch = agg.finish();
    expect(agg.stats.records).toBe(20_000);
    const groups = new Map<string, bigint>();
    for (const r of batch.summary)
      groups.set(`${r.interface_id}`, (groups.get(`${r.interface_id}`) ?? 0n) + r.packets!);
    expect(groups.size).toBe(5000);
    // Four records of 2^63 - 1 land in one group (one ENI, one window): its sum passes 2^64.
    const total = batch.summary.reduce((n, r) => n + r.packets!, 0n);
    const expected = lines.slice(1).reduce((n, l) => n + BigInt(l.split(' ')[3]!), 0n);
    expect(total).toBe(expected);
    expect(batch.summary.some((r) => r.packets! > 2n ** 64n)).toBe(true);
    expect([...groups.keys()].every((eni) => /^eni-[0-9a-f]{17}$/.test(eni))).toBe(true);
  });

  it('keeps aggregators apart when they interleave, and starts clean from the pool', () => {
    const a = new FlowLogAggregator('a', parseFlowLogKey(KEY));
    const b = new FlowLogAggregator('b', parseFlowLogKey(NO_KEY));
    a.pushChunk(Buffer.from(`${header}\n10 111111111111 eni-a 1 10 1763700000 1763700001 ACCEPT OK 0\n`));
    b.pushChunk(Buffer.from(`${header}\n10 222222222222 eni-b 2 20 1763700000 1763700001 REJECT OK 1\n10 2222`));
    a.pushChunk(Buffer.from('10 111111111111 eni-a 1 10 1763700300 1763700301 ACCEPT OK 0'));
    b.pushChunk(Buffer.from('22222222 eni-b 2 20 1763700000 1763700002 REJECT OK 1\n'));
    const rowsA = a.finish().summary;
    const rowsB = b.finish().summary;
    expect(rowsA.map((r) => [r.interface_id, r.flows, r.bytes])).toEqual([
      ['eni-a', 1n, 10n],
      ['eni-a', 1n, 10n],
    ]);
    expect(rowsB.map((r) => [r.account_id, r.interface_id, r.flows, r.bytes, r.last_seen])).toEqual([
      ['222222222222', 'eni-b', 2n, 40n, 1763700002000],
    ]);
    // Kernels released by a and b are reused: nothing of theirs may show up.
    const c = new FlowLogAggregator('c', parseFlowLogKey(NO_KEY));
    c.pushLine(header, 0, header.length);
    c.pushLine('10 - - - - 1763700000 - ACCEPT OK -', 0, 35);
    expect(c.finish().summary).toEqual([
      expect.objectContaining({ account_id: null, interface_id: null, flows: 1n, packets: 0n }),
    ]);
  });

  it('refuses input after finish: its kernel is back in the pool', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    agg.pushLine(header, 0, header.length);
    agg.finish();
    expect(() => agg.pushLine(header, 0, header.length)).toThrow(/already finished/);
    expect(() => agg.finish()).toThrow(/already finished/);
  });

  it('rejects a run of more than 1 MiB without a newline, naming where it starts', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    agg.pushChunk(Buffer.from(`${header}\n`));
    expect(() => {
      for (let i = 0; i < 3; i++) agg.pushChunk(Buffer.alloc(512 * 1024, 0x61));
    }).toThrow(/no line break in the 1572864 characters after byte 92 of the text/);
  });

  it('counts a newline inside a line given whole (pushLine) as a malformed line, not two lines', () => {
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY));
    agg.pushLine(header, 0, header.length);
    const line = '10 123456789012 eni-a 1 10 1763700000 1763700001 ACCEPT OK 0';
    agg.pushLine(`${line}\n${line}`, 0, line.length * 2 + 1);
    agg.pushLine(line, 0, line.length);
    agg.finish();
    expect([agg.stats.lines, agg.stats.records, agg.stats.malformed]).toEqual([3, 1, 1]);
    expect(agg.stats.malformedSamples[0]!.reason).toBe('encryption-status: control character 0x0a at column 61');
  });
});
