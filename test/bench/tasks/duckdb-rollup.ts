/**
 * The DuckDB baseline: `read_csv` of the same gzip objects → GROUP BY at ciphertrail's two grains
 * → zstd Parquet, on one thread (`SET threads = 1`; the bench also pins the process to one core).
 * Groups are per object (`filename`), exactly like ciphertrail's per-object output; region and
 * account come from the object key when the format lacks them.
 *
 * Usage: tsx test/bench/tasks/duckdb-rollup.ts <out-dir> <mode: scan-twice|materialize> <file.gz>...
 * Prints one JSON line: { ms, cpuMs, maxRssMb, summaryRows, unencryptedRows }.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startClock } from './clock.js';

const [out, mode, ...files] = process.argv.slice(2);
if (!out || (mode !== 'scan-twice' && mode !== 'materialize') || files.length === 0) {
  console.error('usage: duckdb-rollup.ts <out-dir> <scan-twice|materialize> <file.gz>...');
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const COLUMNS = {
  version: 'INTEGER', account_id: 'VARCHAR', vpc_id: 'VARCHAR', subnet_id: 'VARCHAR', interface_id: 'VARCHAR',
  instance_id: 'VARCHAR', srcaddr: 'VARCHAR', dstaddr: 'VARCHAR', srcport: 'INTEGER', dstport: 'INTEGER',
  protocol: 'INTEGER', packets: 'BIGINT', bytes: 'BIGINT', start: 'BIGINT', end: 'BIGINT', action: 'VARCHAR',
  log_status: 'VARCHAR', flow_direction: 'VARCHAR', traffic_path: 'INTEGER', pkt_srcaddr: 'VARCHAR',
  pkt_dstaddr: 'VARCHAR', pkt_src_aws_service: 'VARCHAR', pkt_dst_aws_service: 'VARCHAR', reject_reason: 'VARCHAR',
  encryption_status: 'INTEGER',
};
const columns = `{${Object.entries(COLUMNS).map(([k, v]) => `${quote(k)}: ${quote(v)}`).join(', ')}}`;
const csv = `read_csv([${files.map(quote).join(', ')}], delim = ' ', header = true, nullstr = '-', auto_detect = false, ` +
  `compression = 'gzip', filename = true, columns = ${columns})`;
const KEY_REGION = `regexp_extract(filename, 'vpcflowlogs/([a-z0-9-]+)/', 1)`;
const KEY_ACCOUNT = `regexp_extract(filename, 'AWSLogs/([0-9]{12})/', 1)`;
const parquet = `(FORMAT parquet, COMPRESSION zstd)`;

const summary = (from: string) => `COPY (
  SELECT window_start, coalesce(account_id, ${KEY_ACCOUNT}) AS account_id, ${KEY_REGION} AS region, vpc_id, subnet_id,
    interface_id, flow_direction, traffic_path, encryption_status, action, flows, packets, bytes, first_seen, last_seen
  FROM (
    SELECT filename, make_timestamp((start // 300 * 300) * 1000000) AS window_start, account_id, vpc_id, subnet_id,
      interface_id, flow_direction, traffic_path, encryption_status, action, count(*) AS flows, sum(packets) AS packets,
      sum(bytes) AS bytes, make_timestamp(min(start) * 1000000) AS first_seen, make_timestamp(max("end") * 1000000) AS last_seen
    FROM ${from} WHERE log_status = 'OK' GROUP BY ALL
  ) ORDER BY window_start
) TO ${quote(join(out, 'summary.parquet'))} ${parquet}`;

const unencrypted = (from: string) => `COPY (
  SELECT window_start, coalesce(account_id, ${KEY_ACCOUNT}) AS account_id, ${KEY_REGION} AS region, vpc_id, interface_id,
    srcaddr, dstaddr, protocol, port, pkt_src_aws_service, pkt_dst_aws_service, traffic_path, flow_direction, action,
    reject_reason, flows, packets, bytes, first_seen, last_seen
  FROM (
    SELECT filename, make_timestamp((start // 300 * 300) * 1000000) AS window_start, account_id, vpc_id, interface_id,
      coalesce(pkt_srcaddr, srcaddr) AS srcaddr, coalesce(pkt_dstaddr, dstaddr) AS dstaddr, protocol,
      least(srcport, dstport) AS port, pkt_src_aws_service, pkt_dst_aws_service, traffic_path, flow_direction, action,
      reject_reason, count(*) AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
      make_timestamp(min(start) * 1000000) AS first_seen, make_timestamp(max("end") * 1000000) AS last_seen
    FROM ${from} WHERE log_status = 'OK' AND encryption_status = 0 GROUP BY ALL
  ) ORDER BY window_start
) TO ${quote(join(out, 'unencrypted.parquet'))} ${parquet}`;

const clock = startClock();
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const db = await instance.connect();
await db.run('SET threads = 1');
await db.run('SET preserve_insertion_order = false');
if (mode === 'materialize') {
  await db.run(`CREATE TEMP TABLE rec AS SELECT * FROM ${csv}`);
  await db.run(summary('rec'));
  await db.run(unencrypted('rec'));
} else {
  await db.run(summary(csv));
  await db.run(unencrypted(csv));
}
const time = clock();
const count = async (file: string) =>
  Number((await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${quote(join(out, file))})`)).getRows()[0]![0]);
const result = {
  ...time, summaryRows: await count('summary.parquet'), unencryptedRows: await count('unencrypted.parquet'),
};
db.closeSync();
instance.closeSync();
console.log(JSON.stringify(result));
