import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AthenaSqlRunner } from '../../functions/adapters/athena-sql-runner.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { BlobWatermarkStore, FolderLedgerSource } from '../../functions/adapters/staged-ledger-source.js';
import { ingestObject } from '../../functions/core/ingest-object.js';
import {
  type CommitReport,
  createTables,
  runCommit,
  type WatermarkStore,
} from '../../functions/core/tables/commit-run.js';
import { corpus, expectedTotals } from '../handlers/fixture.js';
import { AthenaEndpoint } from '../helpers/athena-endpoint.js';
import type { CorpusObject } from '../helpers/flow-log-corpus.js';
import { memoryObject, tempDir } from '../helpers/sources.js';

/**
 * The committer against the local Athena endpoint: objects are staged by the real sink into a
 * folder, committed by `runCommit` through a real Athena client, and the committed tables are
 * read back with DuckDB. Each case is one the issue names; after each the committed totals equal
 * the input's.
 */
describe('committer: staged rows into the committed tables, exactly once', () => {
  let dir: { path: string; remove: () => void };
  let store: LocalDirStore;
  let sink: ParquetTableSink;
  let athena: AthenaEndpoint;
  let sql: AthenaSqlRunner;

  beforeEach(async () => {
    dir = tempDir('commit');
    store = new LocalDirStore(dir.path);
    sink = new ParquetTableSink(store, '', { ledger: true });
    athena = await AthenaEndpoint.start({ stagingDir: dir.path });
    sql = new AthenaSqlRunner(athena.client(), { workGroup: 'ciphertrail', database: 'ciphertrail', pollMs: 1 });
    await createTables(sql, 's3://curated/tables/iceberg/');
  });

  afterEach(async () => {
    await athena.close();
    dir.remove();
  });

  const stage = async (object: CorpusObject, text = object.text) =>
    ingestObject(memoryObject(object.key, gzipSync(text), { key: object.key }), { sink });

  const commit = (
    watermark: WatermarkStore = new BlobWatermarkStore(store),
    more: Partial<Parameters<typeof runCommit>[0]> = {},
  ): Promise<CommitReport> =>
    runCommit({
      ledger: new FolderLedgerSource(store, dir.path),
      sql,
      watermark,
      stagingLocation: `${dir.path}/`,
      // Entries written a moment ago are committed too (the deployed committer waits 2 minutes).
      settleMs: 0,
      now: () => Date.now() + 1_000,
      ...more,
    });

  /** Per UTC day of window_start, from the committed table. */
  const committed = async (table = 'summary') =>
    athena.query(`SELECT strftime(window_start, '%Y-%m-%d') AS dt, sum(flows)::VARCHAR AS flows,
      sum(packets)::VARCHAR AS packets, sum(bytes)::VARCHAR AS bytes FROM ${table} GROUP BY 1 ORDER BY 1`);

  const rowCount = async (table: string) =>
    Number((await athena.query(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0]!.n);

  it('commits the staged rows: totals and row counts equal the input and the staging tables', async () => {
    const objects = corpus(41, 4);
    for (const o of objects) expect((await stage(o)).status).toBe('accepted');
    const report = await commit();
    expect(report).toMatchObject({ entries: 4, objects: 4, unreadable: 0, more: false });
    expect(report.statements).toBe(2); // summary and unencrypted (no findings without a policy)
    expect(await committed()).toEqual(expectedTotals(objects));
    for (const table of ['summary', 'unencrypted'])
      expect(await rowCount(table)).toBe(await rowCount(`${table}_staging`));
    // Row keys name one row each: no (source_object, row_key) twice in staging or committed.
    for (const table of ['summary_staging', 'summary', 'unencrypted']) {
      const twice = await athena.query(`SELECT source_object, row_key FROM ${table} GROUP BY 1, 2 HAVING count(*) > 1`);
      expect(twice).toEqual([]);
    }
    // Nothing new: the next run reads no entry and runs no statement.
    expect(await commit()).toMatchObject({ entries: 0, statements: 0 });
  });

  it('the same object staged three times is committed once', async () => {
    const objects = corpus(42, 2);
    for (let run = 0; run < 3; run++) for (const o of objects) await stage(o);
    const first = await commit();
    expect(first).toMatchObject({ entries: 6, objects: 2 });
    expect(await committed()).toEqual(expectedTotals(objects));
    // Staged again after the commit: merged again, nothing changes.
    await stage(objects[0]!);
    const again = await commit();
    expect(again).toMatchObject({ entries: 1, objects: 1, rowsChanged: 0 });
    expect(await committed()).toEqual(expectedTotals(objects));
  });

  it('a committer killed between the MERGE and the watermark leaves exact totals when rerun', async () => {
    const objects = corpus(43, 3);
    for (const o of objects) await stage(o);
    const real = new BlobWatermarkStore(store);
    const killed: WatermarkStore = {
      read: () => real.read(),
      write: async () => {
        throw new Error('killed before the watermark was written');
      },
    };
    await expect(commit(killed)).rejects.toThrow(/killed/);
    expect(await real.read()).toBeNull();
    // The MERGE went through: the rows are there once.
    expect(await committed()).toEqual(expectedTotals(objects));
    const rerun = await commit(real);
    expect(rerun).toMatchObject({ entries: 3, rowsChanged: 0 });
    expect(await real.read()).toBe(rerun.watermark);
    expect(await committed()).toEqual(expectedTotals(objects));
  });

  it('two committers started together leave exact totals', async () => {
    const objects = corpus(44, 4);
    for (const o of objects) await stage(o);
    const [a, b] = await Promise.all([commit(), commit()]);
    expect(a.entries + b.entries).toBeGreaterThanOrEqual(4);
    expect(await committed()).toEqual(expectedTotals(objects));
    // Objects staged while two more run together.
    const more = corpus(45, 3);
    await Promise.all([commit(), ...more.map((o) => stage(o)), commit()]);
    await commit();
    expect(await committed()).toEqual(expectedTotals([...objects, ...more]));
  });

  it('a late object, two days old, lands in its own day and leaves the other days as they were', async () => {
    const [today] = corpus(46, 1);
    await stage(today!);
    await commit();
    const before = await committed();
    // The same org's object two days earlier, staged (and committed) after today's.
    const late = shiftDays(corpus(47, 1)[0]!, -2);
    await stage(late);
    await commit();
    const after = await committed();
    expect(after).toEqual(expectedTotals([today!, late]));
    const lateDays = new Set(expectedTotals([late]).map((d) => d.dt));
    expect(after.filter((d) => !lateDays.has(String(d.dt)))).toEqual(before);
    expect(Math.min(...[...lateDays].map(Date.parse))).toBeLessThan(
      Math.min(...before.map((d) => Date.parse(String(d.dt)))),
    );
  });

  it('splits a large commit into several statements and runs of at most maxEntries, still exact', async () => {
    const objects = corpus(50, 6);
    for (const o of objects) await stage(o);
    // About two objects per statement: staged paths are under the temp folder, so the limit follows its length.
    const maxStatementBytes = 5_000 + 8 * dir.path.length;
    const first = await commit(undefined, { maxEntries: 4, maxStatementBytes });
    expect(first).toMatchObject({ entries: 4, more: true });
    expect(first.statements).toBeGreaterThan(2);
    const rest = await commit(undefined, { maxEntries: 4, maxStatementBytes });
    expect(rest).toMatchObject({ entries: 2, more: false });
    expect(await committed()).toEqual(expectedTotals(objects));
  });

  it('names and skips an unreadable ledger entry; the object commits with its next entry', async () => {
    const [object] = corpus(51, 1);
    await stage(object!);
    const [key] = readdirSync(join(dir.path, '_staged'));
    writeFileSync(join(dir.path, '_staged', key!), '{"not": "an entry"}');
    const warnings: string[] = [];
    const report = await commit(undefined, { warn: (m) => warnings.push(m) });
    expect(report).toMatchObject({ entries: 0, unreadable: 1 });
    expect(warnings).toEqual([
      expect.stringMatching(/^staged-ledger entry _staged\/.+ skipped: not a staged-ledger entry/),
    ]);
    await stage(object!);
    await commit();
    expect(await committed()).toEqual(expectedTotals([object!]));
  });

  it('a rejected object commits nothing; fixed and re-ingested, it commits its rows', async () => {
    const [good, other] = corpus(48, 2);
    await stage(other!);
    const rejected = await stage(good!, 'this is not a flow log\nneither is this\n');
    expect(rejected.status).toBe('rejected');
    await commit();
    expect(await committed()).toEqual(expectedTotals([other!]));
    expect((await stage(good!)).status).toBe('accepted');
    await commit();
    expect(await committed()).toEqual(expectedTotals([good!, other!]));
  });

  it('an object re-ingested with fewer rows, or rejected after a commit, takes its committed rows along', async () => {
    const [object, other] = corpus(49, 2);
    await stage(object!);
    await stage(other!);
    await commit();
    const half = { ...object!, records: object!.records.slice(0, 100) };
    const lines = object!.text.trimEnd().split('\n');
    await stage(object!, `${lines.slice(0, 101).join('\n')}\n`);
    const shrunk = await commit();
    expect(shrunk.rowsChanged).toBeGreaterThan(0);
    expect(await committed()).toEqual(expectedTotals([half, other!]));
    expect(await rowCount('summary')).toBe(await rowCount('summary_staging'));
    expect((await stage(object!, 'garbage\n')).status).toBe('rejected');
    await commit();
    expect(await committed()).toEqual(expectedTotals([other!]));
    expect(await rowCount('unencrypted')).toBe(await rowCount('unencrypted_staging'));
  });
});

/** A corpus object with every record (and its key's time) moved by `days` days. */
function shiftDays(object: CorpusObject, days: number): CorpusObject {
  const delta = days * 86_400;
  const lines = object.text.trimEnd().split('\n');
  const header = lines[0]!.split(' ');
  const startAt = header.indexOf('start');
  const endAt = header.indexOf('end');
  const text = `${[
    lines[0],
    ...lines.slice(1).map((line) => {
      const cells = line.split(' ');
      for (const at of [startAt, endAt])
        if (at >= 0 && /^\d+$/.test(cells[at]!)) cells[at] = String(Number(cells[at]) + delta);
      return cells.join(' ');
    }),
  ].join('\n')}\n`;
  return {
    ...object,
    key: object.key.replace(/\.log\.gz$/, `-late.log.gz`),
    text,
    records: object.records.map((r) => ({
      ...r,
      ...(r.start !== undefined && r.start !== null ? { start: Number(r.start) + delta } : {}),
      ...(r.end !== undefined && r.end !== null ? { end: Number(r.end) + delta } : {}),
    })),
  };
}
