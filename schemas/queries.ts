import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Named analytic queries (`schemas/queries/*.sql`). The same SQL runs on DuckDB locally
 * (`ciphertrail report|query`) and in Athena (named queries deployed by infra/). It reads the
 * tables by their plain names (`summary`, `unencrypted`); each engine binds those names.
 */
export const QUERIES_DIR = fileURLToPath(new URL('./queries/', import.meta.url));

export interface NamedQuery {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

export function loadNamedQueries(): NamedQuery[] {
  return readdirSync(QUERIES_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(QUERIES_DIR + file, 'utf8');
      const description = /^--\s*(.+)$/m.exec(text)?.[1]?.trim() ?? file;
      return { name: file.replace(/\.sql$/, ''), description, sql: text.trim() };
    });
}

export function namedQuery(name: string): NamedQuery | undefined {
  return loadNamedQueries().find((q) => q.name === name);
}
