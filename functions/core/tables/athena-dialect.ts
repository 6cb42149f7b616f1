/**
 * Every difference between Athena (Trino) SQL and DuckDB SQL the project meets, in one place:
 * - `assertAthenaPortable`: DuckDB-only syntax a named query (`schemas/queries/*.sql`, run by
 *   DuckDB locally and by Athena deployed) must not use; infra/athena-queries.ts checks each at synth.
 * - `duckDbStatement`: what DuckDB runs for an Athena statement of the committer. MERGE and
 *   SELECT are the same text in both; Iceberg DDL becomes a plain table and the Iceberg-only
 *   housekeeping (OPTIMIZE, VACUUM) has nothing to do on a DuckDB table.
 * - `duckDbStagingView`: a staging table as DuckDB reads it, with Athena's `"$path"` pseudo-column
 *   (the file a row came from) as DuckDB's `filename`.
 */

/** DuckDB-only syntax that Athena (Trino) rejects or reads differently, with the portable form. */
const DUCKDB_ONLY: ReadonlyArray<{ pattern: RegExp; use: string }> = [
  { pattern: /::/, use: 'CAST(x AS type) instead of x::type' },
  { pattern: /\bILIKE\b/i, use: 'lower(x) LIKE lower(pattern) instead of ILIKE' },
  { pattern: /\b(GROUP|ORDER)\s+BY\s+ALL\b/i, use: 'explicit GROUP BY / ORDER BY columns instead of BY ALL' },
  { pattern: /\bQUALIFY\b/i, use: 'a subquery with a window function instead of QUALIFY' },
  { pattern: /\bEXCLUDE\s*\(/i, use: 'an explicit column list instead of SELECT * EXCLUDE (...)' },
  { pattern: /\bCOLUMNS\s*\(/i, use: 'an explicit column list instead of COLUMNS(...)' },
  {
    pattern: /\b(strftime|strptime|epoch_ms|list_\w+|struct_pack|read_parquet|string_agg)\s*\(/i,
    use: 'a function both engines have (date_format/format_datetime differ: compute dates from window_start with CAST)',
  },
  { pattern: /^\s*FROM\b/i, use: "SELECT ... FROM (DuckDB's FROM-first syntax is not SQL)" },
  { pattern: /\$\d+|\?/, use: 'literal values (Athena named queries have no parameters)' },
  // Not a dialect difference but a table one: the named queries run on the Iceberg tables, which
  // are partitioned by day(window_start) and have no `dt` column (only the staging tables do).
  { pattern: /\bdt\b/i, use: 'CAST(window_start AS DATE): the Iceberg tables have no dt column' },
];

/** Throws, naming the query and the construct, when SQL is not portable to Athena. */
export function assertAthenaPortable(query: { readonly name: string; readonly sql: string }): void {
  const code = stripCommentsAndStrings(query.sql);
  for (const rule of DUCKDB_ONLY) {
    const match = rule.pattern.exec(code);
    if (match) {
      throw new Error(
        `schemas/queries/${query.name}.sql uses "${match[0].trim()}", which Athena does not accept. Use ${rule.use}.`,
      );
    }
  }
}

/** DuckDB types of the Iceberg column types (timestamps are UTC instants, as in the staged Parquet). */
const DUCKDB_OF_ICEBERG: Record<string, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMPTZ',
};

/**
 * The DuckDB statement for one Athena statement, or null when it has no DuckDB counterpart and
 * nothing to do there (OPTIMIZE, VACUUM). Iceberg CREATE TABLE keeps its columns and drops what
 * only Iceberg has (partition transform, location, table properties, comments).
 */
export function duckDbStatement(athenaSql: string): string | null {
  const sql = athenaSql.trim();
  if (/^(OPTIMIZE|VACUUM)\b/i.test(sql)) return null;
  const create =
    /^CREATE TABLE (IF NOT EXISTS )?(\w+) \(\n([\s\S]*?)\n\)\nPARTITIONED BY[\s\S]*'table_type' = 'ICEBERG'/i.exec(sql);
  if (create) {
    const columns = create[3]!.split(',\n').map((line) => {
      const column = /^\s*(\w+) (\w+)/.exec(line);
      const type = column && DUCKDB_OF_ICEBERG[column[2]!.toLowerCase()];
      if (!type) throw new Error(`no DuckDB type for column "${line.trim()}"`);
      return `${column[1]} ${type}`;
    });
    return `CREATE TABLE ${create[1] ?? ''}${create[2]} (${columns.join(', ')})`;
  }
  return sql;
}

/**
 * A staging (Hive, partition-projected) table as a DuckDB view over its Parquet files: `dt` from
 * the folder names as projection computes it, `"$path"` as Athena names the file of each row.
 * `glob` is the files' pattern (`<dir>/summary/**\/*.parquet`); with `url`, paths under `url.dir`
 * read as under `url.location` (a folder downloaded from `s3://bucket/prefix/` keeps its S3 paths).
 */
export function duckDbStagingView(name: string, glob: string, url?: { dir: string; location: string }): string {
  const pattern = glob.replace(/'/g, "''");
  const q = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const path = url ? `${q(url.location)} || substr(filename, ${url.dir.length + 1})` : 'filename';
  return (
    `CREATE OR REPLACE VIEW ${name} AS SELECT * EXCLUDE (filename), ${path} AS "$path" ` +
    `FROM read_parquet('${pattern}', hive_partitioning = true, union_by_name = true, filename = true)`
  );
}

/** Replaces `-- ...` comments and '...' literals with spaces so patterns only see SQL code. */
function stripCommentsAndStrings(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''");
}
