import { loadNamedQueries } from '../../schemas/queries.js';
import type { QueryRow } from '../adapters/query-runner.js';
import { table } from '../report/report-text.js';
import type { QueryOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';
import { openLocalTables } from './open-tables.js';
import { UsageError } from './usage.js';

/**
 * `ciphertrail query <dir> <name | --sql "...">` and `ciphertrail query --list`. `--since` bounds
 * the tables themselves (every table name is bound to the rows of the window's days), so it
 * applies to any named query or SQL without a parameter in the SQL: Athena named queries take none.
 */
export async function runQueryCommand(
  dir: string | undefined,
  name: string | undefined,
  options: QueryOptionValues,
): Promise<number> {
  const queries = loadNamedQueries();
  if (options.list) {
    if (dir !== undefined) throw new UsageError('--list takes no folder or query name');
    console.log(listText(queries));
    return EXIT.ok;
  }
  // With --athena there is no folder: the one positional is the query name.
  if (options.athena && dir !== undefined) {
    if (name !== undefined) throw new UsageError(`--athena reads the deployed tables: give no folder (got ${dir})`);
    [dir, name] = [undefined, dir];
  }
  if (dir === undefined && !options.athena)
    throw new UsageError('give the folder of an ingest run and a query name (or --sql), or --list');
  if (options.sql !== undefined && name !== undefined) throw new UsageError(`give a query name or --sql, not both`);
  if (options.sql === undefined && name === undefined) {
    throw new UsageError(
      `give a query name or --sql "SELECT ..."; the names: ${queries.map((q) => q.name).join(', ')}`,
    );
  }
  let sql = options.sql;
  if (sql === undefined) {
    const query = queries.find((q) => q.name === name || `${q.name}.sql` === name);
    if (!query) {
      throw new UsageError(`no named query "${name}"; the names: ${queries.map((q) => q.name).join(', ')}`);
    }
    sql = query.sql;
  }
  if (sql.trim() === '') throw new UsageError('--sql is empty');
  const { runner } =
    dir === undefined
      ? await (await import('../report/athena-tables.js')).openAthenaTables(options, options.since)
      : await openLocalTables('query', dir, options.since);
  let rows: QueryRow[];
  try {
    rows = await runner.query(sql);
  } catch (err) {
    // Athena that cannot be reached or refuses the caller is not a mistake in the SQL.
    if (dir === undefined && (err as Error).name !== 'AthenaQueryError') throw err;
    // The engine's message names the problem (a column, a syntax error); the SQL is the user's input.
    throw new UsageError(`the SQL failed: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    runner.close();
  }
  console.log(formatRows(rows, options.format));
  return EXIT.ok;
}

function listText(queries: readonly { name: string; description: string }[]): string {
  const width = Math.max(...queries.map((q) => q.name.length));
  return queries.map((q) => `${q.name.padEnd(width)}  ${q.description}`).join('\n');
}

/** Rows as an aligned table, RFC 4180 CSV (header line, CRLF) or a JSON array. */
function formatRows(rows: readonly QueryRow[], format: QueryOptionValues['format']): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  const columns = rows.length === 0 ? [] : Object.keys(rows[0]!);
  const cell = (v: QueryRow[string]) => (v === null ? '' : String(v));
  if (format === 'csv') {
    const quote = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    return [columns, ...rows.map((r) => columns.map((c) => cell(r[c]!)))]
      .map((line) => line.map(quote).join(','))
      .join('\r\n');
  }
  if (rows.length === 0) return '(no rows)';
  const text = table(
    columns,
    rows.map((r) => columns.map((c) => (r[c] === null ? '-' : String(r[c])))),
  );
  return `${text}\n(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`;
}
