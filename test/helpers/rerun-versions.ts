/**
 * Versions of one flow-log object (same key, so the same identity when read from the same path
 * or under the same memory name) for the re-run tests: each writes fewer files than the last.
 */
import { Oracle, parquetTable } from './duckdb.js';

export const RERUN_KEY =
  'AWSLogs/111111111111/vpcflowlogs/us-east-1/2025/11/21/' +
  '111111111111_vpcflowlogs_us-east-1_fl-0abc1234abc1234ab_20251121T2355Z_0badf00d.log';

const HEADER =
  'account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status ' +
  'vpc-id flow-direction traffic-path encryption-status';
const PAYMENTS = 'vpc-0e1f2a3b4c5d6e7f8'; // enforced in samples/boundaries.json: its cleartext is a violation
const at = (iso: string) => Date.parse(iso) / 1000;
const line = (start: string, bytes: number, status: 0 | 1) =>
  `111111111111 eni-0a1a1a1a1a1a1a1a1 10.1.1.10 10.1.7.9 49152 8080 6 10 ${bytes} ${at(start)} ${at(start) + 60} ` +
  `ACCEPT OK ${PAYMENTS} egress 1 ${status}`;
const text = (...lines: string[]) => `${[HEADER, ...lines].join('\n')}\n`;

export const VERSIONS = {
  /** Cleartext on two UTC days: summary, unencrypted and findings each in dt=2025-11-21 and dt=2025-11-22. */
  twoDays: text(
    line('2025-11-21T23:56:00Z', 1000, 0),
    line('2025-11-21T23:57:00Z', 500, 1),
    line('2025-11-22T00:06:00Z', 2000, 0),
  ),
  /** One day only. */
  oneDay: text(line('2025-11-21T23:56:00Z', 3000, 0), line('2025-11-21T23:57:00Z', 700, 1)),
  /** No cleartext: no unencrypted rows and no findings. */
  encrypted: text(line('2025-11-21T23:56:00Z', 900, 1)),
  /** A truncated gzip stream: the object is rejected. */
  corrupt: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]),
} as const;

/** Bytes per table and day, as DuckDB reads every Parquet file under `dir` (what a query would count). */
export async function tableSums(
  dir: string,
  files: readonly string[],
): Promise<Record<string, Record<string, string>>> {
  const oracle = await Oracle.open();
  try {
    const sums: Record<string, Record<string, string>> = {};
    for (const table of ['summary', 'unencrypted', 'findings']) {
      if (!files.some((f) => f.startsWith(`${table}/`))) continue;
      const rows = await oracle.query(
        `SELECT dt, sum(bytes)::VARCHAR AS bytes FROM ${parquetTable(dir, table)} GROUP BY dt ORDER BY dt`,
      );
      sums[table] = Object.fromEntries(rows.map((r) => [String(r.dt), String(r.bytes)]));
    }
    return sums;
  } finally {
    oracle.close();
  }
}
