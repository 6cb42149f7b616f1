import { loadNamedQueries, type NamedQuery } from '../schemas/queries.js';

/**
 * Named queries for Athena, from the same `schemas/queries/*.sql` files DuckDB runs locally.
 *
 * Dialect handling lives here and only here. Table references need no rewrite: the SQL names
 * tables plainly (`summary`, `unencrypted`), and each Athena named query is bound to the Glue
 * database through its `Database` property, exactly as DuckDB binds the names to views. What
 * cannot be bridged is rejected at synth time: SQL that only DuckDB understands.
 */
export interface AthenaQuery {
  readonly name: string;
  readonly description: string;
  readonly queryString: string;
}

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
    use: 'a function both engines have (date_format/format_datetime differ: compute dates from dt or window_start with CAST)',
  },
  { pattern: /^\s*FROM\b/i, use: "SELECT ... FROM (DuckDB's FROM-first syntax is not SQL)" },
  { pattern: /\$\d+|\?/, use: 'literal values (Athena named queries have no parameters)' },
];

/** Throws, naming the query and the construct, when SQL is not portable to Athena. */
export function assertAthenaPortable(query: NamedQuery): void {
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

/** Every named query, checked for portability, in the shape Athena's CfnNamedQuery takes. */
export function athenaQueries(queries: readonly NamedQuery[] = loadNamedQueries()): AthenaQuery[] {
  return queries.map((q) => {
    assertAthenaPortable(q);
    return { name: q.name, description: q.description.slice(0, 1024), queryString: q.sql };
  });
}

/** Replaces `-- ...` comments and '...' literals with spaces so patterns only see SQL code. */
function stripCommentsAndStrings(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/'(?:[^']|'')*'/g, "''");
}
