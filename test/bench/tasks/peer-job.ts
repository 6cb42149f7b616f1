/**
 * What every peer of the side-by-side comparison does, stated once: read the v10 gzip text objects
 * (header line, space-separated, `-` for null), build ciphertrail's `summary` and `unencrypted`
 * tables at the same grain and with the same columns (schemas/tables.ts, docs/parsing.md), and
 * write each to one Parquet file under `--out`. Groups are per object, as ciphertrail's output is
 * per object; account and region come from the record, else from the object key.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** The 25 fields of the bench's v10 custom format, in file order, with the types ciphertrail gives them. */
export const V10_COLUMNS = {
  version: 'int32',
  account_id: 'string',
  vpc_id: 'string',
  subnet_id: 'string',
  interface_id: 'string',
  instance_id: 'string',
  srcaddr: 'string',
  dstaddr: 'string',
  srcport: 'int32',
  dstport: 'int32',
  protocol: 'int32',
  packets: 'int64',
  bytes: 'int64',
  start: 'int64',
  end: 'int64',
  action: 'string',
  log_status: 'string',
  flow_direction: 'string',
  traffic_path: 'int32',
  pkt_srcaddr: 'string',
  pkt_dstaddr: 'string',
  pkt_src_aws_service: 'string',
  pkt_dst_aws_service: 'string',
  reject_reason: 'string',
  encryption_status: 'int32',
} as const;

/** The aggregation window (the CLI's default `--window`). */
export const WINDOW_SECONDS = 300;

/** Account and region in an AWS flow-log key (`AWSLogs/<account>/vpcflowlogs/<region>/…`). */
export const KEY_ACCOUNT = /AWSLogs\/([0-9]{12})\//;
export const KEY_REGION = /vpcflowlogs\/([a-z0-9-]+)\//;

export interface PeerJob {
  readonly out: string;
  readonly threads: number;
  readonly mode: string | undefined;
  readonly files: readonly string[];
  readonly summaryPath: string;
  readonly unencryptedPath: string;
}

/** `<task> --out <dir> --threads <n> [--mode <plan>] <file.gz>...`; empties `--out`. */
export function peerJob(argv: readonly string[]): PeerJob {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { out: { type: 'string' }, threads: { type: 'string', default: '1' }, mode: { type: 'string' } },
  });
  if (!values.out || positionals.length === 0)
    throw new Error('usage: <task> --out <dir> --threads <n> [--mode <plan>] <file.gz>...');
  rmSync(values.out, { recursive: true, force: true });
  mkdirSync(values.out, { recursive: true });
  return {
    out: values.out,
    threads: Number(values.threads),
    mode: values.mode,
    files: positionals,
    summaryPath: join(values.out, 'summary.parquet'),
    unencryptedPath: join(values.out, 'unencrypted.parquet'),
  };
}

/**
 * Where `--peers` installs the peers (git-ignored). Relative to the working directory, which the
 * bench sets to the repository root: tasks run as bundles from `.bench/build/`, so their own URL
 * says nothing about the tree.
 */
export const PEERS_DIR = resolve('.bench/peers');

/**
 * Loads a peer installed by `--peers`. Its types are not visible to tsc (it is no dependency of
 * the project), so the caller gets `any` and uses the peer's documented API.
 */
// biome-ignore lint/suspicious/noExplicitAny: the peer's own typings live outside the project
export function loadPeer(name: string): any {
  return createRequire(join(PEERS_DIR, 'package.json'))(name);
}
