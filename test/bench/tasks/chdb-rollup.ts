/**
 * ClickHouse (chdb, embedded ClickHouse, installed by `npm run bench -- --peers`): the peer job of
 * `peer-job.ts` in ClickHouse SQL. `file()` reads the gzip objects (inflated by ClickHouse, by file
 * extension) as CustomSeparatedWithNames with a space between fields, CSV field rules and `-` for
 * null (ClickHouse refuses plain CSV with a space delimiter); the header line is skipped and the
 * columns are taken in file order with explicit types. Output: `INSERT INTO FUNCTION file(…,
 * Parquet)`, zstd. Threads: `max_threads` from `--threads`. Two plans, as for DuckDB:
 * `materialize` (parse once into a Memory table of a session) and `scan-twice`.
 *
 * Usage: node chdb-rollup.mjs --out <dir> --threads <n> --mode <materialize|scan-twice> <file.gz>...
 */
import { KEY_ACCOUNT, KEY_REGION, loadPeer, peerJob, V10_COLUMNS, WINDOW_SECONDS } from './peer-job.js';

const job = peerJob(process.argv.slice(2));
if (job.mode !== 'scan-twice' && job.mode !== 'materialize') throw new Error('--mode materialize|scan-twice');
const chdb = loadPeer('chdb') as { query(sql: string, format?: string): string; Session: new () => ChdbSession };
interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup(): void;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const TYPES = { string: 'String', int32: 'Int32', int64: 'Int64' } as const;
const structure = Object.entries(V10_COLUMNS)
  .map(([name, type]) => `${name} Nullable(${TYPES[type]})`)
  .join(', ');
const settings = `SETTINGS max_threads = ${job.threads}, format_custom_field_delimiter = ' ', format_custom_escaping_rule = 'CSV',
  format_csv_null_representation = '-', input_format_with_names_use_header = 0, output_format_parquet_compression_method = 'zstd'`;
const fromKey = (re: RegExp) => `extract(object, ${quote(re.source)})`;
const ms = (seconds: string) => `toDateTime64(${seconds}, 3, 'UTC')`;
// ciphertrail: a record's time is its start, else its end; NODATA/SKIPDATA are no flows, `-` is.
const flows = (from: string) =>
  `(SELECT *, coalesce(start, end) AS t FROM ${from} WHERE coalesce(log_status, 'OK') = 'OK')`;
const measures = `toInt64(count()) AS flows, sum(packets) AS packets, sum(bytes) AS bytes, ${ms('min(t)')} AS first_seen,
  ${ms('max(coalesce(end, start))')} AS last_seen`;
const window = `${ms(`intDiv(t, ${WINDOW_SECONDS}) * ${WINDOW_SECONDS}`)} AS window_start`;
const account = `coalesce(account_id, ${fromKey(KEY_ACCOUNT)}) AS account_id`;
const region = `${fromKey(KEY_REGION)} AS region`;
const out = (path: string) => `INSERT INTO FUNCTION file(${quote(path)}, Parquet)`;

const summary = (from: string) => `${out(job.summaryPath)}
  SELECT window_start, account_id, region, vpc_id, subnet_id, interface_id, flow_direction, traffic_path, encryption_status,
    action, flows, packets, bytes, first_seen, last_seen
  FROM (
    SELECT object, ${window}, ${account}, ${region}, vpc_id, subnet_id, interface_id, flow_direction, traffic_path,
      encryption_status, action, ${measures}
    FROM ${flows(from)}
    GROUP BY object, window_start, account_id, region, vpc_id, subnet_id, interface_id, flow_direction, traffic_path,
      encryption_status, action
  ) ORDER BY window_start ${settings}`;

const unencrypted = (from: string) => `${out(job.unencryptedPath)}
  SELECT window_start, account_id, region, vpc_id, interface_id, srcaddr, dstaddr, protocol, port, server_side,
    pkt_src_aws_service, pkt_dst_aws_service, traffic_path, flow_direction, action, reject_reason, interface_type, flows, packets, bytes,
    first_seen, last_seen
  FROM (
    SELECT object, ${window}, ${account}, ${region}, vpc_id, interface_id, coalesce(pkt_srcaddr, srcaddr) AS srcaddr,
      coalesce(pkt_dstaddr, dstaddr) AS dstaddr, protocol,
      if(srcport IS NULL OR dstport IS NULL, coalesce(srcport, dstport), least(srcport, dstport)) AS port,
      -- The address on the service (lower) port: the source for a reply, the destination for a request or equal ports.
      multiIf(srcport IS NULL AND dstport IS NULL, NULL, dstport IS NULL OR srcport < dstport, 'src', 'dst') AS server_side,
      pkt_src_aws_service, pkt_dst_aws_service, traffic_path, flow_direction, action, reject_reason,
      CAST(NULL, 'Nullable(String)') AS interface_type, ${measures}
    FROM ${flows(from)} WHERE encryption_status = 0
    GROUP BY object, window_start, account_id, region, vpc_id, interface_id, srcaddr, dstaddr, protocol, port, server_side,
      pkt_src_aws_service, pkt_dst_aws_service, traffic_path, flow_direction, action, reject_reason, interface_type
  ) ORDER BY window_start ${settings}`;

// One `file()` per object (a glob cannot list paths in different folders); `_path`: the object
// each row came from, since groups are per object.
const source = `(${job.files
  .map((path) => `SELECT *, _path AS object FROM file(${quote(path)}, CustomSeparatedWithNames, ${quote(structure)})`)
  .join(' UNION ALL ')})`;
if (job.mode === 'materialize') {
  const session = new chdb.Session();
  try {
    session.query(`CREATE TABLE rec ENGINE = Memory AS SELECT * FROM ${source} ${settings}`);
    session.query(summary('rec'));
    session.query(unencrypted('rec'));
  } finally {
    session.cleanup();
  }
} else {
  chdb.query(summary(source));
  chdb.query(unencrypted(source));
}
