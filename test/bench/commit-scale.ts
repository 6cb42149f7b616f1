/**
 * `--commit-scale [N]` (issue 13): N small objects staged by the Lambda's sink (with the staged
 * ledger), committed by the committer through a real Athena client to the local Athena endpoint
 * (DuckDB), and the local `compact` with `report` timed before and after. The committed tables
 * are DuckDB tables here, so the committed-file count is Athena's: one data file per day
 * partition a MERGE writes (docs/tables.md); what is measured is the staged-file count, the
 * statements, the commit time and the exact totals.
 */
import { readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AthenaSqlRunner } from '../../functions/adapters/athena-sql-runner.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { listLocalInputs } from '../../functions/adapters/local-files.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { BlobWatermarkStore, FolderLedgerSource } from '../../functions/adapters/staged-ledger-source.js';
import { ingestObject } from '../../functions/core/ingest-object.js';
import { createTables, runCommit } from '../../functions/core/tables/commit-run.js';
import { AthenaEndpoint } from '../helpers/athena-endpoint.js';
import { BENCH, cliCommand, log, runProcess } from './harness.js';
import { ensureSmallObjects } from './small-objects-corpus.js';

const parquetFiles = (dir: string) =>
  readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.parquet') && !String(f).startsWith('_'))
    .length;

export async function commitScaleStep(n: number): Promise<Record<string, unknown>> {
  log(
    `\ncommit scale: ${n.toLocaleString('en-US')} small objects, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const set = ensureSmallObjects(join(BENCH, `corpus/small-${n}`), n, log);
  const staged = join(BENCH, `out/commit-${n}`);
  rmSync(staged, { recursive: true, force: true });
  const store = new LocalDirStore(staged);
  const sink = new ParquetTableSink(store, '', { ledger: true });
  const { objects } = await listLocalInputs([set.dir]);
  let started = performance.now();
  for (const object of objects) await ingestObject(object, { sink });
  const stageMs = performance.now() - started;
  const stagedFiles = parquetFiles(staged);
  log(
    `  staged ${objects.length} objects in ${(stageMs / 1000).toFixed(1)} s: ${stagedFiles} Parquet files + ${objects.length} ledger entries`,
  );

  const athena = await AthenaEndpoint.start({ stagingDir: staged });
  const sql = new AthenaSqlRunner(athena.client(), { workGroup: 'bench', database: 'bench', pollMs: 1 });
  let commit: Record<string, unknown>;
  try {
    await createTables(sql, 's3://bench/iceberg/');
    // Every staged entry in one commit run (the watermark read afresh each time).
    const commitAll = () =>
      runCommit({
        ledger: new FolderLedgerSource(store, staged),
        sql,
        watermark: new BlobWatermarkStore(store),
        stagingLocation: `${staged}/`,
        settleMs: 0,
        now: () => Date.now() + 1_000,
        maxEntries: n,
      });
    started = performance.now();
    const report = await commitAll();
    const commitMs = performance.now() - started;
    const days = await athena.query(
      "SELECT count(DISTINCT strftime(window_start, '%Y-%m-%d'))::INTEGER AS days, count(*)::INTEGER AS rows FROM summary",
    );
    const stagedRows = await athena.query('SELECT count(*)::INTEGER AS rows FROM summary_staging');
    // The same entries again, as after a crash before the watermark: nothing may change.
    rmSync(join(staged, '_commit'), { recursive: true, force: true });
    started = performance.now();
    const again = await commitAll();
    const againMs = performance.now() - started;
    commit = {
      objects: report.objects,
      statements: report.statements,
      commitMs,
      recommitMs: againMs,
      recommitRowsChanged: again.rowsChanged,
      summaryRows: days[0]!.rows,
      stagedSummaryRows: stagedRows[0]!.rows,
      days: days[0]!.days,
    };
    log(
      `  commit: ${report.entries} ledger entries → ${report.statements} MERGE statements in ${(commitMs / 1000).toFixed(1)} s; ` +
        `summary ${days[0]!.rows} committed rows = ${stagedRows[0]!.rows} staged; ${days[0]!.days} day(s) → on Athena about ` +
        `${report.statements * Number(days[0]!.days)} data files before OPTIMIZE, ${2 * Number(days[0]!.days)} after (summary + unencrypted) ` +
        `instead of ${stagedFiles}; the same entries again (watermark lost, as after a crash): ${(againMs / 1000).toFixed(1)} s, ${again.rowsChanged} rows changed`,
    );
  } finally {
    await athena.close();
  }

  // Local compaction as a user runs it: CLI ingest, report, compact, report.
  const local = join(BENCH, `out/compact-${n}`);
  rmSync(local, { recursive: true, force: true });
  const ingest = runProcess(undefined, cliCommand('ingest', set.dir, '--out', local, '--quiet'));
  if (ingest.status !== 0)
    log(`  ingest exited ${ingest.status}: ${ingest.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  const filesBefore = parquetFiles(local);
  const reportBefore = runProcess(undefined, cliCommand('report', local));
  const compact = runProcess(undefined, cliCommand('compact', local));
  const filesAfter = parquetFiles(local);
  const reportAfter = runProcess(undefined, cliCommand('report', local));
  const same = reportBefore.stdout === reportAfter.stdout;
  log(
    `  compact: ${filesBefore} files → ${filesAfter} in ${(compact.ms / 1000).toFixed(1)} s; report ${(reportBefore.ms / 1000).toFixed(2)} s before, ` +
      `${(reportAfter.ms / 1000).toFixed(2)} s after (${(reportBefore.ms / reportAfter.ms).toFixed(1)}×), output ${same ? 'identical' : 'DIFFERENT'}`,
  );
  return {
    objects: n,
    stageMs,
    stagedFiles,
    commit,
    compact: {
      filesBefore,
      filesAfter,
      compactMs: compact.ms,
      reportBeforeMs: reportBefore.ms,
      reportAfterMs: reportAfter.ms,
      reportIdentical: same,
    },
  };
}
