import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertAthenaPortable } from '../../functions/core/tables/athena-dialect.js';
import { athenaQueries } from '../../infra/athena-queries.js';
import { QUERIES_DIR } from '../../schemas/queries.js';

const query = (sql: string) => ({ name: 'probe', description: 'probe', sql });

describe('Athena named queries from schemas/queries/*.sql', () => {
  it('has one query per SQL file with the file text unchanged', () => {
    const files = readdirSync(QUERIES_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const queries = athenaQueries();
    expect(queries.map((q) => `${q.name}.sql`)).toEqual(files);
    for (const q of queries) {
      // Athena runs the very text DuckDB runs: the file, trimmed, comments included.
      expect(q.queryString).toBe(readFileSync(join(QUERIES_DIR, `${q.name}.sql`), 'utf8').trim());
      // The description is the file's first comment line, without its `--`.
      expect(readFileSync(join(QUERIES_DIR, `${q.name}.sql`), 'utf8').startsWith(`-- ${q.description}`)).toBe(true);
    }
  });

  it.each([
    ['SELECT count(DISTINCT dt) FROM summary', /Iceberg tables have no dt column/],
    ['SELECT bytes::double FROM summary', /CAST/],
    ["SELECT * FROM summary WHERE vpc_id ILIKE 'vpc-%'", /LIKE/],
    ['SELECT vpc_id, sum(bytes) FROM summary GROUP BY ALL', /GROUP BY/],
    ["SELECT strftime(window_start, '%Y') FROM summary", /both engines/],
    ['FROM summary SELECT vpc_id', /SELECT \.\.\. FROM/],
    ['SELECT * FROM summary WHERE vpc_id = ?', /literal values/],
  ])('rejects DuckDB-only SQL: %s', (sql, fix) => {
    expect(() => assertAthenaPortable(query(sql))).toThrow(fix);
  });

  it('ignores DuckDB-looking text inside comments and string literals', () => {
    expect(() => assertAthenaPortable(query("-- x::int and ILIKE\nSELECT 'a::b ?' AS s\nFROM summary"))).not.toThrow();
  });
});
