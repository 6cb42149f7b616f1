import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type ColumnType, OUTPUT_TABLES, stagedColumns, type TableSpec } from '../../schemas/tables.js';
import { liveRows, recoverCompaction } from './local-compaction.js';

const DUCKDB_TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  int32: 'INTEGER',
  int64: 'BIGINT',
  timestamp: 'TIMESTAMPTZ',
};

/** A row as JSON-friendly values: int64/int128 as strings, timestamps as ISO-like text. */
export type QueryRow = Record<string, string | number | boolean | null>;

/**
 * The output tables of a local run, opened in an embedded DuckDB: each table name is a view
 * over its Parquet files (an empty table with the schema's columns when there are none).
 */
export class LocalTables {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
  ) {}

  static async open(dir: string, extraViews: Record<string, string> = {}): Promise<LocalTables> {
    // A compaction interrupted between its two renames is finished first (functions/adapters/local-compaction.ts).
    recoverCompaction(dir);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const tables = new LocalTables(connection, instance);
    for (const spec of OUTPUT_TABLES) await tables.bind(spec, dir);
    for (const [name, select] of Object.entries(extraViews)) await connection.run(`CREATE VIEW ${name} AS ${select}`);
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

  private async bind(spec: TableSpec, dir: string): Promise<void> {
    const tableDir = join(dir, spec.name);
    if (hasParquet(tableDir)) {
      const glob = join(tableDir, '**', '*.parquet');
      if (hasParquet(tableDir, /^compacted-/)) {
        // After `compact`: a re-ingested object's own files replace its rows in the compacted file.
        const described = await this.connection.runAndReadAll(
          `DESCRIBE SELECT * FROM read_parquet('${glob.replace(/'/g, "''")}', union_by_name = true)`,
        );
        const withSource = described.getRowObjectsJson().some((r) => r.column_name === 'source_object');
        await this.connection.run(`CREATE VIEW ${spec.name} AS ${liveRows(glob, withSource, true)}`);
        return;
      }
      await this.connection.run(
        `CREATE VIEW ${spec.name} AS SELECT * FROM read_parquet('${glob.replace(/'/g, "''")}', hive_partitioning = true, union_by_name = true)`,
      );
    } else {
      const columns = stagedColumns(spec)
        .map((c) => `${c.name} ${DUCKDB_TYPES[c.type]}`)
        .join(', ');
      await this.connection.run(`CREATE TABLE ${spec.name} (${columns}, dt VARCHAR)`);
    }
  }
}

function hasParquet(dir: string, name: RegExp = /./): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory() ? hasParquet(path, name) : entry.endsWith('.parquet') && name.test(entry))
      return true;
  }
  return false;
}
