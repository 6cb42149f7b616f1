import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryRunner } from '../adapters/athena-query-runner.js';
import { AthenaSqlRunner } from '../adapters/athena-sql-runner.js';
import type { QueryRunner } from '../adapters/query-runner.js';
import type { SqlRunner } from '../core/tables/sql-runner.js';
import type { TableWindow } from './report-data.js';
import { firstDayOf, type Since } from './since.js';

/** `--athena` and its settings, shared by `report` and `query`. */
export interface AthenaOptionValues {
  readonly athena?: boolean;
  readonly workgroup: string;
  readonly database: string;
  readonly region?: string;
  readonly endpoint?: string;
}

/**
 * The deployed tables through Athena, for `report --athena` and `query --athena`: the workgroup
 * sets the result location, encryption and scan cutoff; the database holds the Iceberg tables
 * (`summary`, `unencrypted`, `findings`). The window ends on the latest day of `summary`, as it
 * does locally, found with one query first.
 */
export async function openAthenaTables(
  options: AthenaOptionValues,
  since?: Since,
): Promise<{ runner: QueryRunner; window: TableWindow; label: string }> {
  const client = new AthenaClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const sql = new AthenaSqlRunner(client, { workGroup: options.workgroup, database: options.database });
  const label = `Athena workgroup ${options.workgroup}, database ${options.database}`;
  return { ...(await athenaTables(sql, options.database, since)), label };
}

/** The deployed tables over any Athena `SqlRunner` (the CLI's, or the weekly report Lambda's). */
export async function athenaTables(
  sql: SqlRunner,
  database: string,
  since?: Since,
): Promise<{ runner: QueryRunner; window: TableWindow }> {
  const all = new AthenaQueryRunner(sql, database);
  const [row] = await all.query('SELECT CAST(CAST(max(window_start) AS DATE) AS VARCHAR) AS last_day FROM summary');
  const lastDay = (row?.last_day as string | null | undefined) ?? null;
  const fromDay = since && lastDay !== null ? firstDayOf(since, lastDay) : null;
  const runner = fromDay === null ? all : new AthenaQueryRunner(sql, database, fromDay);
  return { runner, window: { since: since?.text ?? null, fromDay, lastDay } };
}
