import type { SqlRunner } from '../core/tables/sql-runner.js';
import type { QueryRow, QueryRunner } from './query-runner.js';

/** The tables `report` and `query` read; each is bound to the window's days when there is one. */
const WINDOWED_TABLES = ['summary', 'unencrypted', 'findings'] as const;

/**
 * `report` and `query` over the deployed tables: the named queries through Athena (the SQL is the
 * same text DuckDB runs; the portability check at synth keeps it so), rows in the shape DuckDB
 * gives them (integers that may pass 2^53 and decimals as strings, other numbers as numbers), so
 * every renderer reads both alike.
 *
 * A window (`--since`) binds each table name to its rows from `fromDay` on, with a WITH clause
 * over the database's table, so every named query and ad-hoc SQL gets it without parameters
 * (Athena named queries take none); `window_start` prunes the Iceberg tables' day partitions.
 */
export class AthenaQueryRunner implements QueryRunner {
  constructor(
    private readonly runner: SqlRunner,
    private readonly database: string,
    private readonly fromDay?: string,
  ) {}

  async query(sql: string): Promise<QueryRow[]> {
    const result = await this.runner.run(this.fromDay === undefined ? sql : windowed(sql, this.database, this.fromDay));
    const convert = result.columns.map((_, i) => converter(result.types?.[i] ?? 'varchar'));
    return result.rows.map((row) => {
      const out: QueryRow = {};
      result.columns.forEach((column, i) => {
        const value = row[column] ?? null;
        out[column] = value === null ? null : convert[i]!(value);
      });
      return out;
    });
  }

  close(): void {}
}

/** How one Athena result type reads as DuckDB's JSON rows do. */
function converter(type: string): (text: string) => string | number | boolean {
  const t = type.toLowerCase();
  if (t === 'boolean') return (v) => v === 'true';
  if (['integer', 'int', 'smallint', 'tinyint', 'double', 'float', 'real'].includes(t)) return Number;
  // bigint and decimal may pass 2^53: kept as text, as DuckDB's JSON rows keep BIGINT and HUGEINT.
  return (v) => v;
}

/** `sql` with each table name bound to the rows of the window, merged into its own WITH clause if it has one. */
function windowed(sql: string, database: string, fromDay: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fromDay)) throw new Error(`not a yyyy-mm-dd day: ${fromDay}`);
  const ctes = WINDOWED_TABLES.map(
    (t) => `${t} AS (SELECT * FROM "${database}"."${t}" WHERE window_start >= TIMESTAMP '${fromDay} 00:00:00')`,
  ).join(',\n  ');
  const body = sql.replace(/^(\s*--[^\n]*\n)*/, '');
  const own = /^\s*WITH\s+/i.exec(body);
  return own ? `WITH ${ctes},\n  ${body.slice(own[0].length)}` : `WITH ${ctes}\n${body}`;
}
