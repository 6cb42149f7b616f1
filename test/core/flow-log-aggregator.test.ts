import { describe, expect, it } from 'vitest';
import {
  type AggregateBatch,
  type AggregateOptions,
  FlowLogAggregator,
  ObjectRejectedError,
} from '../../functions/core/flow-log-aggregator.js';
import { parseLogFormat } from '../../functions/core/flow-log-format.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';

const KEY =
  'AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/111111111111_vpcflowlogs_us-east-1_fl-0123abcd_20251121T1005Z_abcd0123.log.gz';
const T0 = 1763719200; // 2025-11-21T10:00:00Z

function aggregate(lines: string[], options: AggregateOptions = {}, key = KEY) {
  const agg = new FlowLogAggregator('test.log', parseFlowLogKey(key), options);
  for (const line of lines) agg.pushLine(line, 0, line.length);
  return { batch: agg.finish(), stats: agg.stats };
}

describe('FlowLogAggregator', () => {
  it('binds the header line and sums records into summary groups', () => {
    const { batch, stats } = aggregate([
      'interface-id vpc-id start end bytes packets encryption-status action',
      'eni-1 vpc-1 1763719203 1763719258 100 1 0 ACCEPT',
      'eni-1 vpc-1 1763719210 1763719290 50 2 0 ACCEPT',
      'eni-1 vpc-1 1763719210 1763719290 7 1 1 ACCEPT',
    ]);
    expect(stats.records).toBe(3);
    expect(batch.summary).toHaveLength(2);
    const clear = batch.summary.find((r) => r.encryption_status === 0)!;
    expect(clear).toMatchObject({
      interface_id: 'eni-1',
      vpc_id: 'vpc-1',
      account_id: '111111111111',
      region: 'us-east-1',
      flows: 2n,
      bytes: 150n,
      packets: 3n,
      window_start: 1763719200_000,
      first_seen: 1763719203_000,
      last_seen: 1763719290_000,
    });
    expect(batch.cleartext).toHaveLength(1);
  });

  // The kernel's dictionary slots hold a value's first 24 bytes inline and compare the rest in its arena.
  it('keeps values apart that share their first 24 bytes, around the 24-byte edge and past a rehash', () => {
    const prefix = 'vpc-0123456789abcdef01234'; // 25 bytes
    const edge = prefix.slice(0, 24);
    const ids = [edge, `${edge}5`, `${edge}6`, `${prefix}67`, `${prefix}68`, '2001:db8:ffff:ffff:ffff:ffff:ffff:1'];
    // Enough distinct values to grow the dictionary's table several times.
    for (let n = 0; n < 300; n++) ids.push(`vpc-${n.toString(16).padStart(17, '0')}`);
    const lines = ['interface-id vpc-id start end bytes packets'];
    for (const [n, id] of ids.entries())
      lines.push(`eni-1 ${id} ${T0 + 3} ${T0 + 9} ${n + 1} 1`, `eni-1 ${id} ${T0 + 4} ${T0 + 8} 1000 1`);
    const { batch } = aggregate(lines);
    expect(batch.summary).toHaveLength(ids.length);
    const byVpc = new Map(batch.summary.map((r) => [r.vpc_id, r]));
    expect([...byVpc.keys()].sort()).toEqual([...ids].sort());
    for (const [n, id] of ids.entries())
      expect(byVpc.get(id), id).toMatchObject({ flows: 2n, bytes: BigInt(n + 1001) });
  });

  it('keeps int64 sums above 2^53 exact', () => {
    const { batch } = aggregate(['start bytes', '1763719203 9007199254740993', '1763719203 9007199254740993']);
    expect(batch.summary[0]!.bytes).toBe(18014398509481986n);
  });

  it('moves a sum of small values that passes 2^53 to exact arithmetic', () => {
    const { batch } = aggregate(['start bytes', '1763719203 9007199254740991', '1763719203 3', '1763719203 5']);
    expect(batch.summary[0]!.bytes).toBe(9007199254740999n);
  });

  it('counts a malformed line and keeps the good ones', () => {
    const { batch, stats } = aggregate(['start action', '1763719203 ACCEPT', '1763719203 ACCEPTED', '1763719203']);
    expect(stats.malformed).toBe(2);
    expect(stats.malformedSamples.map((s) => s.line)).toEqual([3, 4]);
    expect(stats.malformedSamples[0]).toMatchObject({
      reason: 'action: unknown value "ACCEPTED"',
      text: '1763719203 ACCEPTED',
    });
    expect(batch.summary[0]!.flows).toBe(1n);
  });

  it('keeps at most maxSamples samples but counts every malformed line', () => {
    const lines = ['start packets', ...Array.from({ length: 9 }, () => `${T0} x`), `${T0} 1`];
    const { stats } = aggregate(lines, { maxSamples: 3 });
    expect(stats.malformed).toBe(9);
    expect(stats.malformedSamples.map((s) => s.line)).toEqual([2, 3, 4]);
  });

  it('rejects a headerless object without a format, and accepts it with one', () => {
    expect(() => aggregate(['2 123 eni-1'])).toThrow(ObjectRejectedError);
    const { stats } = aggregate(['eni-1 1763719203'], { format: parseLogFormat('${interface-id} ${start}') });
    expect(stats.records).toBe(1);
    expect(stats.layoutOrigin).toBe('format');
  });

  it('prefers the header line over --format and says so', () => {
    const { stats } = aggregate(['start bytes', `${T0} 5`], { format: parseLogFormat('bytes start') });
    expect(stats.layoutOrigin).toBe('header');
    expect(stats.warnings).toEqual(['header line differs from --format; the header line was used']);
  });

  it('skips blank lines (also before the header) without counting them as malformed', () => {
    const { stats } = aggregate(['', '  \r', 'start bytes', '', `${T0} 5\r`, '\t', `${T0} 6`]);
    expect(stats).toMatchObject({ lines: 7, records: 2, malformed: 0 });
  });

  it('counts NODATA and SKIPDATA per interface and does not aggregate them as flows', () => {
    const { batch, stats } = aggregate([
      'interface-id start end bytes action log-status',
      `eni-a ${T0} ${T0 + 60} - - NODATA`,
      `eni-a ${T0 + 60} ${T0 + 120} - - NODATA`,
      `eni-b ${T0} ${T0 + 60} - - SKIPDATA`,
      `eni-a ${T0} ${T0 + 60} 10 ACCEPT OK`,
    ]);
    expect(stats.noData).toEqual({ 'eni-a': 2 });
    expect(stats.skipData).toEqual({ 'eni-b': 1 });
    expect(stats.records).toBe(4);
    expect(batch.summary).toHaveLength(1);
    expect(batch.summary[0]).toMatchObject({ interface_id: 'eni-a', flows: 1n, bytes: 10n });
  });

  it('counts NODATA and SKIPDATA across flushes, for a null interface and a format without one, from zero in each object', () => {
    const lines = ['interface-id start end bytes log-status'];
    // Flushes every 10 groups: the counts of each flush's interfaces are kept, none is counted twice.
    for (let n = 0; n < 100; n++) {
      lines.push(`eni-${n} ${T0} ${T0 + 60} ${n + 1} OK`, `eni-${n % 7} ${T0} ${T0 + 60} - NODATA`);
      if (n % 10 === 0) lines.push(`- ${T0} ${T0 + 60} - SKIPDATA`);
    }
    const flushed: AggregateBatch[] = [];
    const { stats } = aggregate(lines, { maxGroups: 10, onFlush: (b) => flushed.push(b) });
    expect(flushed.length).toBeGreaterThanOrEqual(9);
    const expected: Record<string, number> = {};
    for (let n = 0; n < 100; n++) expected[`eni-${n % 7}`] = (expected[`eni-${n % 7}`] ?? 0) + 1;
    expect(stats.noData).toEqual(expected);
    expect(stats.skipData).toEqual({ '-': 10 });
    expect(stats.records).toBe(210);
    // The next object (the same pooled kernel) starts from no counts.
    expect(aggregate(['interface-id start log-status', `eni-z ${T0} SKIPDATA`]).stats).toMatchObject({
      noData: {},
      skipData: { 'eni-z': 1 },
    });
    expect(aggregate(['start end log-status', `${T0} ${T0 + 60} NODATA`]).stats.noData).toEqual({ '-': 1 });
  });

  it('floors start to the window and keeps first/last seen exact', () => {
    const lines = [
      'start end bytes',
      `${T0 + 299} ${T0 + 301} 1`,
      `${T0 + 300} ${T0 + 360} 2`,
      `${T0 + 1} ${T0 + 2} 4`,
    ];
    const five = aggregate(lines).batch.summary.map((r) => [r.window_start, r.bytes, r.first_seen, r.last_seen]);
    expect(five).toEqual([
      [T0 * 1000, 5n, (T0 + 1) * 1000, (T0 + 301) * 1000],
      [(T0 + 300) * 1000, 2n, (T0 + 300) * 1000, (T0 + 360) * 1000],
    ]);
    const minute = aggregate(lines, { windowSeconds: 60 }).batch.summary.map((r) => r.window_start);
    expect(minute.sort()).toEqual([T0 * 1000, (T0 + 240) * 1000, (T0 + 300) * 1000]);
  });

  it('uses end, then the file time of the key, when start is missing', () => {
    const byEnd = aggregate(['end bytes', `${T0 + 70} 1`]).batch.summary[0]!;
    expect(byEnd).toMatchObject({ window_start: T0 * 1000, first_seen: (T0 + 70) * 1000, last_seen: (T0 + 70) * 1000 });
    const byKey = aggregate(['interface-id bytes', 'eni-1 1']).batch.summary[0]!;
    expect(byKey.window_start).toBe(Date.UTC(2025, 10, 21, 10, 5));
    expect(() => aggregate(['interface-id bytes', 'eni-1 1'], {}, 'somewhere/flows.log')).toThrow(
      /no line matched.*no start or end time, and no file time in the object key/,
    );
  });

  it('takes account and region from the record when present, else from the key', () => {
    const fromRecord = aggregate(['account-id region start', `999999999999 eu-north-1 ${T0}`]).batch.summary[0]!;
    expect(fromRecord).toMatchObject({ account_id: '999999999999', region: 'eu-north-1' });
    const fromKey = aggregate(['account-id region start', `- - ${T0}`]).batch.summary[0]!;
    expect(fromKey).toMatchObject({ account_id: '111111111111', region: 'us-east-1' });
    const nowhere = aggregate(['start', `${T0}`], {}, 'flows.log').batch.summary[0]!;
    expect(nowhere).toMatchObject({ account_id: null, region: null, vpc_id: null, encryption_status: null });
  });

  it('leaves packets and bytes null when the format does not carry them', () => {
    const { batch } = aggregate(['interface-id start encryption-status', `eni-1 ${T0} 0`, `eni-1 ${T0} 0`]);
    expect(batch.summary[0]).toMatchObject({ flows: 2n, packets: null, bytes: null });
    expect(batch.cleartext[0]).toMatchObject({ flows: 2n, packets: null, bytes: null });
  });

  it('groups cleartext by packet-level addresses and the lower port', () => {
    const header =
      'interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport dstport protocol start bytes encryption-status';
    const { batch } = aggregate([
      header,
      // NAT gateway interface: dstaddr is the NAT's own address, pkt-dstaddr the real destination.
      `eni-nat 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 49152 80 6 ${T0} 10 0`,
      // Response to the same conversation: the lower port (80) is still the service port.
      `eni-nat 10.0.0.220 10.0.1.5 203.0.113.5 10.0.1.5 80 49152 6 ${T0} 20 0`,
      // No packet-level addresses: the interface-level ones are used.
      `eni-nat 10.0.1.5 10.0.0.220 - - 443 40000 6 ${T0} 30 0`,
      // Nitro-encrypted: not cleartext.
      `eni-nat 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 49152 80 6 ${T0} 40 1`,
    ]);
    const rows = batch.cleartext.map((r) => [r.srcaddr, r.dstaddr, r.port, r.bytes]);
    expect(rows).toEqual([
      ['10.0.1.5', '203.0.113.5', 80, 10n],
      ['203.0.113.5', '10.0.1.5', 80, 20n],
      ['10.0.1.5', '10.0.0.220', 443, 30n],
    ]);
  });

  it('uses the one known port when the other is null, and null when both are', () => {
    const { batch } = aggregate(['srcport dstport start bytes encryption-status', `- 53 ${T0} 1 0`, `- - ${T0} 2 0`]);
    expect(batch.cleartext.map((r) => r.port)).toEqual([53, null]);
  });

  it('hands encryption-controls rejections (reject-reason EC) to the cleartext groups', () => {
    const { batch, stats } = aggregate([
      'start action reject-reason encryption-status bytes',
      `${T0} REJECT EC 0 180`,
      `${T0} REJECT EC - 60`,
      `${T0} REJECT BPA 1 7`,
    ]);
    expect(stats.cleartextRecords).toBe(1);
    expect(batch.cleartext.map((r) => [r.reject_reason, r.encryption_status, r.bytes])).toEqual([
      ['EC', 0, 180n],
      ['EC', null, 60n],
    ]);
  });

  it('flushes groups early through onFlush when maxGroups is reached, losing nothing', () => {
    const batches: number[] = [];
    let flushed = 0n;
    const agg = new FlowLogAggregator('t', parseFlowLogKey(KEY), {
      maxGroups: 10,
      onFlush: (b) => {
        batches.push(b.summary.length);
        for (const r of b.summary) flushed += r.bytes!;
      },
    });
    const lines = ['interface-id start bytes', ...Array.from({ length: 35 }, (_, i) => `eni-${i} ${T0} ${i + 1}`)];
    for (const line of lines) agg.pushLine(line, 0, line.length);
    for (const r of agg.finish().summary) flushed += r.bytes!;
    expect(batches).toEqual([10, 10, 10]);
    expect(flushed).toBe(BigInt((35 * 36) / 2));
  });

  it('counts a start or end that is not Unix seconds (milliseconds, beyond year 9999) as malformed', () => {
    const { batch, stats } = aggregate([
      'start end bytes',
      `${T0}000 ${T0}060 1`,
      `${T0} 99999999999999 2`,
      `${T0} 253402300799 4`,
    ]);
    expect(stats.malformedSamples.map((s) => [s.line, s.reason])).toEqual([
      [2, 'start: not a Unix time in seconds (after year 9999)'],
      [3, 'end: not a Unix time in seconds (after year 9999)'],
    ]);
    expect(stats.records).toBe(1);
    expect(batch.summary[0]).toMatchObject({ bytes: 4n, last_seen: 253402300799_000 });
  });

  it('skips a repeat of the header line (concatenated objects) and binds the columns again at a different one', () => {
    const { stats, batch } = aggregate([
      'start bytes',
      `${T0} 1`,
      'start bytes\r',
      `${T0} 2`,
      'bytes start',
      `5 ${T0}`,
    ]);
    expect(stats).toMatchObject({ records: 3, malformed: 0 });
    expect(stats.warnings).toEqual(['line 5: another header line; the columns are bound to it from line 6 on']);
    expect(batch.summary.reduce((n, r) => n + r.bytes!, 0n)).toBe(8n);
  });

  it('a second header line without a measure flushes the groups first: bytes stay exact, then unknown', () => {
    const flushed: AggregateBatch[] = [];
    const { batch } = aggregate(['start bytes', `${T0} 7`, 'start', `${T0}`], { onFlush: (b) => flushed.push(b) });
    expect([...flushed, batch].flatMap((b) => b.summary).map((r) => [r.flows, r.bytes])).toEqual([
      [1n, 7n],
      [1n, null],
    ]);
  });

  it('without a flush target, rejects a second header line that changes the measures', () => {
    expect(() => aggregate(['start bytes', `${T0} 7`, 'start', `${T0}`])).toThrow(
      /^line 3: a second header line changes which of packets and bytes the records carry$/,
    );
  });

  it('keeps the two kinds of unknown status apart: `-` in the record vs a format without the field', () => {
    const withField = aggregate(['start bytes encryption-status', `${T0} 5 -`, `${T0} 6 1`]).batch.summary;
    expect(withField.map((r) => [r.encryption_status, r.encryption_status_field, r.bytes])).toEqual([
      [null, 'present', 5n],
      [1, 'present', 6n],
    ]);
    const withoutField = aggregate(['start bytes', `${T0} 7`]).batch.summary;
    expect(withoutField.map((r) => [r.encryption_status, r.encryption_status_field])).toEqual([[null, 'absent']]);
  });

  it('a second header line that adds encryption-status flushes the groups first, each with its own field value', () => {
    const flushed: AggregateBatch[] = [];
    const { batch } = aggregate(['start bytes', `${T0} 7`, 'start bytes encryption-status', `${T0} 8 -`], {
      onFlush: (b) => flushed.push(b),
    });
    expect(flushed).toHaveLength(1);
    expect([...flushed, batch].flatMap((b) => b.summary).map((r) => [r.bytes, r.encryption_status_field])).toEqual([
      [7n, 'absent'],
      [8n, 'present'],
    ]);
    expect(() => aggregate(['start bytes', `${T0} 7`, 'start bytes encryption-status', `${T0} 8 -`])).toThrow(
      /^line 3: a second header line changes whether the records carry encryption-status$/,
    );
  });

  it('finds header lines among records of a layout with free-text fields only', () => {
    const { stats, batch } = aggregate(['vpc-id interface-id', 'vpc-1 eni-1', 'interface-id vpc-id', 'eni-2 vpc-2']);
    expect(stats).toMatchObject({ records: 2, malformed: 0 });
    expect(batch.summary.map((r) => [r.vpc_id, r.interface_id])).toEqual([
      ['vpc-1', 'eni-1'],
      ['vpc-2', 'eni-2'],
    ]);
  });

  it('rejects the object at a second header line that names an unknown field', () => {
    expect(() => aggregate(['start bytes', `${T0} 1`, 'start bytes encryption-state'])).toThrow(
      /^line 3: a second header line that cannot be bound: unknown flow-log field "encryption-state" in header line$/,
    );
  });

  it('refuses a line with a byte that is not ASCII, naming the field: nothing invalid reaches a table', () => {
    const { stats, batch } = aggregate(['start bytes vpc-id', `${T0} 1 vpc-\u00ff\u00fe`, `${T0} 2 vpc-1`]);
    expect(stats.malformedSamples.map((s) => s.reason)).toEqual([
      'vpc-id: byte 0xc3 at column 18 is not ASCII (flow-log text is ASCII)',
    ]);
    expect(batch.summary.map((r) => r.vpc_id)).toEqual(['vpc-1']);
  });

  it('reads past a UTF-8 byte order mark before the header line', () => {
    const { stats } = aggregate(['\ufeffstart bytes', `${T0} 1`]);
    expect(stats).toMatchObject({ records: 1, malformed: 0, layoutOrigin: 'header' });
  });

  it('rejects an object in which no line parsed, naming the first reason', () => {
    expect(() => aggregate(['start bytes', 'x 1', 'y 2'])).toThrow(
      'no line matched the header line (2 malformed lines; first: start: not a number "x")',
    );
  });

  it('accepts a header-only object with no records', () => {
    const { batch, stats } = aggregate(['version account-id']);
    expect(stats).toMatchObject({ lines: 1, records: 0, malformed: 0, layoutOrigin: 'header' });
    expect(batch.summary).toEqual([]);
  });
});
