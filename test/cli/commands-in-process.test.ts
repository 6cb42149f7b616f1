/**
 * The commands run in this process through `main` (test/helpers/cli-in-process.ts), so their
 * code is measured by `npm run coverage`: the spawned-CLI suites prove the same behaviour at the
 * process boundary. Real files on disk in, real Parquet out, DuckDB reading it back.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { generateCorpus, writeCorpus } from '../helpers/flow-log-corpus.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('in-process');
afterAll(() => dir.remove());
const samples = join(REPO_ROOT, 'samples');
const out = join(dir.path, 'samples-out');
let ingest: Awaited<ReturnType<typeof runCliInProcess>>;

beforeAll(async () => {
  ingest = await runCliInProcess([
    'ingest',
    join(samples, 'flow-logs'),
    '--out',
    out,
    '--boundaries',
    join(samples, 'boundaries.json'),
    '--quiet',
  ]);
});

describe('ingest, in process', () => {
  it('ingests the samples with their policy: exit 1 for the truncated object, tables, findings and alerts written', () => {
    expect(ingest.code).toBe(1);
    expect(ingest.stdout).toContain('7 objects (6 accepted, 1 rejected)');
    expect(ingest.stdout).toMatch(/REJECTED .*_deadbeef\.log\.gz: corrupt gzip/);
    for (const path of ['summary', 'unencrypted', 'findings', 'alerts.jsonl', 'readiness.jsonl']) {
      expect(existsSync(join(out, path)), path).toBe(true);
    }
    // A local folder is its own manifest (functions/adapters/output-manifests.ts): no file per object.
    expect(existsSync(join(out, '_manifests'))).toBe(false);
    const report = JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8'));
    expect(report.totals).toMatchObject({ objects: 7, accepted: 6, rejected: 1, cleartextRecords: 13 });
  });

  it('rejects a gzip object with an unknown header field and keeps the others (exit 1, one line naming it)', async () => {
    const input = join(dir.path, 'bad-header');
    writeCorpus(
      input,
      generateCorpus({
        seed: 7,
        objects: 2,
        recordsPerObject: 20,
        startSec: Date.UTC(2025, 10, 21, 10) / 1000,
        spanSeconds: 900,
      }),
    );
    writeFileSync(join(input, 'x.log.gz'), gzipSync('version encryption-state\n10 1\n'));
    const run = await runCliInProcess([
      'ingest',
      input,
      '--out',
      join(dir.path, 'bad-header-out'),
      '--quiet',
      '--json',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.totals).toMatchObject({ objects: 3, accepted: 2, rejected: 1 });
    expect(report.rejected).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/x\.log\.gz$/),
        reason: expect.stringMatching(/unknown flow-log field "encryption-state"/),
      }),
    ]);
  });

  it('gives the same tables with --jobs 2 as with --jobs 1', async () => {
    const input = join(dir.path, 'jobs');
    writeCorpus(
      input,
      generateCorpus({
        seed: 11,
        objects: 4,
        recordsPerObject: 300,
        startSec: Date.UTC(2025, 10, 21, 10) / 1000,
        spanSeconds: 1800,
      }),
    );
    const totals = [];
    for (const jobs of ['1', '2']) {
      const target = join(dir.path, `jobs-${jobs}`);
      const run = await runCliInProcess(['ingest', input, '--out', target, '--jobs', jobs, '--quiet']);
      expect(run.code, run.stderr).toBe(0);
      const report = await runCliInProcess(['report', target, '--json']);
      totals.push(JSON.parse(report.stdout).byVpc);
    }
    expect(totals[1]).toEqual(totals[0]);
  });

  it('refuses an --out that is a file (exit 2) and a missing input (exit 2), one line each', async () => {
    const file = join(dir.path, 'a-file');
    writeFileSync(file, 'x');
    const toFile = await runCliInProcess(['ingest', join(samples, 'flow-logs'), '--out', file, '--quiet']);
    expect(toFile.code).toBe(2);
    expect(toFile.stderr.split('\n')[0]).toMatch(/^ciphertrail ingest: .*a-file/);
    const missing = await runCliInProcess(['ingest', join(dir.path, 'nope'), '--out', join(dir.path, 'o'), '--quiet']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope/);
  });
});

describe('report, in process', () => {
  it('prints the coverage sections and the same figures as JSON', async () => {
    const text = await runCliInProcess(['report', out]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('vpc-0e1f2a3b4c5d6e7f8');
    const json = await runCliInProcess(['report', out, '--json']);
    const parsed = JSON.parse(json.stdout);
    const bytes = parsed.byVpc.reduce((n: bigint, r: { bytes: string }) => n + BigInt(r.bytes), 0n);
    // Every byte of the accepted sample records: the per-VPC rows add up to the summary table.
    expect(bytes).toBe(BigInt(3034380 + 4510000 + 39000 + 9660000 + 16459 + 4249 + 4249 + 8855));
    expect(parsed.topCleartextTalkers[0]).toMatchObject({ client: '10.2.3.4', server: '10.2.8.8', port: 6379 });
  });

  it('says there are no tables in an empty folder (exit 2)', async () => {
    const run = await runCliInProcess(['report', join(dir.path)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no ciphertrail tables in/);
  });
});
