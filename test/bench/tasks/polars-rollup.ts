/**
 * Polars (nodejs-polars, installed by `npm run bench -- --peers`): the peer job of `peer-job.ts`
 * with Polars' DataFrame API, as a Node user would write it. nodejs-polars reads CSV from a path
 * or a buffer but does not inflate gzip, so each object is inflated with zlib on the libuv pool
 * (all objects at once: with 2 cores, two inflate in parallel) and parsed from the buffer.
 * Threads: POLARS_MAX_THREADS, which the bench sets from `--threads` (Polars reads it at load).
 *
 * Usage: node polars-rollup.mjs --out <dir> --threads <n> <file.gz>...
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { KEY_ACCOUNT, KEY_REGION, loadPeer, peerJob, V10_COLUMNS, WINDOW_SECONDS } from './peer-job.js';

const job = peerJob(process.argv.slice(2));
if (process.env.POLARS_MAX_THREADS !== String(job.threads))
  throw new Error('set POLARS_MAX_THREADS to --threads before Polars loads');
const pl = loadPeer('nodejs-polars');
const TYPES = { string: pl.String, int32: pl.Int32, int64: pl.Int64 } as const;
const schema = Object.fromEntries(Object.entries(V10_COLUMNS).map(([name, type]) => [name, TYPES[type]]));
const inflate = promisify(gunzip);

const texts = await Promise.all(job.files.map(async (file) => inflate(await readFile(file))));
const records = pl.concat(
  job.files.map((file, i) =>
    pl.readCSV(texts[i]!, { sep: ' ', hasHeader: true, nullValues: '-', schema }).withColumns(
      pl.lit(file).alias('object'),
      pl
        .col('account_id')
        .fillNull(pl.lit(KEY_ACCOUNT.exec(file)?.[1] ?? null))
        .alias('account_id'),
      pl
        .lit(KEY_REGION.exec(file)?.[1] ?? null)
        .cast(pl.String)
        .alias('region'),
    ),
  ),
);
texts.length = 0;

const ms = pl.Datetime('ms', 'UTC');
const time = pl.col('start').fillNull(pl.col('end'));
const flows = records
  .lazy()
  .filter(
    pl
      .col('log_status')
      .isNull()
      .or(pl.col('log_status').eq(pl.lit('OK'))),
  )
  .withColumns(time.minus(time.modulo(WINDOW_SECONDS)).mul(1000).cast(ms).alias('window_start'));
const measures = [
  pl.len().cast(pl.Int64).alias('flows'),
  pl.col('packets').sum().alias('packets'),
  pl.col('bytes').sum().alias('bytes'),
  time.min().mul(1000).cast(ms).alias('first_seen'),
  pl.col('end').fillNull(pl.col('start')).max().mul(1000).cast(ms).alias('last_seen'),
];
const SUMMARY_KEY = [
  'window_start',
  'account_id',
  'region',
  'vpc_id',
  'subnet_id',
  'interface_id',
  'flow_direction',
  'traffic_path',
  'encryption_status',
  'action',
];
const UNENCRYPTED_KEY = [
  'window_start',
  'account_id',
  'region',
  'vpc_id',
  'interface_id',
  'srcaddr',
  'dstaddr',
  'protocol',
  'port',
  'server_side',
  'pkt_src_aws_service',
  'pkt_dst_aws_service',
  'traffic_path',
  'flow_direction',
  'action',
  'reject_reason',
  'interface_type',
];

flows
  .groupBy(['object', ...SUMMARY_KEY])
  .agg(...measures)
  .drop('object')
  .sort('window_start')
  .collectSync()
  .writeParquet(job.summaryPath, { compression: 'zstd' });
flows
  .filter(pl.col('encryption_status').eq(pl.lit(0)))
  .withColumns(
    pl.col('pkt_srcaddr').fillNull(pl.col('srcaddr')).alias('srcaddr'),
    pl.col('pkt_dstaddr').fillNull(pl.col('dstaddr')).alias('dstaddr'),
    pl.minHorizontal([pl.col('srcport'), pl.col('dstport')]).alias('port'),
    // The address on the service (lower) port: the source for a reply, the destination for a request or equal ports.
    pl
      .when(pl.col('srcport').isNull().and(pl.col('dstport').isNull()))
      .then(pl.lit(null).cast(pl.String))
      .when(
        pl
          .col('dstport')
          .isNull()
          .or(pl.col('srcport').lt(pl.col('dstport'))),
      )
      .then(pl.lit('src'))
      .otherwise(pl.lit('dst'))
      .alias('server_side'),
    pl.lit(null).cast(pl.String).alias('interface_type'),
  )
  .groupBy(['object', ...UNENCRYPTED_KEY])
  .agg(...measures)
  .drop('object')
  .sort('window_start')
  .collectSync()
  .writeParquet(job.unencryptedPath, { compression: 'zstd' });
