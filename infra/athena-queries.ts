import { assertAthenaPortable } from '../functions/core/tables/athena-dialect.js';
import { loadNamedQueries, type NamedQuery } from '../schemas/queries.js';

/**
 * Named queries for Athena, from the same `schemas/queries/*.sql` files DuckDB runs locally.
 *
 * Table references need no rewrite: the SQL names tables plainly (`summary`, `unencrypted`), and
 * each Athena named query is bound to the Glue database through its `Database` property, exactly
 * as DuckDB binds the names to views. What cannot be bridged is rejected at synth time by
 * `assertAthenaPortable` (functions/core/tables/athena-dialect.ts, where every dialect difference lives).
 */
export interface AthenaQuery {
  readonly name: string;
  readonly description: string;
  readonly queryString: string;
}

/** Every named query, checked for portability, in the shape Athena's CfnNamedQuery takes. */
export function athenaQueries(queries: readonly NamedQuery[] = loadNamedQueries()): AthenaQuery[] {
  return queries.map((q) => {
    assertAthenaPortable(q);
    return { name: q.name, description: q.description.slice(0, 1024), queryString: q.sql };
  });
}
