/**
 * One run of the committer: staged-ledger entries since the watermark → one plan → the MERGE
 * statements of each table → the watermark, advanced only after every statement succeeded.
 * I/O is injected (the Lambda handler gives Athena, S3; the tests the local Athena and a folder).
 *
 * Exactly once, case by case (docs/tables.md):
 * - an object staged several times: its rows keep their `(source_object, row_key)`, the MERGE
 *   inserts only names not committed yet, and equal rows are left alone;
 * - a run killed after a MERGE, before the watermark: the next run plans the same entries again
 *   and the MERGE changes nothing it already did;
 * - two runs at once: each watermark written is one its writer fully committed up to, so a
 *   later write of a smaller one only makes a run redo idempotent work, never skip an entry
 *   (the Lambda's reserved concurrency of 1 keeps this from happening deployed);
 * - late objects: rows are committed into the day of their own `window_start`.
 */
import { OUTPUT_TABLES, type TableSpec } from '../../../schemas/tables.js';
import { icebergTableDdl, mergeStatements, optimizeStatement, vacuumStatement } from './iceberg-sql.js';
import type { SqlRunner } from './sql-runner.js';
import { type LedgerEntry, planCommit } from './staged-ledger.js';

/** The staged ledger as the committer reads it. */
export interface LedgerSource {
  /** Keys after `after` (all when null) and before `before`, in key order, at most `limit`. */
  list(after: string | null, before: string, limit: number): Promise<string[]>;
  read(key: string): Promise<LedgerEntry>;
  /** The key of a ledger entry written at `at` would sort after this. */
  keyAt(at: Date): string;
}

/** Where the committer keeps the last ledger key it committed. */
export interface WatermarkStore {
  read(): Promise<string | null>;
  write(key: string): Promise<void>;
}

export interface CommitDeps {
  readonly ledger: LedgerSource;
  readonly sql: SqlRunner;
  readonly watermark: WatermarkStore;
  /** The staged files' location as the staging tables' `"$path"` spells it (`s3://bucket/prefix/`). */
  readonly stagingLocation: string;
  readonly now?: () => number;
  /**
   * Entries newer than this are left to the next run: an entry is named by the time its writer
   * took just before the PUT, so one named a moment ago may still be on its way (default 2 min).
   */
  readonly settleMs?: number;
  /** Entries one run commits at most, so a run after an outage fits its timeout (default 20,000). */
  readonly maxEntries?: number;
  readonly tables?: readonly TableSpec[];
  readonly maxStatementBytes?: number;
  /** One line per problem (an unreadable entry), naming it. */
  readonly warn?: (message: string) => void;
}

export interface CommitReport {
  readonly entries: number;
  readonly objects: number;
  /** Entries that could not be read (named in `warn`); their objects commit with their next entry. */
  readonly unreadable: number;
  readonly statements: number;
  readonly bytesScanned: number;
  readonly rowsChanged: number;
  readonly watermark: string | null;
  /** True when `maxEntries` stopped the listing: more entries wait for the next run. */
  readonly more: boolean;
}

export async function runCommit(deps: CommitDeps): Promise<CommitReport> {
  const now = deps.now ?? Date.now;
  const limit = deps.maxEntries ?? 20_000;
  const tables = deps.tables ?? OUTPUT_TABLES;
  const from = await deps.watermark.read();
  const before = deps.ledger.keyAt(new Date(now() - (deps.settleMs ?? 120_000)));
  const keys = await deps.ledger.list(from, before, limit);
  const entries: { key: string; entry: LedgerEntry }[] = [];
  let unreadable = 0;
  for (const key of keys) {
    try {
      entries.push({ key, entry: await deps.ledger.read(key) });
    } catch (err) {
      unreadable++;
      deps.warn?.(`staged-ledger entry ${key} skipped: ${(err as Error).message}`);
    }
  }
  const plan = planCommit(
    entries,
    tables.map((t) => t.name),
  );
  let statements = 0;
  let bytesScanned = 0;
  let rowsChanged = 0;
  for (const table of plan.tables) {
    const spec = tables.find((t) => t.name === table.table)!;
    const options = {
      stagingLocation: deps.stagingLocation,
      ...(deps.maxStatementBytes ? { maxStatementBytes: deps.maxStatementBytes } : {}),
    };
    for (const sql of mergeStatements(spec, table, options)) {
      const result = await deps.sql.run(sql);
      statements++;
      bytesScanned += result.bytesScanned ?? 0;
      rowsChanged += result.updateCount ?? 0;
    }
  }
  const last = keys.length > 0 ? keys[keys.length - 1]! : null;
  if (last !== null) await deps.watermark.write(last);
  return {
    entries: plan.entries,
    objects: plan.objects,
    unreadable,
    statements,
    bytesScanned,
    rowsChanged,
    watermark: last ?? from,
    more: keys.length >= limit,
  };
}

export interface HousekeepingReport {
  readonly statements: readonly string[];
  readonly bytesScanned: number;
}

/**
 * OPTIMIZE of the last `days` days of every committed table (late objects land in earlier days,
 * so more than today), or VACUUM of every table.
 */
export async function runHousekeeping(
  sql: SqlRunner,
  task: { readonly kind: 'optimize'; readonly days: number; readonly now?: number } | { readonly kind: 'vacuum' },
  tables: readonly TableSpec[] = OUTPUT_TABLES,
): Promise<HousekeepingReport> {
  const statements =
    task.kind === 'vacuum'
      ? tables.map(vacuumStatement)
      : tables.map((t) =>
          optimizeStatement(
            t,
            new Date((task.now ?? Date.now()) - (task.days - 1) * 86_400_000).toISOString().slice(0, 10),
          ),
        );
  let bytesScanned = 0;
  for (const statement of statements) bytesScanned += (await sql.run(statement)).bytesScanned ?? 0;
  return { statements, bytesScanned };
}

/** CREATE TABLE IF NOT EXISTS of every committed table under `location` (`s3://bucket/prefix/iceberg/`). */
export async function createTables(
  sql: SqlRunner,
  location: string,
  tables: readonly TableSpec[] = OUTPUT_TABLES,
): Promise<string[]> {
  const statements = tables.map((t) => icebergTableDdl(t, `${location}${t.name}/`));
  for (const statement of statements) await sql.run(statement);
  return statements;
}
