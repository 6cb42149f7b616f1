/** A row as JSON-friendly values: int64/int128 as strings, timestamps as ISO-like text. */
export type QueryRow = Record<string, string | number | boolean | null>;

/**
 * Runs SQL over the output tables, whatever engine holds them. The SQL is the text of a named
 * query (`schemas/queries/*.sql`) or ad-hoc SQL that names the tables plainly (`summary`,
 * `unencrypted`, `findings`); the engine binds those names. `report` and `query` depend on this
 * interface only: DuckDB over a local folder is `LocalTables` (duckdb-tables.ts); an Athena
 * runner is the same interface over the deployed tables (results as the same JSON-friendly rows).
 */
export interface QueryRunner {
  query(sql: string): Promise<QueryRow[]>;
  close(): void;
}
