/**
 * The DuckDB peer (`@duckdb/node-api`, a dependency of the project): the peer job of `peer-job.ts`
 * as SQL, `read_csv` with explicit types → GROUP BY at ciphertrail's two grains → zstd Parquet,
 * on `--threads` threads (`SET threads`; the bench also pins the process to as many cores).
 * Groups are per object (`filename`); region and account come from the object key when the
 * format lacks them. Two plans: `materialize` (parse once into a temp table, then both rollups)
 * and `scan-twice` (each rollup reads the files); the bench keeps the faster.
 *
 * Usage: node duckdb-rollup.mjs --out <dir> --threads <n> --mode <materialize|scan-twice> [--count] <file.gz>...
 * Prints one JSON line: { ms, cpuMs, maxRssMb } (the in-process clock), with `--count` also
 * { summaryRows, unencryptedRows }, counted after the clock stops.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { startClock } from './clock.js';
import { KEY_ACCOUNT, KEY_REGION, peerJob, V10_COLUMNS, WINDOW_SECONDS } from './peer-job.js';

const count = process.argv.includes('--count');
const job = peerJob(process.argv.slice(2).filter((a) => a !== '--count'));
if (job.mode !== 'scan-twice' && job.mode !== 'materialize') throw new Error('--mode materialize|scan-twice');

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const TYPES = { string: 'VARCHAR', int32: 'INTEGER', int64: 'BIGINT' } as const;
const columns = `{${Object.entries(V10_COLUMNS)
  .map(([k, v]) => `${quote(k)}: ${quote(TYPES[v])}`)
  .join(', ')}}`;
const csv =
  `read_csv([${job.files.map(quote).join(', ')}], delim = ' ', header = true, nullstr = '-', auto_detect = false, ` +
  `compression = 'gzip', filename = true, columns = ${columns})`;
const fromKey = (re: RegExp) => `regexp_extract(filename, ${quote(re.source)}, 1)`;
const parquet = `(FORMAT parquet, COMPRESSION zstd)`;
// ciphertrail: a record's time is its start, else its end; NODATA/SKIPDATA are no flows, `-` is.
const flows = (from: string) =>
  `(SELECT *, coalesce(start, "end") AS t FROM ${from} WHERE coalesce(log_status, 'OK') = 'OK')`;
const measures = `count(*) AS flows, sum(packets)::BIGINT AS packets, sum(bytes)::BIGINT AS bytes, make_timestamp(min(t) * 1000000) AS first_seen,
  make_timestamp(max(coalesce("end", start)) * 1000000) AS last_seen`;
const window = `make_timestamp((t // ${WINDOW_SECONDS} * ${WINDOW_SECONDS}) * 1000000) AS window_start`;

const summary = (from: string) => `COPY (
  SELECT window_start, account_id, region, vpc_id, subnet_id, interface_id, flow_direction, traffic_path, encryption_status,
    action, flows, packets, bytes, first_seen, last_seen
  FROM (
    SELECT filename, ${window}, coalesce(account_id, ${fromKey(KEY_ACCOUNT)}) AS account_id, ${fromKey(KEY_REGION)} AS region,
      vpc_id, subnet_id, interface_id, flow_direction, traffic_path, encryption_status, action, ${measures}
    FROM ${flows(from)} GROUP BY ALL
  ) ORDER BY window_start
) TO ${quote(job.summaryPath)} ${parquet}`;

const unencrypted = (from: string) => `COPY (
  SELECT window_start, account_id, region, vpc_id, interface_id, srcaddr, dstaddr, protocol, port, server_side,
    pkt_src_aws_service, pkt_dst_aws_service, traffic_path, flow_direction, action, reject_reason, interface_type, flows,
    packets, bytes, first_seen, last_seen
  FROM (
    SELECT filename, ${window}, coalesce(account_id, ${fromKey(KEY_ACCOUNT)}) AS account_id, ${fromKey(KEY_REGION)} AS region,
      vpc_id, interface_id, coalesce(pkt_srcaddr, srcaddr) AS srcaddr, coalesce(pkt_dstaddr, dstaddr) AS dstaddr, protocol,
      least(srcport, dstport) AS port,
      -- The address on the service (lower) port: the source for a reply, the destination for a request or equal ports.
      CASE WHEN srcport IS NULL AND dstport IS NULL THEN NULL WHEN dstport IS NULL OR srcport < dstport THEN 'src'
        ELSE 'dst' END AS server_side,
      pkt_src_aws_service, pkt_dst_aws_service, traffic_path, flow_direction, action,
      reject_reason, NULL::VARCHAR AS interface_type, ${measures}
    FROM ${flows(from)} WHERE encryption_status = 0 GROUP BY ALL
  ) ORDER BY window_start
) TO ${quote(job.unencryptedPath)} ${parquet}`;

const clock = startClock();
const instance = await DuckDBInstance.create(':memory:', { threads: String(job.threads) });
const db = await instance.connect();
await db.run('SET preserve_insertion_order = false');
if (job.mode === 'materialize') {
  await db.run(`CREATE TEMP TABLE rec AS SELECT * FROM ${csv}`);
  await db.run(summary('rec'));
  await db.run(unencrypted('rec'));
} else {
  await db.run(summary(csv));
  await db.run(unencrypted(csv));
}
const time = clock();
const rows = async (path: string) =>
  Number((await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${quote(path)})`)).getRows()[0]![0]);
const result = count
  ? { ...time, summaryRows: await rows(job.summaryPath), unencryptedRows: await rows(job.unencryptedPath) }
  : time;
db.closeSync();
instance.closeSync();
console.log(JSON.stringify(result));
