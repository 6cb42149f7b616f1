/**
 * A seeded generator of realistic VPC flow-log objects, for tests and benchmarks. The same seed
 * always gives the same bytes. It knows the truth of what it wrote, so tests can compare
 * ciphertrail's output with the generator's own records and totals.
 *
 *   const corpus = generateCorpus({ seed: 7, objects: 8, recordsPerObject: 500, startSec, spanSeconds: 3600 });
 *   writeCorpus(dir, corpus);                       // gzip objects under AWS key layouts
 *   corpus.objects[0].records                       // what each line says, keyed by column name
 *
 * For very large objects, stream instead: `createOrg`, `randomRecord` and `formatLine` build
 * one line at a time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FieldValue, FlowLogRecord } from '../../functions/core/line-decoder.js';
import { findFlowLogField } from '../../schemas/flow-log-fields.js';

/**
 * An ENI's IPv4 address in VPC number `vpc` (1, 2, …): 10.<vpc>.x.y while the VPC number fits an
 * octet, then 172.16–31.<vpc mod 256>.y (corpora of more than 255 VPCs, the small-objects bench),
 * so that every address is a valid one.
 */
function vpcAddress(vpc: number, third: number, fourth: number): string {
  return vpc <= 255 ? `10.${vpc}.${third}.${fourth}` : `172.${16 + ((vpc >> 8) & 15)}.${vpc & 255}.${fourth}`;
}

export type Random = () => number;

/** mulberry32: a small, fast, seeded PRNG with uniform output in [0, 1). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const randomInt = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

export interface Interface {
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly azId: string;
  readonly interfaceId: string;
  readonly instanceId: string | null;
  readonly interfaceType: string | null;
  readonly ipv4: string;
  /** Dual-stack interfaces also talk IPv6. */
  readonly ipv6: string | null;
}

export interface Org {
  readonly interfaces: readonly Interface[];
  /** Interfaces per `account/region`: each flow-log object belongs to one account and region. */
  readonly byAccountRegion: ReadonlyMap<string, readonly Interface[]>;
}

export interface OrgOptions {
  readonly accounts?: readonly { accountId: string; region: string }[];
  readonly vpcsPerAccount?: number;
  readonly interfacesPerVpc?: number;
  /** Share of dual-stack (IPv6) interfaces. */
  readonly ipv6Share?: number;
}

const DEFAULT_ACCOUNTS = [
  { accountId: '111111111111', region: 'us-east-1' },
  { accountId: '222222222222', region: 'eu-west-1' },
  { accountId: '333333333333', region: 'us-west-2' },
];
const hex = (random: Random, digits: number) =>
  Array.from({ length: digits }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');

export function createOrg(random: Random, options: OrgOptions = {}): Org {
  const interfaces: Interface[] = [];
  const byAccountRegion = new Map<string, Interface[]>();
  let vpcNumber = 0;
  for (const { accountId, region } of options.accounts ?? DEFAULT_ACCOUNTS) {
    const list: Interface[] = [];
    for (let v = 0; v < (options.vpcsPerAccount ?? 2); v++) {
      vpcNumber++;
      const vpcId = `vpc-${hex(random, 17)}`;
      const subnets = [0, 1, 2].map(() => ({
        subnetId: `subnet-${hex(random, 17)}`,
        azId: `${region.slice(0, 2)}${region.split('-')[1]!.slice(0, 1)}${region.slice(-1)}-az${randomInt(random, 1, 6)}`,
      }));
      for (let n = 0; n < (options.interfacesPerVpc ?? 50); n++) {
        const subnet = pick(random, subnets);
        const service = random() < 0.1;
        interfaces.push({
          accountId,
          region,
          vpcId,
          subnetId: subnet.subnetId,
          azId: subnet.azId,
          interfaceId: `eni-${hex(random, 17)}`,
          instanceId: service ? null : `i-${hex(random, 17)}`,
          interfaceType: service ? pick(random, ['nat_gateway', 'vpc_endpoint', 'network_load_balancer']) : null,
          ipv4: vpcAddress(vpcNumber, randomInt(random, 0, 255), randomInt(random, 1, 254)),
          ipv6:
            random() < (options.ipv6Share ?? 0.15)
              ? `2001:db8:${vpcNumber.toString(16)}:${hex(random, 4)}::${hex(random, 4)}`
              : null,
        });
        list.push(interfaces[interfaces.length - 1]!);
      }
    }
    byAccountRegion.set(`${accountId}/${region}`, list);
  }
  return { interfaces, byAccountRegion };
}

export interface RecordOptions {
  /** Share of NODATA and SKIPDATA records. */
  readonly noDataShare?: number;
  /** Share of records whose packets and bytes are above 2^53. */
  readonly bigValueShare?: number;
}

const SERVICE_PORTS = [22, 80, 443, 443, 443, 5432, 6379, 8080, 9092, 3306];
const AWS_SERVICES = ['S3', 'DYNAMODB', 'EC2', 'AMAZON'];
const TWO_POW_53 = 2n ** 53n;

/** Decoder convention: integers above 2^53 - 1 are bigint, others number. */
const int64 = (v: bigint): number | bigint => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

/**
 * One flow-log record of interface `eni` starting at `startSec`, with every field ciphertrail
 * reads filled in realistically (null where AWS writes `-`). Keyed by column name.
 */
export function randomRecord(
  random: Random,
  eni: Interface,
  startSec: number,
  options: RecordOptions = {},
): FlowLogRecord {
  const base: FlowLogRecord = {
    version: 2,
    account_id: eni.accountId,
    interface_id: eni.interfaceId,
    vpc_id: eni.vpcId,
    subnet_id: eni.subnetId,
    instance_id: eni.instanceId,
    region: eni.region,
    az_id: eni.azId,
    interface_type: eni.interfaceType,
    start: startSec,
    end: startSec + randomInt(random, 0, 60),
  };
  const noData = options.noDataShare ?? 0.01;
  const roll = random();
  if (roll < noData) return { ...base, log_status: random() < 0.5 ? 'NODATA' : 'SKIPDATA' };

  const v6 = eni.ipv6 !== null && random() < 0.5;
  const egress = random() < 0.6;
  const local = v6 ? eni.ipv6! : eni.ipv4;
  const remote = v6
    ? `2001:db8:ff:${hex(random, 4)}::${hex(random, 3)}`
    : pick(random, [
        `10.${randomInt(random, 1, 9)}.${randomInt(random, 0, 255)}.${randomInt(random, 1, 254)}`,
        `52.216.${randomInt(random, 0, 255)}.${randomInt(random, 1, 254)}`,
        `203.0.113.${randomInt(random, 1, 254)}`,
      ]);
  const protocol = pick(random, [6, 6, 6, 6, 17, 1]);
  const servicePort = protocol === 1 ? 0 : pick(random, SERVICE_PORTS);
  const ephemeral = protocol === 1 ? 0 : randomInt(random, 32768, 60999);
  // Requests go from an ephemeral port to the service port; responses the other way round.
  const [srcport, dstport] = random() < 0.3 ? [servicePort, ephemeral] : [ephemeral, servicePort];
  const [srcaddr, dstaddr] = egress ? [local, remote] : [remote, local];
  const natted = random() < 0.1;
  const status = pick(random, [0, 0, 1, 1, 1, 2, 3, null]);
  const reject = random() < 0.06;
  const big = random() < (options.bigValueShare ?? 0);
  const packets = big ? TWO_POW_53 + BigInt(randomInt(random, 1, 1000)) : BigInt(randomInt(random, 1, 5000));
  const bytes = big
    ? TWO_POW_53 + BigInt(randomInt(random, 1, 1_000_000))
    : packets * BigInt(randomInt(random, 40, 1500));
  return {
    ...base,
    version: 2,
    srcaddr,
    dstaddr,
    srcport,
    dstport,
    protocol,
    packets: int64(packets),
    bytes: int64(bytes),
    action: reject ? 'REJECT' : 'ACCEPT',
    log_status: 'OK',
    tcp_flags: protocol === 6 ? pick(random, [0, 2, 3, 18, 19]) : null,
    type: v6 ? 'IPv6' : 'IPv4',
    pkt_srcaddr: natted && !egress ? `198.51.100.${randomInt(random, 1, 254)}` : srcaddr,
    pkt_dstaddr: natted && egress ? `198.51.100.${randomInt(random, 1, 254)}` : dstaddr,
    pkt_src_aws_service: !egress && remote.startsWith('52.') ? pick(random, AWS_SERVICES) : null,
    pkt_dst_aws_service: egress && remote.startsWith('52.') ? pick(random, AWS_SERVICES) : null,
    flow_direction: egress ? 'egress' : 'ingress',
    traffic_path: egress ? pick(random, [1, 1, 2, 4, 7, 8]) : null,
    reject_reason: reject && status === 0 ? pick(random, ['EC', null]) : reject ? pick(random, ['BPA', null]) : null,
    resource_id: null,
    encryption_status: status,
    next_hop_interface_id: egress && random() < 0.5 ? `eni-${hex(random, 17)}` : null,
  };
}

/** The text token of a value: `-` for null. */
function token(value: FieldValue | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

/** One line in the given field order (AWS names), single spaces. */
export function formatLine(record: FlowLogRecord, fields: readonly string[]): string {
  return fields.map((name) => token(record[columnOf(name)])).join(' ');
}

/** The record as a line of this format shows it: fields the format lacks are absent. */
function project(record: FlowLogRecord, fields: readonly string[]): FlowLogRecord {
  const out: FlowLogRecord = {};
  for (const name of fields) out[columnOf(name)] = record[columnOf(name)] ?? null;
  return out;
}

/** The `version` AWS writes for a format: the highest version among its fields. */
export function formatVersion(fields: readonly string[]): number {
  return Math.max(...fields.map((name) => field(name).version));
}

const field = (name: string) => {
  const spec = findFlowLogField(name);
  if (!spec) throw new Error(`unknown flow-log field ${name}`);
  return spec;
};
const columnOf = (name: string) => field(name).column;

type KeyLayout = 'plain' | 'plain-hourly' | 'hive' | 'hive-hourly';

export interface CorpusFormat {
  readonly name: string;
  /** AWS field names in line order. */
  readonly fields: readonly string[];
  readonly layout: KeyLayout;
  /** Bucket prefix before `AWSLogs/` (AWS allows one). */
  readonly prefix?: string;
}

/** Four formats seen in the wild, one per S3 key layout. */
export const CORPUS_FORMATS: readonly CorpusFormat[] = [
  {
    name: 'v10 custom',
    layout: 'plain',
    fields: (
      'version account-id vpc-id subnet-id interface-id instance-id srcaddr dstaddr srcport dstport protocol ' +
      'packets bytes start end action log-status flow-direction traffic-path pkt-srcaddr pkt-dstaddr ' +
      'pkt-src-aws-service pkt-dst-aws-service reject-reason encryption-status'
    ).split(' '),
  },
  {
    name: 'v10 reordered, no account-id',
    layout: 'plain-hourly',
    prefix: 'org-logs/flow/',
    fields: (
      'interface-id region az-id vpc-id subnet-id type srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport ' +
      'dstport protocol bytes packets start end action tcp-flags flow-direction traffic-path pkt-src-aws-service ' +
      'pkt-dst-aws-service encryption-status log-status'
    ).split(' '),
  },
  {
    name: 'default v2',
    layout: 'hive',
    fields:
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'.split(
        ' ',
      ),
  },
  {
    name: 'v11 custom',
    layout: 'hive-hourly',
    prefix: 'archive/',
    fields: (
      'version account-id region vpc-id subnet-id interface-id interface-type instance-id flow-direction ' +
      'traffic-path srcaddr dstaddr srcport dstport protocol packets bytes start end action reject-reason ' +
      'encryption-status next-hop-interface-id log-status'
    ).split(' '),
  },
];

export interface CorpusOptions {
  readonly seed: number;
  readonly objects: number;
  readonly recordsPerObject: number;
  /** Records start in [startSec, startSec + spanSeconds). */
  readonly startSec: number;
  readonly spanSeconds: number;
  /** Formats, used in turn per object (default CORPUS_FORMATS). */
  readonly formats?: readonly CorpusFormat[];
  readonly org?: OrgOptions;
  readonly records?: RecordOptions;
}

export interface CorpusObject {
  /** Object key relative to the corpus root, in the format's S3 layout. */
  readonly key: string;
  readonly format: CorpusFormat;
  readonly accountId: string;
  readonly region: string;
  readonly flowLogId: string;
  /** What each data line says (fields the format lacks are absent), in line order. */
  readonly records: readonly FlowLogRecord[];
  /** The object's text: header line, then one line per record. */
  readonly text: string;
}

export interface Corpus {
  readonly objects: readonly CorpusObject[];
}

export function generateCorpus(options: CorpusOptions): Corpus {
  const random = seededRandom(options.seed);
  const org = createOrg(random, options.org);
  const groups = [...org.byAccountRegion.entries()];
  const formats = options.formats ?? CORPUS_FORMATS;
  const objects: CorpusObject[] = [];
  for (let o = 0; o < options.objects; o++) {
    const format = formats[o % formats.length]!;
    const [accountRegion, enis] = groups[o % groups.length]!;
    const [accountId, region] = accountRegion.split('/') as [string, string];
    const flowLogId = `fl-${hex(random, 17)}`;
    const starts = Array.from(
      { length: options.recordsPerObject },
      () => options.startSec + Math.floor(random() * options.spanSeconds),
    ).sort((a, b) => a - b);
    const fields = format.fields;
    const version = formatVersion(fields);
    const full = starts.map((s) => ({ ...randomRecord(random, pick(random, enis), s, options.records), version }));
    const text = `${[fields.join(' '), ...full.map((r) => formatLine(r, fields))].join('\n')}\n`;
    const key = objectKey(format, accountId, region, flowLogId, starts[0]! * 1000, hex(random, 8));
    objects.push({ key, format, accountId, region, flowLogId, records: full.map((r) => project(r, fields)), text });
  }
  return { objects };
}

/** The S3 key AWS would give an object of this flow log, in the format's layout. */
export function objectKey(
  format: Pick<CorpusFormat, 'layout' | 'prefix'>,
  accountId: string,
  region: string,
  flowLogId: string,
  fileTimeMs: number,
  hash: string,
): string {
  const t = new Date(Math.floor(fileTimeMs / 300_000) * 300_000).toISOString();
  const [y, m, d, hh, mm] = [t.slice(0, 4), t.slice(5, 7), t.slice(8, 10), t.slice(11, 13), t.slice(14, 16)];
  const file = `${accountId}_vpcflowlogs_${region}_${flowLogId}_${y}${m}${d}T${hh}${mm}Z_${hash}.log.gz`;
  const hourly = format.layout.endsWith('hourly');
  const folder = format.layout.startsWith('hive')
    ? `AWSLogs/aws-account-id=${accountId}/aws-service=vpcflowlogs/aws-region=${region}/year=${y}/month=${m}/day=${d}/${hourly ? `hour=${hh}/` : ''}`
    : `AWSLogs/${accountId}/vpcflowlogs/${region}/${y}/${m}/${d}/${hourly ? `${hh}/` : ''}`;
  return `${format.prefix ?? ''}${folder}${file}`;
}

/** Writes every object gzip-compressed under `dir`; returns the written paths. */
export function writeCorpus(dir: string, corpus: Corpus): string[] {
  return corpus.objects.map((object) => {
    const path = join(dir, object.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gzipSync(object.text));
    return path;
  });
}

export interface Measures {
  flows: bigint;
  packets: bigint;
  bytes: bigint;
}

/** Sums flows, packets and bytes of the OK records (NODATA/SKIPDATA are not flows) per key. */
export function totalsBy(records: Iterable<FlowLogRecord>, keyOf: (r: FlowLogRecord) => string): Map<string, Measures> {
  const totals = new Map<string, Measures>();
  for (const r of records) {
    if (r.log_status !== undefined && r.log_status !== null && r.log_status !== 'OK') continue;
    const key = keyOf(r);
    const t = totals.get(key) ?? { flows: 0n, packets: 0n, bytes: 0n };
    t.flows += 1n;
    t.packets += BigInt(r.packets ?? 0);
    t.bytes += BigInt(r.bytes ?? 0);
    totals.set(key, t);
  }
  return totals;
}
