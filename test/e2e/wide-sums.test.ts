/**
 * Sums past INT64 through the real CLI (issue 10, point 6): two records of
 * bytes = 9223372036854775807 in one group, and a group whose packets add up to three times
 * that, ingested from a gzip file on disk. DuckDB reads the Parquet back: SUM() of every measure
 * is the exact total (as HUGEINT), no value anywhere is negative, `flows` counts each record once,
 * and the run report counts the rows the files hold (docs/parsing.md §3).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { tempDir } from '../helpers/sources.js';

const MAX = '9223372036854775807';
const KEY =
  'AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/' +
  '111111111111_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20251121T1000Z_0a1b2c3d.log.gz';
const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action ' +
  'log-status encryption-status';
const line = (eni: string, src: string, packets: string, bytes: string, start: number) =>
  `10 111111111111 ${eni} ${src} 10.0.0.9 49152 443 6 ${packets} ${bytes} ${start} ${start + 30} ACCEPT OK 0`;
const T = Date.UTC(2025, 10, 21, 10, 0) / 1000;
const TEXT = `${[
  HEADER,
  // Group "wide-bytes": 2 × (2^63 − 1) bytes = 18446744073709551614.
  line('eni-0aaaaaaaaaaaaaaaa', '10.0.0.1', '3', MAX, T + 10),
  line('eni-0aaaaaaaaaaaaaaaa', '10.0.0.1', '4', MAX, T + 20),
  // Group "wide-packets": 3 × (2^63 − 1) packets, bytes that fit.
  line('eni-0bbbbbbbbbbbbbbbb', '10.0.0.2', MAX, '100', T + 10),
  line('eni-0bbbbbbbbbbbbbbbb', '10.0.0.2', MAX, '200', T + 20),
  line('eni-0bbbbbbbbbbbbbbbb', '10.0.0.2', MAX, '300', T + 30),
  // An ordinary group beside them.
  line('eni-0cccccccccccccccc', '10.0.0.3', '5', '700', T + 10),
].join('\n')}\n`;

const dir = tempDir('wide-sums');
const out = join(dir.path, 'out');
let oracle: Oracle;
let exitCode: number;

beforeAll(async () => {
  const path = join(dir.path, 'in', KEY);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(TEXT));
  ({ code: exitCode } = await runCli(['ingest', join(dir.path, 'in'), '--out', out, '--quiet']));
  oracle = await Oracle.open();
});
afterAll(() => {
  oracle?.close();
  dir.remove();
});

describe.each(['summary', 'unencrypted'])('%s: sums past INT64 through the CLI', (table) => {
  it('SUM() of each measure is the exact total, per group and overall', async () => {
    expect(exitCode).toBe(0);
    const groups = await oracle.query(`SELECT interface_id, CAST(SUM(flows) AS VARCHAR) AS flows,
      CAST(SUM(packets) AS VARCHAR) AS packets, CAST(SUM(bytes) AS VARCHAR) AS bytes, count(*) AS rows
      FROM ${parquetTable(out, table)} GROUP BY interface_id ORDER BY interface_id`);
    expect(groups).toEqual([
      { interface_id: 'eni-0aaaaaaaaaaaaaaaa', flows: '2', packets: '7', bytes: '18446744073709551614', rows: '2' },
      { interface_id: 'eni-0bbbbbbbbbbbbbbbb', flows: '3', packets: '27670116110564327421', bytes: '600', rows: '3' },
      { interface_id: 'eni-0cccccccccccccccc', flows: '1', packets: '5', bytes: '700', rows: '1' },
    ]);
    const [total] = await oracle.query(`SELECT typeof(SUM(bytes)) AS type, CAST(SUM(bytes) AS VARCHAR) AS bytes
      FROM ${parquetTable(out, table)}`);
    expect(total).toEqual({ type: 'HUGEINT', bytes: '18446744073709552914' });
  });

  it('holds no negative value, and flows only on the first row of a split group', async () => {
    const [negative] = await oracle.query(`SELECT count(*) AS n FROM ${parquetTable(out, table)}
      WHERE flows < 0 OR packets < 0 OR bytes < 0`);
    expect(negative).toEqual({ n: '0' });
    const rows = await oracle.query(`SELECT CAST(flows AS VARCHAR) AS flows, CAST(packets AS VARCHAR) AS packets,
      CAST(bytes AS VARCHAR) AS bytes, CAST(first_seen AS VARCHAR) AS first_seen
      FROM ${parquetTable(out, table)} WHERE interface_id = 'eni-0aaaaaaaaaaaaaaaa'`);
    expect(rows).toEqual([
      { flows: '2', packets: '7', bytes: MAX, first_seen: '2025-11-21 10:00:10+00' },
      { flows: '0', packets: '0', bytes: MAX, first_seen: '2025-11-21 10:00:10+00' },
    ]);
  });

  it('the run report counts the rows the files hold', async () => {
    const report = JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8')) as {
      totals: { outputRows: Record<string, number> };
    };
    const [count] = await oracle.query(`SELECT count(*) AS n FROM ${parquetTable(out, table)}`);
    expect(String(report.totals.outputRows[table])).toBe(count!.n);
  });
});
