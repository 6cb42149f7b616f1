import { DuckDBInstance } from '@duckdb/node-api';

export type OracleRow = Record<string, unknown>;

/**
 * An in-memory DuckDB used as the test oracle: it reads the Parquet files ciphertrail wrote,
 * independently of ciphertrail's own readers. Integers come back as JSON-safe strings when
 * they are wider than 32 bits (use BigInt(...) to compare them exactly).
 */
export class Oracle {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
  ) {}

  static async open(): Promise<Oracle> {
    const instance = await DuckDBInstance.create(':memory:');
    return new Oracle(instance, await instance.connect());
  }

  async query(sql: string): Promise<OracleRow[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as OracleRow[];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** `read_parquet(...)` over every Parquet file of one output table under `dir`. */
export function parquetTable(dir: string, table: string): string {
  const glob = `${dir}/${table}/**/*.parquet`.replace(/'/g, "''");
  return `read_parquet('${glob}', hive_partitioning = true)`;
}
