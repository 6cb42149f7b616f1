/**
 * Runs one SQL statement and returns its rows: the port the committer (and any other Athena user,
 * such as a report over the deployed tables) is written against. The Athena adapter
 * (functions/adapters/athena-sql-runner.ts) starts the query, polls it and pages its results.
 */
export interface SqlResult {
  /** The engine's id of the statement (Athena's QueryExecutionId). */
  readonly queryId: string;
  readonly columns: readonly string[];
  /** The engine's type of each column, when it says (Athena's ColumnInfo.Type: varchar, bigint, double, ...). */
  readonly types?: readonly string[];
  /** Values as the engine prints them (Athena returns every value as text); null is SQL NULL. */
  readonly rows: readonly Readonly<Record<string, string | null>>[];
  /** Bytes the engine read, when it says (what Athena bills). */
  readonly bytesScanned?: number;
  /** Rows a DML statement (MERGE, INSERT) changed, when the engine says. */
  readonly updateCount?: number;
}

export interface SqlRunner {
  run(sql: string): Promise<SqlResult>;
}
