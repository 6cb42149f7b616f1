import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type ColumnType, OUTPUT_TABLES, type TableSpec } from '../../schemas/tables.js';
import type { QueryRow, QueryRunner } from './query-runner.js';

export type { QueryRow } from './query-runner.js';

const DUCKDB_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int32: 'INTEGER',
  int64: 'BIGINT',
  timestamp: 'TIMESTAMPTZ',
};

export interface LocalTablesOptions {
  /** Views created after the tables (name → SELECT). */
  readonly extraViews?: Record<string, string>;
  /** First UTC day (yyyy-mm-dd) the tables show: every view keeps the rows of `dt` from this day on. */
  readonly fromDay?: string;
}

/**
 * The output tables of a local run, opened in an embedded DuckDB: each table name is a view
 * over its Parquet files (an empty table with the schema's columns when there are none).
 * Columns the schema has and older files lack read as null, so queries run on tables written
 * before a column existed.
 */
export class LocalTables implements QueryRunner {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
  ) {}

  static async open(dir: string, options: LocalTablesOptions = {}): Promise<LocalTables> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const tables = new LocalTables(connection, instance);
    for (const spec of OUTPUT_TABLES) await tables.bind(spec, dir, options.fromDay);
    for (const [name, select] of Object.entries(options.extraViews ?? {})) {
      await connection.run(`CREATE VIEW ${name} AS ${select}`);
    }
    return tables;
  }

  async query(sql: string): Promise<QueryRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as QueryRow[];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async bind(spec: TableSpec, dir: string, fromDay: string | undefined): Promise<void> {
    const tableDir = join(dir, spec.name);
    const where = fromDay === undefined ? '' : ` WHERE CAST(dt AS VARCHAR) >= '${isoDay(fromDay)}'`;
    if (hasParquet(tableDir)) {
      const glob = join(tableDir, '**', '*.parquet').replace(/'/g, "''");
      const files = `read_parquet('${glob}', hive_partitioning = true, union_by_name = true)`;
      const present = new Set((await this.query(`DESCRIBE SELECT * FROM ${files}`)).map((r) => String(r.column_name)));
      const missing = spec.columns
        .filter((c) => !present.has(c.name))
        .map((c) => `, CAST(NULL AS ${DUCKDB_TYPES[c.type]}) AS ${c.name}`)
        .join('');
      await this.connection.run(`CREATE VIEW ${spec.name} AS SELECT *${missing} FROM ${files}${where}`);
    } else {
      const columns = spec.columns.map((c) => `${c.name} ${DUCKDB_TYPES[c.type]}`).join(', ');
      await this.connection.run(`CREATE TABLE ${spec.name} (${columns}, dt VARCHAR)`);
    }
  }
}

/** A yyyy-mm-dd day, checked: it is spliced into SQL. */
function isoDay(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a yyyy-mm-dd day: ${day}`);
  return day;
}

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory() ? hasParquet(path) : entry.endsWith('.parquet')) return true;
  }
  return false;
}
