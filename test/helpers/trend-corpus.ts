/**
 * A multi-day corpus with a story, for the trend queries and the HTML report: three VPCs over
 * `days` UTC days, one v10 object per VPC and day (AWS key layout, gzip), written for the real
 * ingest. It returns every record it wrote, so tests compute their expectations from the truth.
 *
 * - payments (vpc-0a11…): Nitro and TLS traffic; a cleartext pair to a database that is
 *   remediated after the first half of the days (its cleartext stops).
 * - legacy (vpc-0b22…): cleartext Redis every day, and status `-` flows (controls off on the path).
 * - analytics (vpc-0c33…): Nitro only, until a cleartext pair appears 3 days before the end
 *   and another one (to a public address) on the last day: the new pairs of the latest week.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { objectKey, randomInt, seededRandom } from './flow-log-corpus.js';

const TREND_FORMAT =
  'version account-id region vpc-id subnet-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction traffic-path encryption-status';

export interface TrendRecord {
  readonly day: string;
  readonly vpcId: string;
  readonly interfaceId: string;
  readonly srcaddr: string;
  readonly dstaddr: string;
  readonly srcport: number;
  readonly dstport: number;
  readonly direction: 'ingress' | 'egress';
  readonly trafficPath: number | null;
  /** null is `-`. */
  readonly status: number | null;
  readonly bytes: number;
  readonly packets: number;
  readonly start: number;
}

export interface TrendCorpus {
  readonly records: readonly TrendRecord[];
  readonly days: readonly string[];
  readonly files: readonly string[];
  /** Boundary policy for the corpus (payments and analytics enforce, legacy monitors). */
  readonly policy: object;
}

export const TREND_VPCS = {
  payments: 'vpc-0a11111111111111a',
  legacy: 'vpc-0b22222222222222b',
  analytics: 'vpc-0c33333333333333c',
} as const;
const ACCOUNT = '444444444444';
const REGION = 'eu-central-1';

export function writeTrendCorpus(dir: string, options: { days: number; lastDay: string; seed?: number }): TrendCorpus {
  const random = seededRandom(options.seed ?? 11);
  const last = Date.parse(`${options.lastDay}T00:00:00Z`);
  const days = Array.from({ length: options.days }, (_, i) =>
    new Date(last - (options.days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
  const records: TrendRecord[] = [];
  const files: string[] = [];
  days.forEach((day, d) => {
    const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;
    const perVpc = new Map<string, TrendRecord[]>();
    const add = (r: Omit<TrendRecord, 'day' | 'start' | 'packets'>) => {
      const start = dayStart + randomInt(random, 0, 23) * 3600 + randomInt(random, 0, 3000);
      const record = { ...r, day, start, packets: Math.max(1, Math.round(r.bytes / 900)) };
      records.push(record);
      perVpc.set(r.vpcId, [...(perVpc.get(r.vpcId) ?? []), record]);
    };
    const jitter = (n: number) => n + randomInt(random, 0, n / 10);
    // payments
    const p = TREND_VPCS.payments;
    add({
      vpcId: p,
      interfaceId: 'eni-0a000000000000001',
      srcaddr: '10.1.1.10',
      dstaddr: '10.1.2.20',
      srcport: 40100,
      dstport: 8443,
      direction: 'egress',
      trafficPath: 1,
      status: 1,
      bytes: jitter(4_000_000),
    });
    add({
      vpcId: p,
      interfaceId: 'eni-0a000000000000002',
      srcaddr: '10.1.1.11',
      dstaddr: '10.1.9.9',
      srcport: 40200,
      dstport: 443,
      direction: 'egress',
      trafficPath: 7,
      status: 2,
      bytes: jitter(600_000),
    });
    if (d < Math.floor(options.days / 2)) {
      add({
        vpcId: p,
        interfaceId: 'eni-0a000000000000001',
        srcaddr: '10.1.1.10',
        dstaddr: '10.1.3.30',
        srcport: 40300,
        dstport: 5432,
        direction: 'egress',
        trafficPath: 1,
        status: 0,
        bytes: jitter(900_000),
      });
    }
    // legacy
    const l = TREND_VPCS.legacy;
    add({
      vpcId: l,
      interfaceId: 'eni-0b000000000000001',
      srcaddr: '10.2.3.4',
      dstaddr: '10.2.8.8',
      srcport: 33012,
      dstport: 6379,
      direction: 'egress',
      trafficPath: 1,
      status: 0,
      bytes: jitter(2_000_000),
    });
    add({
      vpcId: l,
      interfaceId: 'eni-0b000000000000001',
      srcaddr: '10.2.8.8',
      dstaddr: '10.2.3.4',
      srcport: 6379,
      dstport: 33012,
      direction: 'ingress',
      trafficPath: null,
      status: 0,
      bytes: jitter(1_500_000),
    });
    add({
      vpcId: l,
      interfaceId: 'eni-0b000000000000002',
      srcaddr: '10.2.5.5',
      dstaddr: '10.9.0.1',
      srcport: 51000,
      dstport: 443,
      direction: 'egress',
      trafficPath: 1,
      status: null,
      bytes: jitter(300_000),
    });
    add({
      vpcId: l,
      interfaceId: 'eni-0b000000000000002',
      srcaddr: '10.2.5.5',
      dstaddr: '10.2.6.6',
      srcport: 51001,
      dstport: 8443,
      direction: 'egress',
      trafficPath: 1,
      status: 3,
      bytes: jitter(500_000),
    });
    // analytics
    const a = TREND_VPCS.analytics;
    add({
      vpcId: a,
      interfaceId: 'eni-0c000000000000001',
      srcaddr: '10.3.1.1',
      dstaddr: '10.3.2.2',
      srcport: 45000,
      dstport: 9300,
      direction: 'egress',
      trafficPath: 1,
      status: 1,
      bytes: jitter(7_000_000),
    });
    if (d >= options.days - 3) {
      add({
        vpcId: a,
        interfaceId: 'eni-0c000000000000002',
        srcaddr: '10.3.1.5',
        dstaddr: '10.3.0.77',
        srcport: 46000,
        dstport: 9200,
        direction: 'egress',
        trafficPath: 1,
        status: 0,
        bytes: jitter(250_000),
      });
    }
    if (d === options.days - 1) {
      add({
        vpcId: a,
        interfaceId: 'eni-0c000000000000003',
        srcaddr: '10.3.1.9',
        dstaddr: '198.51.100.20',
        srcport: 47000,
        dstport: 80,
        direction: 'egress',
        trafficPath: 8,
        status: 0,
        bytes: jitter(40_000),
      });
    }
    for (const [vpcId, list] of perVpc) {
      const lines = [TREND_FORMAT, ...list.map(line)];
      const key = objectKey(
        { layout: 'plain' },
        ACCOUNT,
        REGION,
        `fl-${vpcId.slice(4, 12)}`,
        dayStart * 1000 + 23 * 3600_000,
        vpcId.slice(-8),
      );
      const path = join(dir, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
      files.push(path);
    }
  });
  const vpc = (mode: string, name: string, cidr: string) => ({
    name,
    mode,
    exclusions: [],
    cidrs: [cidr],
    accountId: ACCOUNT,
    region: REGION,
  });
  const policy = {
    vpcs: {
      [TREND_VPCS.payments]: vpc('enforce', 'payments', '10.1.0.0/16'),
      [TREND_VPCS.legacy]: vpc('monitor', 'legacy', '10.2.0.0/16'),
      [TREND_VPCS.analytics]: vpc('enforce', 'analytics', '10.3.0.0/16'),
    },
  };
  return { records, days, files, policy };
}

function line(r: TrendRecord): string {
  return [
    10,
    ACCOUNT,
    REGION,
    r.vpcId,
    `subnet-${r.vpcId.slice(4, 12)}`,
    r.interfaceId,
    r.srcaddr,
    r.dstaddr,
    r.srcport,
    r.dstport,
    6,
    r.packets,
    r.bytes,
    r.start,
    r.start + 50,
    'ACCEPT',
    'OK',
    r.direction,
    r.trafficPath ?? '-',
    r.status ?? '-',
  ].join(' ');
}
