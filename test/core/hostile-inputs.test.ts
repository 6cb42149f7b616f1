/**
 * Bad input is normal input: every object below goes through ingestObject (stream → decode →
 * aggregate → Parquet sink). Rejections name the object, malformed lines name object and line,
 * good records are never lost, and a rejected object writes no file.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { type IngestOptions, ingestObject } from '../../functions/core/ingest-object.js';
import { summarizeRun } from '../../functions/core/run-report.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { memoryObject, recordingSink, tempDir } from '../helpers/sources.js';

const KEY =
  'AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/111111111111_vpcflowlogs_us-east-1_fl-0123abcd_20251121T1005Z_abcd0123.log.gz';
const T0 = 1763719200;
const HEADER = 'interface-id start bytes packets action encryption-status';
const good = (n: number) => Array.from({ length: n }, (_, i) => `eni-${i % 7} ${T0 + i} ${100 + i} 1 ACCEPT ${i % 4}`);
const text = (lines: string[], end = '\n') => lines.join(end) + end;

async function ingest(
  body: Uint8Array | string,
  options: Omit<Partial<IngestOptions>, 'sink'> & { chunkSize?: number } = {},
) {
  const { sink, store, batches } = recordingSink();
  const object = memoryObject(`s3://bucket/${KEY}`, body, {
    key: KEY,
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
  });
  const report = await ingestObject(object, { sink, ...options });
  const run = summarizeRun([report], 1);
  return { report, store, batches, run, object };
}

function expectRejected(result: Awaited<ReturnType<typeof ingest>>, reason: RegExp | string) {
  const { report, store, run, object } = result;
  expect(report.status).toBe('rejected');
  expect(report.name).toBe(object.name);
  expect(report.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  expect(run.rejected).toEqual([{ name: object.name, reason: report.reason, samples: expect.any(Array) }]);
  expect(report.outputs).toEqual([]);
  expect(store.files.size).toBe(0);
}

describe('hostile objects are rejected whole, named, and write nothing', () => {
  it('a truncated gzip, even after groups were flushed early', async () => {
    const whole = gzipSync(text([HEADER, ...good(1500)]));
    const result = await ingest(whole.subarray(0, Math.floor(whole.length * 0.8)), { maxGroups: 40, chunkSize: 4096 });
    expectRejected(
      result,
      /^corrupt gzip: unexpected end of file within the first [\d,]+ compressed bytes \(the object is truncated\)$/,
    );
    expect(result.batches.length).toBeGreaterThan(1);
  });

  it('a gzip whose data was damaged (bad CRC or invalid deflate data)', async () => {
    const body = Buffer.from(gzipSync(text([HEADER, ...good(200)])));
    const middle = Math.floor(body.length / 2);
    body[middle] = body[middle]! ^ 0xff;
    expectRejected(await ingest(body), /^corrupt gzip: .+ within the first [\d,]+ compressed bytes \(damaged data/);
  });

  it('a binary object that is not gzip', async () => {
    const body = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256);
    expectRejected(await ingest(body), 'not gzip, Parquet or text: binary data in the first bytes');
  });

  it('text without a line break in over a MiB', async () => {
    expectRejected(
      await ingest('x'.repeat(3 << 20)),
      /^no line break in the \d+ characters after byte 0 of the text: not a flow-log text object$/,
    );
  });

  it('an empty object (0 bytes), also when the stream yields empty chunks', async () => {
    expectRejected(await ingest(new Uint8Array(0)), 'empty object: 0 bytes');
    const emptyChunks = {
      ...memoryObject('empty-chunks', ''),
      open: async () =>
        (async function* () {
          yield new Uint8Array(0);
          yield new Uint8Array(0);
        })(),
    };
    const report = await ingestObject(emptyChunks, { sink: recordingSink().sink });
    expect(report).toMatchObject({ name: 'empty-chunks', status: 'rejected', reason: 'empty object: 0 bytes' });
  });

  it('a gzip of an empty string', async () => {
    expectRejected(await ingest(gzipSync('')), 'empty object: no lines');
  });

  it('a header line with an unknown field names the field', async () => {
    expectRejected(
      await ingest(gzipSync(text(['version account-id encryption-state', '10 111111111111 0']))),
      'unknown flow-log field "encryption-state" in header line (line 1)',
    );
    expectRejected(
      await ingest(text(['', 'start bytes bogus-field', `${T0} 1 2`])),
      'unknown flow-log field "bogus-field" in header line (line 2)',
    );
  });

  it('a headerless object when no --format is given', async () => {
    expectRejected(
      await ingest(text(good(3))),
      'no header line and no format given (use --format for headerless objects)',
    );
  });

  it('an object in which no line matches the layout', async () => {
    const result = await ingest(text([HEADER, 'eni-1 x 1 1 ACCEPT 0', 'eni-1 1 1 1 ACCEPT']));
    expectRejected(result, 'no line matched the header line (2 malformed lines; first: start: not a number "x")');
    expect(result.report.samples!.map((s) => s.line)).toEqual([2, 3]);
  });

  it('a Parquet object when no Parquet reader is configured', async () => {
    expectRejected(
      await ingest(Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 1)])),
      'Parquet flow-log objects are not supported by this reader',
    );
  });
});

describe('malformed lines are counted and named; the good records are kept', () => {
  it('wrong field count, non-numeric number, unknown enum, out-of-range values', async () => {
    const lines = [
      HEADER,
      ...good(3),
      `eni-1 ${T0} 100 1 ACCEPT`, // line 5: a field short
      `eni-1 ${T0} 100 1 ACCEPT 0 extra`, // line 6: a field too many
      `eni-1 ${T0} 1e3 1 ACCEPT 0`, // line 7: not a number
      `eni-1 ${T0} 100 1 DROP 0`, // line 8: unknown action
      `eni-1 ${T0} 100 1 ACCEPT 4`, // line 9: unknown encryption status
      `eni-1 ${T0} 9223372036854775808 1 ACCEPT 0`, // line 10: beyond int64
      ...good(2),
    ];
    const { report, run, object, store } = await ingest(gzipSync(text(lines)), { maxSamples: 10 });
    expect(report.status).toBe('accepted');
    expect(report.parse).toMatchObject({ lines: 12, records: 5, malformed: 6 });
    expect(run.malformed.map((m) => [m.object, m.line, m.reason])).toEqual([
      [object.name, 5, 'expected 6 fields, found 5'],
      [object.name, 6, 'expected 6 fields, found 7'],
      [object.name, 7, 'bytes: not a number "1e3"'],
      [object.name, 8, 'action: unknown value "DROP"'],
      [object.name, 9, 'encryption-status: unknown value "4"'],
      [object.name, 10, 'bytes: out of int64 range "9223372036854775808"'],
    ]);
    expect(store.files.size).toBeGreaterThan(0);
  });

  it('CRLF line ends, blank lines and tabs change nothing', async () => {
    const plain = await ingest(text([HEADER, ...good(20)]));
    const messy = await ingest(
      gzipSync(text(['', HEADER, '', ...good(20).map((l) => l.replaceAll(' ', ' \t ')), '\r', '  '], '\r\n')),
    );
    expect(messy.report.parse).toMatchObject({ records: 20, malformed: 0 });
    expect([...messy.store.files.keys()]).toEqual([...plain.store.files.keys()]);
    expect(summarizeRun([messy.report], 1).totals.outputRows).toEqual(
      summarizeRun([plain.report], 1).totals.outputRows,
    );
  });

  it('a multi-member gzip is read to its end, with or without a repeated header', async () => {
    const continued = Buffer.concat([gzipSync(text([HEADER, ...good(10)])), gzipSync(text(good(10)))]);
    expect((await ingest(continued)).report.parse).toMatchObject({ records: 20, malformed: 0 });
    const concatenated = Buffer.concat([gzipSync(text([HEADER, ...good(10)])), gzipSync(text([HEADER, ...good(10)]))]);
    expect((await ingest(concatenated)).report.parse).toMatchObject({ records: 20, malformed: 0 });
  });

  it('gzip arriving one byte at a time is still recognised as gzip', async () => {
    const { report } = await ingest(gzipSync(text([HEADER, ...good(30)])), { chunkSize: 1 });
    expect(report.stream).toMatchObject({ encoding: 'gzip' });
    expect(report.parse).toMatchObject({ records: 30, malformed: 0 });
  });

  it('a header-only object is accepted with no records and no files', async () => {
    const { report, store } = await ingest(gzipSync(`${HEADER}\n`));
    expect(report).toMatchObject({ status: 'accepted', outputs: [] });
    expect(report.parse).toMatchObject({ lines: 1, records: 0 });
    expect(store.files.size).toBe(0);
  });
});

describe('int64 values above 2^53 survive to Parquet unchanged', () => {
  const dir = tempDir('int64');
  afterAll(() => dir.remove());

  it('2^53 + 1 bytes and packets, and their exact sums', async () => {
    const big = 2n ** 53n + 1n;
    const lines = [
      HEADER,
      `eni-1 ${T0} ${big} ${big} ACCEPT 0`,
      `eni-1 ${T0 + 1} ${big} 1 ACCEPT 0`,
      `eni-2 ${T0} ${big} 7 ACCEPT 1`,
    ];
    const object = memoryObject('big.log.gz', gzipSync(text(lines)), { key: KEY });
    const report = await ingestObject(object, { sink: new ParquetTableSink(new LocalDirStore(dir.path)) });
    expect(report.status).toBe('accepted');

    const oracle = await Oracle.open();
    try {
      const summary = await oracle.query(
        `SELECT interface_id, flows, packets, bytes FROM ${parquetTable(dir.path, 'summary')} ORDER BY 1`,
      );
      expect(
        summary.map((r) => [
          r.interface_id,
          BigInt(String(r.flows)),
          BigInt(String(r.packets)),
          BigInt(String(r.bytes)),
        ]),
      ).toEqual([
        ['eni-1', 2n, big + 1n, 2n * big],
        ['eni-2', 1n, 7n, big],
      ]);
      const clear = await oracle.query(`SELECT packets, bytes FROM ${parquetTable(dir.path, 'unencrypted')}`);
      expect(clear.map((r) => [BigInt(String(r.packets)), BigInt(String(r.bytes))])).toEqual([[big + 1n, 2n * big]]);
    } finally {
      oracle.close();
    }
  });
});
