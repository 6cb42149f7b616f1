/**
 * The benchmark corpora, written under `.bench/` (git-ignored, never committed). Records come from
 * the test suite's seeded generator (`test/helpers/flow-log-corpus.ts`: realistic ports, status,
 * NAT, IPv6, NODATA), one line at a time through a gzip stream, so a 2 GB object never sits in
 * memory. Same seed, same bytes. Two profiles:
 *
 * - `realistic` (the primary benchmark): what one AWS delivery object looks like. Every record's
 *   end falls in the object's 5-minute delivery period and its start up to 10 minutes earlier
 *   (the maximum aggregation interval); each ENI talks to a small, Zipf-weighted pool of peers
 *   (fixed service port, protocol, path, NAT and encryption status per peer; a fresh ephemeral
 *   port per record, both directions of each conversation), and public-facing ENIs also see
 *   internet clients drawn, skewed, from a shared pool.
 * - `stress` (the default when `profile` is absent): `randomRecord` as is, a random peer per
 *   record, so nearly every cleartext record is its own conversation (~0.5 output rows a record).
 */

import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGzip } from 'node:zlib';
import type { FlowLogRecord } from '../../functions/core/line-decoder.js';
import {
  CORPUS_FORMATS,
  createOrg,
  formatLine,
  formatVersion,
  type Interface,
  objectKey,
  pick,
  type Random,
  randomInt,
  randomRecord,
  seededRandom,
} from '../helpers/flow-log-corpus.js';

/** The v10 custom format with encryption-status (25 fields, ~230 bytes a line). */
export const V10 = CORPUS_FORMATS[0]!;

export interface BenchObjectSpec {
  readonly records: number;
  readonly seed: number;
  readonly accountId: string;
  readonly region: string;
  /** Epoch seconds of the object's first record; records spread over `spanSeconds`. */
  readonly startSec: number;
  readonly spanSeconds: number;
  /** Interfaces of the object's account (thousands across the corpus). */
  readonly interfaces: number;
  /**
   * Draw records from a pool of this many generated records, each re-timed within the span (the
   * generator makes ~30k records/s; a pool makes multi-GB objects in reasonable time).
   */
  readonly pool?: number;
  /**
   * `realistic`: records end in [startSec, startSec + spanSeconds) (one delivery period) and come
   * from bounded per-ENI peer pools. Absent: the high-cardinality `stress` records.
   */
  readonly profile?: 'realistic';
}

export interface BenchObject {
  readonly path: string;
  readonly records: number;
  readonly textBytes: number;
  readonly gzipBytes: number;
}

/** Writes one gzip object of `records` v10 records plus its header line under `root`. */
export async function writeBenchObject(root: string, spec: BenchObjectSpec): Promise<BenchObject> {
  const random = seededRandom(spec.seed);
  const vpcs = 4;
  const org = createOrg(random, {
    accounts: [{ accountId: spec.accountId, region: spec.region }],
    vpcsPerAccount: vpcs,
    interfacesPerVpc: Math.ceil(spec.interfaces / vpcs),
  });
  const enis = org.interfaces;
  const fields = V10.fields;
  const version = formatVersion(fields);
  const key = objectKey(
    V10,
    spec.accountId,
    spec.region,
    `fl-0b${spec.seed.toString(16).padStart(15, '0')}`,
    spec.startSec * 1000,
    spec.seed.toString(16).padStart(8, '0'),
  );
  const path = join(root, key);
  await mkdir(dirname(path), { recursive: true });
  const gzip = createGzip({ level: 6, chunkSize: 1 << 20 });
  const file = createWriteStream(path);
  gzip.pipe(file);
  let gzipBytes = 0;
  gzip.on('data', (chunk: Buffer) => (gzipBytes += chunk.length));
  let textBytes = 0;
  const write = async (text: string) => {
    textBytes += text.length;
    if (!gzip.write(text, 'latin1')) await once(gzip, 'drain');
  };
  // Busy interfaces talk more: a skewed pick, as in real fleets.
  const pickEni = () => (random() < 0.5 ? enis[Math.floor(random() ** 3 * enis.length)]! : pick(random, enis));
  const record = (start: number): FlowLogRecord => ({ ...randomRecord(random, pickEni(), start), version });
  const realistic = spec.profile === 'realistic' ? realisticTraffic(random) : undefined;
  const pool = Array.from({ length: spec.pool ?? 0 }, () => record(spec.startSec));
  let batch = `${fields.join(' ')}\n`;
  for (let n = 0; n < spec.records; n++) {
    if (realistic) {
      // AWS: the object holds the records whose end falls in its 5-minute delivery period; a
      // record covers at most one aggregation interval: 10 minutes by default, 1 minute or less
      // on Nitro instances (most records here), long-lived connections most of it.
      const end = spec.startSec + Math.floor(random() * spec.spanSeconds);
      const start = end - (random() < 0.8 ? randomInt(random, 0, 60) : randomInt(random, 0, 600));
      batch += `${formatLine({ ...realistic(pickEni(), start, end), version }, fields)}\n`;
    } else {
      const start = spec.startSec + Math.floor(random() * spec.spanSeconds);
      const r = pool.length > 0 ? pick(random, pool) : record(start);
      if (pool.length > 0) {
        const duration = Number(r.end) - Number(r.start);
        batch += `${formatLine({ ...r, start, end: start + duration }, fields)}\n`;
      } else {
        batch += `${formatLine(r, fields)}\n`;
      }
    }
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  gzip.end();
  await once(file, 'close');
  return { path, records: spec.records, textBytes, gzipBytes };
}

/** One peer of an ENI: a conversation template whose ephemeral port, times and counts vary per record. */
interface Peer {
  readonly template: FlowLogRecord;
  /** The path the ENI's egress direction of this conversation takes. */
  readonly egressPath: number;
}

interface EniTraffic {
  readonly peers: readonly Peer[];
  /** Cumulative Zipf weights (1/rank) of `peers`. */
  readonly cdf: Float64Array;
  /** Public-facing: part of the traffic comes from internet clients. */
  readonly internetShare: number;
  readonly internetPort: number;
}

const INTERNET_CLIENTS = 50_000;
const isEphemeral = (port: unknown) => typeof port === 'number' && port >= 32768;

/**
 * The realistic record source: a per-ENI pool of 3–40 peers built on first use from
 * `randomRecord` templates (so ports, statuses, NAT and paths keep the generator's mix) and drawn
 * with Zipf weights; 15 % of ENIs are public-facing and take 40 % of their records from internet
 * clients (a shared pool, skewed: a few heavy clients, a long tail), TLS on 443 (status 2) or
 * cleartext on 80 (status 0).
 */
export function realisticTraffic(random: Random): (eni: Interface, start: number, end: number) => FlowLogRecord {
  const enis = new Map<string, EniTraffic>();
  const client = (i: number) =>
    `${[81, 92, 100, 145, 176, 185, 203][i % 7]}.${(i >> 3) & 255}.${(i >> 11) & 255}.${1 + (i % 250)}`;
  const traffic = (eni: Interface): EniTraffic => {
    let t = enis.get(eni.interfaceId);
    if (t) return t;
    const count = 3 + Math.floor(random() ** 2 * 38);
    const peers: Peer[] = [];
    const cdf = new Float64Array(count);
    let total = 0;
    for (let k = 0; k < count; k++) {
      const template = randomRecord(random, eni, 0, { noDataShare: 0 });
      peers.push({
        template,
        egressPath: (template.traffic_path as number | null) ?? pick(random, [1, 1, 2, 4, 7, 8]),
      });
      cdf[k] = total += 1 / (k + 1);
    }
    for (let k = 0; k < count; k++) cdf[k]! /= total;
    const publicFacing = eni.instanceId !== null && random() < 0.15;
    t = { peers, cdf, internetShare: publicFacing ? 0.4 : 0, internetPort: random() < 0.85 ? 443 : 80 };
    enis.set(eni.interfaceId, t);
    return t;
  };
  return (eni, start, end) => {
    const t = traffic(eni);
    if (random() < 0.01) return { ...randomRecord(random, eni, start, { noDataShare: 1 }), end };
    const packets = randomInt(random, 1, 5000);
    const bytes = packets * randomInt(random, 40, 1500);
    const ephemeral = randomInt(random, 32768, 60999);
    const response = random() < 0.5;
    let r: FlowLogRecord;
    if (random() < t.internetShare) {
      const addr = client(Math.floor(random() ** 3 * INTERNET_CLIENTS));
      const port = random() < 0.1 ? 80 : t.internetPort;
      r = {
        ...randomRecord(random, eni, start, { noDataShare: 0 }),
        srcaddr: addr,
        dstaddr: eni.ipv4,
        srcport: ephemeral,
        dstport: port,
        protocol: 6,
        type: 'IPv4',
        pkt_srcaddr: addr,
        pkt_dstaddr: eni.ipv4,
        pkt_src_aws_service: null,
        pkt_dst_aws_service: null,
        flow_direction: 'ingress',
        traffic_path: null,
        action: random() < 0.03 ? 'REJECT' : 'ACCEPT',
        reject_reason: null,
        encryption_status: port === 443 ? 2 : 0,
        next_hop_interface_id: null,
      };
      if (response) r = reversed(r, 1);
    } else {
      const u = random();
      let k = 0;
      while (t.cdf[k]! < u && k < t.peers.length - 1) k++;
      const peer = t.peers[k]!;
      r = { ...peer.template };
      if (isEphemeral(r.srcport)) r.srcport = ephemeral;
      if (isEphemeral(r.dstport)) r.dstport = ephemeral;
      if (response) r = reversed(r, peer.egressPath);
    }
    r.start = start;
    r.end = end;
    r.packets = packets;
    r.bytes = bytes;
    if (r.protocol === 6) r.tcp_flags = pick(random, [2, 3, 18, 19]);
    return r;
  };
}

/** The other direction of a conversation, as the same ENI's flow log records it. */
function reversed(r: FlowLogRecord, egressPath: number): FlowLogRecord {
  const egress = r.flow_direction !== 'egress';
  return {
    ...r,
    srcaddr: r.dstaddr ?? null,
    dstaddr: r.srcaddr ?? null,
    srcport: r.dstport ?? null,
    dstport: r.srcport ?? null,
    pkt_srcaddr: r.pkt_dstaddr ?? null,
    pkt_dstaddr: r.pkt_srcaddr ?? null,
    pkt_src_aws_service: r.pkt_dst_aws_service ?? null,
    pkt_dst_aws_service: r.pkt_src_aws_service ?? null,
    flow_direction: egress ? 'egress' : 'ingress',
    traffic_path: egress ? egressPath : null,
  };
}

/**
 * Writes the objects of a corpus once under `root` and remembers them in `<root>.json`; later runs
 * reuse the files when the specs are unchanged.
 */
export async function ensureCorpus(
  root: string,
  specs: readonly BenchObjectSpec[],
  log: (line: string) => void = () => undefined,
): Promise<BenchObject[]> {
  const manifest = `${root}.json`;
  const wanted = JSON.stringify(specs);
  if (existsSync(manifest)) {
    const saved = JSON.parse(readFileSync(manifest, 'utf8')) as { specs: string; objects: BenchObject[] };
    if (saved.specs === wanted && saved.objects.every((o) => existsSync(o.path))) return saved.objects;
  }
  const objects: BenchObject[] = [];
  for (const spec of specs) {
    const started = Date.now();
    const object = await writeBenchObject(root, spec);
    log(
      `  generated ${object.path}: ${spec.records.toLocaleString('en-US')} records, ` +
        `${(object.textBytes / 1e6).toFixed(0)} MB text, ${(object.gzipBytes / 1e6).toFixed(0)} MB gzip ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    objects.push(object);
  }
  writeFileSync(manifest, JSON.stringify({ specs: wanted, objects }, null, 2));
  return objects;
}

const T0 = 1763719200; // 2025-11-21T10:00:00Z

/**
 * The stress corpus: 8 objects × 250k records (2M) from 8 accounts × 1,000 interfaces, starts over
 * 10 minutes, a random peer and ephemeral port per record (~0.5 output rows a record).
 */
export const STRESS_CORPUS: readonly BenchObjectSpec[] = Array.from({ length: 8 }, (_, i) => ({
  records: 250_000,
  seed: 1000 + i,
  accountId: String(111111111111 * ((i % 8) + 1)).padStart(12, '0'),
  region: ['us-east-1', 'eu-west-1'][i % 2]!,
  startSec: T0 + 300 * i,
  spanSeconds: 600,
  interfaces: 1000,
}));

/**
 * The realistic corpus (primary): the same 8 accounts × 1,000 interfaces and 2M records, but each
 * object is one 5-minute delivery period (record ends in it, starts up to 10 minutes earlier) and
 * each ENI talks to a bounded, skewed set of peers.
 */
export const REALISTIC_CORPUS: readonly BenchObjectSpec[] = STRESS_CORPUS.map((spec, i) => ({
  ...spec,
  seed: 2000 + i,
  spanSeconds: 300,
  profile: 'realistic' as const,
}));

/**
 * The peers corpus (issue 11's side-by-side comparison): 2M realistic records in 4 gzip objects of
 * 500,000 records (4 accounts × 2,000 interfaces, one 5-minute delivery period each), so that
 * `--jobs 2` and two-thread peers each get an even split.
 */
export const PEERS_CORPUS: readonly BenchObjectSpec[] = Array.from({ length: 4 }, (_, i) => ({
  records: 500_000,
  seed: 3000 + i,
  accountId: String(111111111111 * (i + 1)).padStart(12, '0'),
  region: ['us-east-1', 'eu-west-1'][i % 2]!,
  startSec: T0 + 300 * i,
  spanSeconds: 300,
  interfaces: 2000,
  profile: 'realistic' as const,
}));

/** One object of about `megabytes` MB of text (~231 bytes a record), spread over an hour. */
export const bigObject = (megabytes: number): BenchObjectSpec => ({
  records: Math.round((megabytes * 1e6) / 231),
  seed: 7000 + megabytes,
  accountId: '999999999999',
  region: 'us-east-1',
  startSec: T0,
  spanSeconds: 3600,
  interfaces: 4000,
  pool: 400_000,
});
