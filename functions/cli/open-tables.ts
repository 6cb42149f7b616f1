import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_TABLES } from '../../schemas/tables.js';
import { LocalTables, latestDay } from '../adapters/duckdb-tables.js';
import type { QueryRunner } from '../adapters/query-runner.js';
import { isS3Url } from '../adapters/s3-url.js';
import type { TableWindow } from '../report/report-data.js';
import { firstDayOf, type Since } from '../report/since.js';
import { UsageError } from './usage.js';

/**
 * The tables of a local ingest run (`<dir>`), for `report` and `query`, limited to the window
 * of `--since`. The window's end is the latest `dt` day of the summary table's files.
 */
export async function openLocalTables(
  command: string,
  dir: string,
  since?: Since,
): Promise<{ runner: QueryRunner; window: TableWindow }> {
  assertTablesDir(command, dir);
  // The folders name the days (dt=yyyy-mm-dd): the window is known before anything is loaded.
  const lastDay = latestDay(dir, 'summary');
  const fromDay = since && lastDay !== null ? firstDayOf(since, lastDay) : null;
  const runner = await LocalTables.open(dir, fromDay === null ? {} : { fromDay });
  return { runner, window: { since: since?.text ?? null, fromDay, lastDay } };
}

/** Refuses, in words, a folder that holds no tables of an ingest run. */
function assertTablesDir(command: string, dir: string): void {
  if (isS3Url(dir)) {
    throw new UsageError(
      `${command} reads the tables of a local run; ${dir} is in S3. Query the deployed tables in Athena ` +
        '(workgroup ciphertrail, the saved queries are the same SQL), or copy them first: aws s3 sync <s3 tables prefix> <dir>',
    );
  }
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) throw new UsageError(`no such folder: ${dir}`);
  if (!info.isDirectory() || !hasTables(dir)) {
    throw new UsageError(
      `no ciphertrail tables in ${dir}: give the --out folder of \`ciphertrail ingest\`` +
        (info.isDirectory() ? ' (it holds summary/, unencrypted/ and ingest-report.json)' : ' (this is a file)'),
    );
  }
}

/** True when `dir` holds an ingest run report or a table folder (tables copied from S3 have no report). */
function hasTables(dir: string): boolean {
  if (existsSync(join(dir, 'ingest-report.json'))) return true;
  return OUTPUT_TABLES.some((table) => existsSync(join(dir, table.name)));
}
