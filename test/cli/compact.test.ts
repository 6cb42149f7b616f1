import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTables } from '../../functions/adapters/duckdb-tables.js';
import { type CompactionStep, compactTables } from '../../functions/adapters/local-compaction.js';
import { runCli } from '../helpers/cli.js';
import { Oracle } from '../helpers/duckdb.js';
import { generateCorpus, writeCorpus } from '../helpers/flow-log-corpus.js';
import { tempDir } from '../helpers/sources.js';

const START = Date.UTC(2025, 10, 21, 23, 40) / 1000; // two days

/** Per table and day: files and totals, as a raw DuckDB glob sees the folder (no view, no recovery). */
async function rawTotals(dir: string): Promise<Record<string, unknown>[]> {
  const oracle = await Oracle.open();
  try {
    const out: Record<string, unknown>[] = [];
    for (const table of ['summary', 'unencrypted']) {
      out.push(
        ...(await oracle.query(`SELECT '${table}' AS t, dt, count(*)::INTEGER AS rows, sum(flows)::VARCHAR AS flows,
          sum(bytes)::VARCHAR AS bytes FROM read_parquet('${dir}/${table}/**/*.parquet', hive_partitioning = true, union_by_name = true)
          GROUP BY dt ORDER BY dt`)),
      );
    }
    return out;
  } finally {
    oracle.close();
  }
}

/** The same through the report's tables (LocalTables: recovery first, then the views). */
async function reportTotals(dir: string): Promise<Record<string, unknown>[]> {
  const tables = await LocalTables.open(dir);
  try {
    const out: Record<string, unknown>[] = [];
    for (const t of ['summary', 'unencrypted'])
      out.push(
        ...(await tables.query(`SELECT '${t}' AS t, dt, count(*)::INTEGER AS rows, sum(flows)::VARCHAR AS flows,
          sum(bytes)::VARCHAR AS bytes FROM ${t} GROUP BY dt ORDER BY dt`)),
      );
    return out;
  } finally {
    tables.close();
  }
}

const parquetCount = (dir: string) =>
  readdirSync(dir, { recursive: true }).filter(
    (f) => String(f).endsWith('.parquet') && !String(f).startsWith('_compact'),
  ).length;

describe('ciphertrail compact', () => {
  const root = tempDir('compact');
  const input = join(root.path, 'in');
  const ingested = join(root.path, 'ingested');
  let before: Record<string, unknown>[];

  beforeAll(async () => {
    writeCorpus(
      input,
      generateCorpus({ seed: 61, objects: 12, recordsPerObject: 150, startSec: START, spanSeconds: 1800 }),
    );
    const run = await runCli(['ingest', input, '--out', ingested, '--quiet']);
    expect(run.code).toBe(0);
    before = await rawTotals(ingested);
    expect(before.length).toBe(4);
  }, 60_000);

  afterAll(() => root.remove());

  it('leaves one file per table and day, the same totals, and report output unchanged', async () => {
    const dir = join(root.path, 'cli');
    cpSync(ingested, dir, { recursive: true });
    const reportBefore = await runCli(['report', dir, '--json']);
    expect(parquetCount(dir)).toBeGreaterThan(4);
    const run = await runCli(['compact', dir, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ days: 4, filesAfter: 4, recovered: false });
    expect(result.filesBefore).toBe(parquetCount(ingested));
    expect(parquetCount(dir)).toBe(4);
    expect(await rawTotals(dir)).toEqual(before);
    const reportAfter = await runCli(['report', dir, '--json']);
    expect(reportAfter.code).toBe(0);
    // Everything but the time the report was made.
    const withoutTime = (json: string) => json.replace(/"generatedAt": "[^"]*"/, '"generatedAt": ""');
    expect(withoutTime(reportAfter.stdout)).toBe(withoutTime(reportBefore.stdout));
    // Compacting a compacted folder changes nothing.
    expect(JSON.parse((await runCli(['compact', dir, '--json'])).stdout)).toMatchObject({ days: 0, filesAfter: 4 });
  }, 60_000);

  it('an object ingested again after compact replaces its rows: totals stay, before and after the next compact', async () => {
    const dir = join(root.path, 'again');
    cpSync(ingested, dir, { recursive: true });
    await compactTables(dir);
    const again = await runCli(['ingest', input, '--out', dir, '--quiet']);
    expect(again.code).toBe(0);
    expect(await reportTotals(dir)).toEqual(before);
    await compactTables(dir);
    expect(parquetCount(dir)).toBe(4);
    expect(await rawTotals(dir)).toEqual(before);
  }, 60_000);

  it.each<CompactionStep>(['write', 'journal', 'hide-old', 'show-new', 'clean'])(
    'a crash after "%s" leaves the old files or the new ones, never both; report and the next compact see exact totals',
    async (crashAt) => {
      const dir = join(root.path, `crash-${crashAt}`);
      cpSync(ingested, dir, { recursive: true });
      const crash = new Error(`crash after ${crashAt}`);
      let crashed: { table: string; dt: string } | undefined;
      await expect(
        compactTables(dir, {
          afterStep: (step, table, dt) => {
            if (step === crashAt && !crashed) {
              crashed = { table, dt };
              throw crash;
            }
          },
        }),
      ).rejects.toBe(crash);
      const raw = await rawTotals(dir);
      const day = (rows: Record<string, unknown>[]) => rows.find((r) => r.t === crashed!.table && r.dt === crashed!.dt);
      // Every other day as before; the crashed day has its old rows, its new rows, or (between
      // the two renames, journal pending) none: never more than its total.
      expect(raw.filter((r) => r !== day(raw))).toEqual(before.filter((r) => r !== day(before)));
      if (crashAt === 'hide-old') expect(day(raw)).toBeUndefined();
      else expect(day(raw)).toEqual(day(before));
      if (crashAt === 'write' || crashAt === 'journal')
        expect(parquetCount(join(dir, crashed!.table, `dt=${crashed!.dt}`))).toBeGreaterThan(1);
      else if (crashAt !== 'hide-old') expect(parquetCount(join(dir, crashed!.table, `dt=${crashed!.dt}`))).toBe(1);
      // The report's tables finish an interrupted swap first: exact totals after any crash.
      expect(await reportTotals(dir)).toEqual(before);
      // The lock went with the crashed run; the next compact finishes the job.
      const next = await compactTables(dir);
      expect(next.filesAfter).toBe(4);
      expect(parquetCount(dir)).toBe(4);
      expect(await rawTotals(dir)).toEqual(before);
      expect(readdirSync(join(dir, '_compact'))).toEqual([]);
    },
    60_000,
  );

  it('refuses a second compact while one holds the lock, and a path that is not a folder', async () => {
    const dir = join(root.path, 'locked');
    cpSync(ingested, dir, { recursive: true });
    cpSync(join(ingested, 'ingest-report.json'), join(dir, '_compact', 'lock'));
    await expect(compactTables(dir)).rejects.toThrow(/another compact runs/);
    const notDir = await runCli(['compact', join(dir, 'ingest-report.json')]);
    expect(notDir.code).toBe(2);
    expect(readFileSync(join(dir, 'ingest-report.json'), 'utf8').length).toBeGreaterThan(0);
  });
});
