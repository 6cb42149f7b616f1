/**
 * Bad input is normal input: hostile objects, odd folder entries and a failing disk, through the
 * real CLI on real files. A bad object is rejected and named, the run goes on and every other
 * object is written; the exit code tells a script what happened.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('bad-input');
const SAMPLES = join(REPO_ROOT, 'samples/flow-logs');
let oracle: Oracle;
beforeAll(async () => {
  oracle = await Oracle.open();
});
afterAll(() => {
  oracle.close();
  dir.remove();
});

const HEADER =
  'version account-id vpc-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status encryption-status';
const record = (n: number, packets: number) =>
  `10 111111111111 vpc-0a0a0a0a0a0a0a0a0 eni-0${n % 10}0000000000000000 10.0.0.${n % 250} 10.0.1.1 ${40000 + n} 443 6 ${packets} ${packets * 100} 1763719200 1763719260 ACCEPT OK 1`;

function folder(name: string, files: Record<string, string | Buffer>): string {
  const root = join(dir.path, name);
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

const summaryTotals = async (out: string) =>
  (
    await oracle.query(
      `SELECT CAST(count(*) AS VARCHAR) AS rows, CAST(sum(flows) AS VARCHAR) AS flows FROM ${parquetTable(out, 'summary')}`,
    )
  )[0];

describe('an object rejected for its content, in gzip, ends only that object (issue: uncaught AbortError)', () => {
  const hostile = {
    'unknown-field.log.gz': gzipSync('version encryption-state\n10 1\n'),
    'twice.log.gz': gzipSync('version bytes bytes\n10 1 2\n'),
    'upper-case.log.gz': gzipSync('VERSION ACCOUNT-ID\n10 111111111111\n'),
    'no-header.log.gz': gzipSync(`${record(1, 5)}\n`),
    'long-line.log.gz': gzipSync(`${HEADER}\n${'7'.repeat(1100 * 1024)}\n`),
  };
  const reasons = [
    /long-line\.log\.gz: line 2: longer than 1,048,576 bytes \(from byte 140 of the text\): not a flow-log text object/,
    /no-header\.log\.gz: no header line and no format given \(use --format for headerless objects\)/,
    /twice\.log\.gz: bad header line: flow-log field "bytes" appears twice in header/,
    /unknown-field\.log\.gz: unknown flow-log field "encryption-state" in header line \(line 1\)/,
    /upper-case\.log\.gz: no header line and no format given/,
  ];

  it.each([
    ['in this thread', '1'],
    ['in worker threads', '2'],
  ])('%s: exit 1, every reason named, the samples still written', async (_label, jobs) => {
    const input = folder(`hostile-${jobs}`, hostile);
    const out = join(dir.path, `hostile-out-${jobs}`);
    const result = await runCli(['ingest', input, SAMPLES, '--out', out, '--jobs', jobs, '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('12 objects (6 accepted, 6 rejected)');
    const rejected = result.stdout.split('\n').filter((l) => l.includes('REJECTED'));
    for (const reason of reasons)
      expect(
        rejected.some((l) => reason.test(l)),
        String(reason),
      ).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ objects: 12, accepted: 6, rejected: 6 });
    // The samples alone: 26 summary rows, 28 flows (npm start prints the same).
    expect(await summaryTotals(out)).toEqual({ rows: '26', flows: '28' });
  });
});

describe('what a folder holds besides flow logs', () => {
  it('a FIFO named on the command line is rejected at once (it would block the run), one inside a folder is skipped and named', async () => {
    const input = folder('fifo', { 'a.log': `${HEADER}\n${record(1, 5)}\n`, '.DS_Store': 'junk' });
    execFileSync('mkfifo', [join(input, 'pipe.log')]);
    execFileSync('mkfifo', [join(dir.path, 'named.fifo')]);
    const out = join(dir.path, 'fifo-out');
    const result = await runCli(['ingest', input, join(dir.path, 'named.fifo'), '--out', out, '--quiet'], {
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `REJECTED     ${join(dir.path, 'named.fifo')}: not a regular file (a FIFO): give flow-log files or folders`,
    );
    expect(result.stdout).toContain(`skipped      ${join(input, '.DS_Store')}: dotfile`);
    expect(result.stdout).toContain(`skipped      ${join(input, 'pipe.log')}: not a regular file (a FIFO)`);
    expect(JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8')).totals).toMatchObject({
      objects: 2,
      accepted: 1,
      skipped: 2,
    });
  });

  it('follows symlinks to files and folders, never loops, and reads the same file or folder once', async () => {
    const input = folder('links', {
      'real/a.log': `${HEADER}\n${record(1, 5)}\n`,
      'real/b.log': `${HEADER}\n${record(2, 7)}\n`,
    });
    symlinkSync(join(input, 'real', 'a.log'), join(input, 'link-to-a.log'));
    symlinkSync(join(input, 'real'), join(input, 'real', 'loop'));
    symlinkSync(join(input, 'nowhere.log'), join(input, 'broken.log'));
    mkdirSync(join(dir.path, 'outside'), { recursive: true });
    writeFileSync(join(dir.path, 'outside', 'c.log'), `${HEADER}\n${record(3, 11)}\n`);
    symlinkSync(join(dir.path, 'outside'), join(input, 'linked-folder'));
    const out = join(dir.path, 'links-out');
    // The folder twice, a folder inside it, and a file of it: each file once.
    const result = await runCli([
      'ingest',
      input,
      input,
      join(input, 'real'),
      join(input, 'real', 'b.log'),
      '--out',
      out,
      '--quiet',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 objects (3 accepted, 0 rejected)');
    expect(result.stdout).toContain(`skipped      ${join(input, 'broken.log')}: broken symlink`);
    expect(result.stdout).toContain(
      `skipped      ${join(input, 'real', 'loop')}: symlink loop (a folder that contains it)`,
    );
    expect(await summaryTotals(out)).toEqual({ rows: '3', flows: '3' });
  });

  it('says so when the inputs hold no flow-log object (exit 2)', async () => {
    const input = folder('only-dotfiles', { '.hidden.log': `${HEADER}\n` });
    const result = await runCli(['ingest', input, '--out', join(dir.path, 'nothing-out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `ciphertrail ingest: no flow-log objects in ${input} (1 entry skipped: ${join(input, '.hidden.log')} (dotfile))`,
    );
  });
});

describe('nothing wrong ever reaches a table', () => {
  it('a value that is not valid UTF-8 makes its line malformed, with the field named; report reads the output', async () => {
    const bad = Buffer.concat([
      Buffer.from(`${HEADER}\n${record(1, 5)}\n10 111111111111 vpc-`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(` eni-01 10.0.0.1 10.0.1.1 1 443 6 1 1 1763719200 1763719260 ACCEPT OK 1\n${record(2, 7)}\n`),
    ]);
    const input = folder('utf8', { 'bad-bytes.log.gz': gzipSync(bad) });
    const out = join(dir.path, 'utf8-out');
    const result = await runCli(['ingest', input, '--out', out, '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /malformed {4}.+bad-bytes\.log\.gz:3: vpc-id: byte 0xff at column 21 is not ASCII \(flow-log text is ASCII\)/,
    );
    expect(await summaryTotals(out)).toEqual({ rows: '2', flows: '2' });
    const report = await runCli(['report', out]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('vpc-0a0a0a0a0a0a0a0a0');
  });

  it('concatenated objects with a second header in another order are read with the right columns', async () => {
    const reordered =
      'log-status action end start bytes packets protocol dstport srcport dstaddr srcaddr interface-id vpc-id account-id version encryption-status';
    const first = gzipSync(`${HEADER}\n${record(1, 3)}\n${record(2, 5)}\n`);
    const second = gzipSync(`${reordered}\n${record(3, 7).split(' ').slice(0, 15).reverse().join(' ')} 1\n`);
    const input = folder('concatenated', { 'cat.log.gz': Buffer.concat([first, second]) });
    const out = join(dir.path, 'concatenated-out');
    const result = await runCli(['ingest', input, '--out', out, '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning      ');
    expect(result.stdout).toContain('line 4: another header line; the columns are bound to it from line 5 on');
    const [sums] =
      await oracle.query(`SELECT CAST(sum(packets) AS VARCHAR) AS packets, CAST(sum(bytes) AS VARCHAR) AS bytes
      FROM ${parquetTable(out, 'summary')}`);
    expect(sums).toEqual({ packets: String(3 + 5 + 7), bytes: String((3 + 5 + 7) * 100) });
  });
});

describe('the run itself failing: one line, exit 3, nothing half-written', () => {
  it.each([['1'], ['2']])(
    'a write that fails (file-size limit standing in for a full disk), --jobs %s',
    async (jobs) => {
      const out = join(dir.path, `full-disk-${jobs}`);
      // 1 KiB per file: the empty write probe passes, the first Parquet file does not.
      const result = await runCli(['ingest', SAMPLES, '--out', out, '--jobs', jobs, '--quiet'], {
        fileSizeLimitKiB: 1,
      });
      expect(result.code).toBe(3);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^ciphertrail ingest: cannot write .+\.parquet: file too large for this file system or for the process file-size limit \(ulimit -f\) \(EFBIG\)$/,
      );
      expect(files(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
  );

  it('an --out that cannot be written, before any work', async () => {
    const result = await runCli(['ingest', SAMPLES, '--out', '/sys', '--quiet']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('ciphertrail ingest: cannot write to /sys: permission denied (EACCES)\n');
  });
});

describe('run totals say what each number is', () => {
  it('records, flows aggregated and NODATA/SKIPDATA reconcile with the summary table; no throughput for a short run', async () => {
    const out = join(dir.path, 'totals-out');
    const result = await runCli(['ingest', SAMPLES, '--out', out, '--quiet']);
    expect(result.stdout).toContain(
      '  records      31: 28 flows aggregated (13 cleartext), 3 NODATA/SKIPDATA; 1 malformed line not counted',
    );
    expect(result.stdout).not.toContain('throughput');
    expect(result.stdout).toContain(
      'corrupt gzip: unexpected end of file within the first 359 compressed bytes (the object is truncated)',
    );
    const report = JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ records: 31, flows: 28, noDataRecords: 2, skipDataRecords: 1 });
    expect(await summaryTotals(out)).toEqual({ rows: '26', flows: String(report.totals.flows) });
  });

  it('data after the end of the gzip stream is named as such, not as "0 bytes of text"', async () => {
    const input = folder('trailing', {
      'tail.log.gz': Buffer.concat([gzipSync(`${HEADER}\n${record(1, 5)}\n`), Buffer.from('garbage!garbage')]),
    });
    const result = await runCli(['ingest', input, '--out', join(dir.path, 'trailing-out'), '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /tail\.log\.gz: corrupt gzip: incorrect header check within the first [\d,]+ compressed bytes \(damaged data, or bytes after the end of the gzip stream\)/,
    );
  });
});
