import type { BlobStore } from '../adapters/blob-store.js';
import { ParquetTableSink } from '../adapters/parquet-sink.js';
import { ingestObject, type ObjectReport } from '../core/ingest-object.js';
import type { SourceObject } from '../core/ports.js';

/**
 * Once per thread, before its first large object: the ingest path (aggregator, kernel, both
 * tables' Parquet files) over a small made-up flow log, with everything it writes dropped.
 *
 * Why: V8 optimizes the Parquet writer's loops while their first call is running, on a file of
 * ~60,000 rows, before the rest of each function has run once; the optimized code then meets
 * paths it has no type information for and is thrown away (57–66 deoptimizations over four
 * 500,000-record objects, 18 of them in one function), and every file written meanwhile runs
 * unoptimized. A thread that has written two small files first makes 18: the four objects took
 * 3–7 % less time on one core, the warm-up included (docs/performance.md).
 *
 * It never fails: a warm-up that throws (it should not) only loses the speed-up, and must not
 * reject the object that was about to be read, nor stop a worker's queue (resolves undefined).
 * Small objects do not start it in the CLI's own thread: their files are small, and a run of
 * them warms up on its own. A `--jobs` worker runs it as soon as it boots (worker-pool.ts),
 * while the parent is still listing the inputs.
 */
export function warmUpOnce(): Promise<ObjectReport | undefined> {
  warming ??= ingestObject(syntheticObject(), { sink: new ParquetTableSink(DISCARD) }).catch(() => undefined);
  return warming;
}

/** Stored bytes from which an object is worth warming up for (a 4 MB gzip object holds ~80,000 records). */
export const WARM_UP_FROM_BYTES = 4 << 20;

let warming: Promise<ObjectReport | undefined> | undefined;

/** A store that keeps nothing: the warm-up's files are written and dropped. */
const DISCARD: BlobStore = {
  describe: (key) => `(warm-up) ${key}`,
  put: async () => undefined,
  get: async () => undefined,
  delete: async () => undefined,
};

const LINES = 2_000;
const ACCOUNT = '123456789012';
const KEY = `AWSLogs/${ACCOUNT}/vpcflowlogs/us-east-1/2025/11/21/${ACCOUNT}_vpcflowlogs_us-east-1_fl-0a00000000000000a_20251121T1000Z_0000000a.log`;
const HEADER =
  'version account-id vpc-id subnet-id interface-id instance-id srcaddr dstaddr srcport dstport protocol packets bytes ' +
  'start end action log-status flow-direction traffic-path pkt-srcaddr pkt-dstaddr pkt-src-aws-service ' +
  'pkt-dst-aws-service reject-reason encryption-status';

/**
 * A v10 flow log of LINES records over 40 interfaces: repeated conversations (groups of several
 * records), every encryption status, both directions, an AWS service, IPv6, rejects, and a
 * NODATA line, so that every column of both tables has values and both files are compressed.
 */
function syntheticObject(): SourceObject {
  let seed = 12345;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    // The high bits: an LCG's low bits repeat with a short period.
    return Math.floor((seed / 2 ** 32) * n);
  };
  const start = Date.UTC(2025, 10, 21, 10) / 1000;
  const lines = [HEADER];
  for (let i = 0; i < LINES; i++) {
    const eni = next(40);
    const peer = next(30);
    const src = eni % 7 === 0 ? `2600:1f18::${eni.toString(16)}` : `10.0.${eni}.${10 + (eni % 200)}`;
    const dst = eni % 7 === 0 ? `2600:1f18::${(100 + peer).toString(16)}` : `10.1.${peer}.${20 + peer}`;
    const port = [443, 5432, 6379, 80, 9092][peer % 5]!;
    const first = start + next(240);
    lines.push(
      [
        10,
        ACCOUNT,
        `vpc-0${(eni % 4).toString(16).padStart(16, '0')}`,
        `subnet-0${(eni % 8).toString(16).padStart(16, '0')}`,
        `eni-0${eni.toString(16).padStart(16, '0')}`,
        `i-0${eni.toString(16).padStart(16, '0')}`,
        src,
        dst,
        40_000 + next(20_000),
        port,
        6,
        1 + next(5_000),
        40 + next(5_000_000),
        first,
        first + next(60),
        peer % 11 === 0 ? 'REJECT' : 'ACCEPT',
        'OK',
        peer % 2 === 0 ? 'ingress' : 'egress',
        1 + (peer % 8),
        src,
        dst,
        peer % 9 === 0 ? 'S3' : '-',
        '-',
        peer % 11 === 0 ? 'BPA' : '-',
        next(4),
      ].join(' '),
    );
  }
  lines.push(
    `10 ${ACCOUNT} - - eni-0${'0'.repeat(16)} - - - - - - - - ${start} ${start + 60} - NODATA - - - - - - - -`,
  );
  const text = Buffer.from(`${lines.join('\n')}\n`);
  return {
    name: '(warm-up)',
    key: KEY,
    identity: '(warm-up)',
    size: text.length,
    open: async () =>
      (async function* () {
        yield text;
      })(),
  };
}
