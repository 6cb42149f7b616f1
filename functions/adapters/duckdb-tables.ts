import { type Dirent, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type ColumnType, OUTPUT_TABLES, stagedColumns, type TableSpec } from '../../schemas/tables.js';
import { recoverCompaction } from './local-compaction.js';
import type { QueryRow, QueryRunner } from './query-runner.js';

const DUCKDB_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int32: 'INTEGER',
  int64: 'BIGINT',
  timestamp: 'TIMESTAMPTZ',
};

export type { QueryRow } from './query-runner.js';

export interface LocalTablesOptions {
  /** Views created after the tables (name → SELECT). */
  readonly extraViews?: Record<string, string>;
  /** First UTC day (yyyy-mm-dd) the tables show: only files of `dt` from this day on are loaded. */
  readonly fromDay?: string;
  /** DuckDB's memory limit (`memory_limit`); past it, DuckDB spills to the temp folder. Default 160 MB. */
  readonly memoryLimit?: string;
}

/**
 * Parquet files read per statement while loading. A statement over every file of a large run
 * (three per-object files per object) holds every file's metadata at once, gigabytes for tens of
 * thousands of objects; in batches the load stays inside the memory limit, however many files
 * there are (docs/performance.md, "Many small objects").
 */
const FILES_PER_BATCH = 500;

/**
 * The output tables of a local run, loaded into an embedded DuckDB: each table is a DuckDB table
 * holding its Parquet files' rows (an empty table with the schema's columns when there are none).
 *
 * Memory is bounded whatever the number of files: DuckDB runs with a memory limit and a temp
 * folder, so data and query state past the limit spill to disk; files are loaded in batches;
 * and every named query then reads the loaded table instead of listing and opening every file
 * again. An in-memory database spills like a database file does, and loads faster.
 */
export class LocalTables implements QueryRunner {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
    private readonly scratch: string,
  ) {}

  static async open(dir: string, options: LocalTablesOptions = {}): Promise<LocalTables> {
    const fromDay = options.fromDay === undefined ? undefined : isoDay(options.fromDay);
    // A compaction interrupted between its two renames is finished first (functions/adapters/local-compaction.ts).
    recoverCompaction(dir);
    const scratch = mkdtempSync(join(tmpdir(), 'ciphertrail-tables-'));
    let instance: DuckDBInstance | undefined;
    try {
      instance = await DuckDBInstance.create(':memory:', {
        // 160 MB keeps `report` over 50,000 objects' files under 512 MB in all (docs/performance.md).
        memory_limit: options.memoryLimit ?? '160MB',
        temp_directory: scratch,
        threads: String(availableParallelism()),
        // Row order is whatever the queries ORDER BY: loading need not keep file order.
        preserve_insertion_order: 'false',
        // The external file cache keeps every file read, outside the memory limit, and each file is
        // read once here: off, the load's peak memory stops growing with the file count.
        enable_external_file_cache: 'false',
      });
      const connection = await instance.connect();
      // Days of window_start (CAST AS DATE) are UTC days, as in Athena and as `dt` is, whatever the
      // machine's zone. (A session setting: ICU is not loaded yet when the instance is configured.)
      await connection.run("SET TimeZone = 'UTC'");
      const tables = new LocalTables(connection, instance, scratch);
      for (const spec of OUTPUT_TABLES) await tables.load(spec, dir, fromDay);
      for (const [name, select] of Object.entries(options.extraViews ?? {})) {
        await connection.run(`CREATE VIEW ${name} AS ${select}`);
      }
      return tables;
    } catch (err) {
      instance?.closeSync();
      rmSync(scratch, { recursive: true, force: true });
      throw err;
    }
  }

  async query(sql: string): Promise<QueryRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as QueryRow[];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /**
   * Creates the table with the schema's columns (commit columns included) and `dt`, then inserts
   * its files by name: files written before a column existed give NULL there. With `fromDay`, only
   * the files of the `dt=` folders from that day on. Per-object files first, then the day files of
   * `ciphertrail compact`, without the rows of objects ingested again since (their per-object files
   * replace them; the same rule as `liveRows` in local-compaction.ts).
   */
  private async load(spec: TableSpec, dir: string, fromDay: string | undefined): Promise<void> {
    const columns = stagedColumns(spec)
      .map((c) => `${c.name} ${DUCKDB_TYPES[c.type]}`)
      .join(', ');
    await this.connection.run(`CREATE TABLE ${spec.name} (${columns}, dt VARCHAR)`);
    const files = parquetFiles(join(dir, spec.name)).filter(
      (f) => fromDay === undefined || (dayOf(f) ?? '') >= fromDay,
    );
    const compacted = files.filter(isCompacted);
    const perObject = files.filter((f) => !isCompacted(f));
    for (let at = 0; at < perObject.length; at += FILES_PER_BATCH) {
      const read = readParquet(perObject.slice(at, at + FILES_PER_BATCH));
      await this.connection.run(`INSERT INTO ${spec.name} BY NAME SELECT * FROM ${read}`);
    }
    for (const file of compacted) {
      const read = readParquet([file]);
      const described = await this.query(`DESCRIBE SELECT * FROM ${read}`);
      const superseded = described.some((r) => r.column_name === 'source_object')
        ? ` WHERE f.source_object IS NULL OR NOT EXISTS (SELECT 1 FROM ${spec.name} t ` +
          'WHERE CAST(t.dt AS VARCHAR) = CAST(f.dt AS VARCHAR) AND t.source_object = f.source_object)'
        : '';
      await this.connection.run(`INSERT INTO ${spec.name} BY NAME SELECT f.* FROM ${read} f${superseded}`);
    }
  }
}

/** The latest `dt` day of a table folder that holds Parquet files (null: none). */
export function latestDay(dir: string, table: string): string | null {
  let latest: string | null = null;
  for (const file of parquetFiles(join(dir, table))) {
    const day = dayOf(file);
    if (day !== null && (latest === null || day > latest)) latest = day;
  }
  return latest;
}

/** read_parquet over these files, by column name, `dt` from the folder names. */
function readParquet(files: readonly string[]): string {
  const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
  return `read_parquet([${list}], hive_partitioning = true, union_by_name = true)`;
}

/** A day file written by `ciphertrail compact` (local-compaction.ts names them compacted-*). */
const isCompacted = (file: string) => /[/\\]compacted-[^/\\]*\.parquet$/.test(file);

/** The day of a file's `dt=yyyy-mm-dd` folder. */
function dayOf(file: string): string | null {
  return /[/\\]dt=(\d{4}-\d{2}-\d{2})[/\\]/.exec(file)?.[1] ?? null;
}

/** A yyyy-mm-dd day, checked. */
function isoDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a yyyy-mm-dd day: ${day}`);
  return day;
}

/** Every `.parquet` file under `dir` (none when it does not exist), sorted. */
function parquetFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
