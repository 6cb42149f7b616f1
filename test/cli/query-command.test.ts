/** `ciphertrail query` on the samples' real tables: list, named queries, ad-hoc SQL, formats, --since, errors. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../functions/cli/main.js';
import { QUERIES_DIR } from '../../schemas/queries.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('query');

beforeAll(async () => {
  const ingest = await runCli([
    'ingest',
    'samples/flow-logs',
    '--out',
    dir.path,
    '--boundaries',
    'samples/boundaries.json',
    '--quiet',
  ]);
  expect(ingest.code).toBe(1); // one sample object is a truncated gzip
});
afterAll(() => dir.remove());

describe('ciphertrail query', () => {
  it('--list names every SQL file with the first line of its header comment', async () => {
    const result = await runCli(['query', '--list']);
    expect(result.code).toBe(0);
    const files = readdirSync(QUERIES_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(files.length);
    files.forEach((file, i) => {
      const header = readFileSync(join(QUERIES_DIR, file), 'utf8')
        .split('\n')[0]!
        .replace(/^--\s*/, '');
      expect(lines[i]).toMatch(new RegExp(`^${file.replace('.sql', '')} +`));
      expect(lines[i]!.endsWith(header)).toBe(true);
    });
    expect(result.stdout).toContain('coverage_trend_by_vpc');
  });

  it('runs a named query: the JSON rows are the report sections of the same query', async () => {
    const [query, report] = await Promise.all([
      runCli(['query', dir.path, 'coverage_by_vpc', '--format', 'json']),
      runCli(['report', dir.path, '--json']),
    ]);
    expect(query.code).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual(JSON.parse(report.stdout).byVpc);
  });

  it('prints an aligned table with a row count by default', async () => {
    const result = await runCli(['query', dir.path, 'blocked_ec_flows']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ {2}account_id +region +vpc_id +interface_id/);
    expect(lines[1]).toMatch(/^ {2}-+ +-+/);
    expect(lines[2]).toContain('eni-0b2b2b2b2b2b2b2b2');
    expect(lines.at(-1)).toBe('(1 row)');
  });

  it('runs ad-hoc SQL over the tables, with CSV quoting (RFC 4180) and nulls as empty cells', async () => {
    const sql = `SELECT count(*) AS n, 'a,b' AS comma, 'say "hi"' AS quote, NULL AS nothing FROM summary`;
    const [result, rows, counted] = await Promise.all([
      runCli(['query', dir.path, '--sql', sql, '--format', 'csv']),
      runCli(['query', dir.path, '--sql', 'SELECT sum(flows) AS f FROM summary', '--format', 'json']),
      runCli(['query', dir.path, '--sql', 'SELECT count(*) AS n FROM summary', '--format', 'json']),
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(rows.stdout)).toEqual([{ f: '28' }]);
    const count = JSON.parse(counted.stdout)[0].n;
    expect(result.stdout.trimEnd()).toBe(`n,comma,quote,nothing\r\n${count},"a,b","say ""hi""",`);
  });

  it('--since keeps the latest days of the tables for any query (2025-11-21 drops the 2014 examples)', async () => {
    const days = async (extra: string[]) => {
      const r = await runCli([
        'query',
        dir.path,
        '--sql',
        'SELECT count(DISTINCT dt) AS days FROM summary',
        '--format',
        'json',
        ...extra,
      ]);
      expect(r.code).toBe(0);
      return Number(JSON.parse(r.stdout)[0].days);
    };
    expect(await Promise.all([days([]), days(['--since', '2025-11-21']), days(['--since', '1d'])])).toEqual([5, 1, 1]);
  });

  it.each([
    [['query', 'DIR', 'no_such_query'], /no named query "no_such_query"; the names: blocked_ec_flows, /],
    [['query', 'DIR'], /give a query name or --sql/],
    [['query', 'DIR', 'coverage_by_vpc', '--sql', 'SELECT 1'], /not both/],
    [['query', 'DIR', '--sql', 'SELEC nonsense'], /the SQL failed: Parser Error/],
    [['query', 'DIR', '--sql', 'SELECT nope FROM summary'], /the SQL failed: .*nope/],
    [
      ['query', 'DIR', 'coverage_by_vpc', '--since', 'yesterday'],
      /--since must be hours, days or weeks \(36h, 30d, 2w\) or a day/,
    ],
    [['query', 'DIR', 'coverage_by_vpc', '--format', 'xml'], /--format Allowed choices are table, csv, json/],
    [['query', 'no/such/dir', 'coverage_by_vpc'], /no such folder: no\/such\/dir/],
    [['query', '--list', 'DIR'], /--list takes no folder/],
  ])('%j is a usage error (exit 2) in one line', async (args, message) => {
    // In-process (the same main() the bin runs; usage.test.ts proves the exit status reaches the shell).
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    try {
      expect(await main(args.map((a) => (a === 'DIR' ? dir.path : a)))).toBe(2);
    } finally {
      vi.restoreAllMocks();
    }
    expect(out).toEqual([]);
    expect(err.join('\n').split('\n')[0]).toMatch(message);
  });
});
