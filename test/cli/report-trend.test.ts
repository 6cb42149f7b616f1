/**
 * The trend queries and `report --since` on a generated 14-day corpus, through the real ingest
 * (CLI, Parquet files) and DuckDB; expectations come from the records the generator wrote.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';
import { TREND_VPCS, type TrendCorpus, type TrendRecord, writeTrendCorpus } from '../helpers/trend-corpus.js';

const dir = tempDir('trend');
const out = join(dir.path, 'tables');
let corpus: TrendCorpus;

beforeAll(async () => {
  corpus = writeTrendCorpus(join(dir.path, 'logs'), { days: 14, lastDay: '2025-11-30' });
  const policy = join(dir.path, 'boundaries.json');
  writeFileSync(policy, JSON.stringify(corpus.policy));
  const ingest = await runCli(['ingest', join(dir.path, 'logs'), '--out', out, '--boundaries', policy, '--quiet']);
  expect(ingest.stderr).toBe('');
  expect(ingest.code).toBe(0);
});
afterAll(() => dir.remove());

const json = async (args: string[]) => {
  const result = await runCli(args);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};
const sum = (rs: readonly TrendRecord[]) => rs.reduce((n, r) => n + r.bytes, 0);
const peer = (r: TrendRecord) => (r.direction === 'ingress' ? r.srcaddr : r.dstaddr);
const pct = (part: number, total: number) => Math.round((1000 * part) / total) / 10;

/** The coverage_trend_by_vpc row of one VPC and day, from the generator's records. */
function expectedDay(vpcId: string, day: string) {
  const rs = corpus.records.filter((r) => r.vpcId === vpcId && r.day === day);
  const of = (f: (r: TrendRecord) => boolean) => sum(rs.filter(f));
  const encrypted = of((r) => r.status !== null && r.status > 0);
  return {
    vpc_id: vpcId,
    day,
    flows: String(rs.length),
    bytes: String(sum(rs)),
    cleartext_bytes: String(of((r) => r.status === 0)),
    nitro_bytes: String(of((r) => r.status === 1)),
    application_bytes: String(of((r) => r.status === 2)),
    both_bytes: String(of((r) => r.status === 3)),
    unknown_bytes: String(of((r) => r.status === null)),
    no_status_field_bytes: '0',
    encrypted_bytes_pct: pct(encrypted, sum(rs)),
    cleartext_pairs: String(new Set(rs.filter((r) => r.status === 0).map((r) => `${r.interfaceId}|${peer(r)}`)).size),
  };
}

describe('coverage_trend_by_vpc and new_cleartext_pairs on 14 days', () => {
  it('gives one row per VPC and day with bytes by status, share encrypted and cleartext pairs', async () => {
    const rows = await json(['query', out, 'coverage_trend_by_vpc', '--format', 'json']);
    const expected = Object.values(TREND_VPCS)
      .sort()
      .flatMap((vpc) => corpus.days.map((day) => expectedDay(vpc, day)));
    expect(rows).toHaveLength(3 * 14);
    expect(rows.map((r: Record<string, unknown>) => ({ ...r, flows: String(r.flows) }))).toMatchObject(expected);
    // The story: payments' cleartext stops halfway, analytics gains cleartext pairs at the end.
    const pairs = (vpc: string) =>
      rows
        .filter((r: Record<string, unknown>) => r.vpc_id === vpc)
        .map((r: Record<string, unknown>) => Number(r.cleartext_pairs));
    expect(pairs(TREND_VPCS.payments)).toEqual([...Array(7).fill(1), ...Array(7).fill(0)]);
    expect(pairs(TREND_VPCS.analytics)).toEqual([...Array(11).fill(0), 1, 1, 2]);
    expect(pairs(TREND_VPCS.legacy)).toEqual(Array(14).fill(1));
  });

  it('names the cleartext pairs first seen in the latest 7 days, and only those', async () => {
    const rows = await json(['query', out, 'new_cleartext_pairs', '--format', 'json']);
    const firstSeen = new Map<string, TrendRecord[]>();
    for (const r of corpus.records.filter((x) => x.status === 0)) {
      const key = `${r.vpcId}|${r.interfaceId}|${peer(r)}|${Math.min(r.srcport, r.dstport)}`;
      firstSeen.set(key, [...(firstSeen.get(key) ?? []), r]);
    }
    const lastWeek = corpus.days.slice(-7);
    const expected = [...firstSeen.entries()]
      .filter(([, rs]) => rs.every((r) => lastWeek.includes(r.day)))
      .map(([key, rs]) => [...key.split('|'), String(rs.length), String(sum(rs))])
      .sort((a, b) => Number(b[5]) - Number(a[5]));
    expect(expected).toHaveLength(2);
    expect(
      rows.map((r: Record<string, unknown>) => [
        r.vpc_id,
        r.interface_id,
        r.peer,
        String(r.port),
        String(r.flows),
        String(r.bytes),
      ]),
    ).toEqual(expected);
  });

  it('report --since 30d shows every day; --since 7d only the latest 7, with no previous week to compare', async () => {
    const all = await json(['report', out, '--since', '30d', '--json']);
    expect(all.window).toEqual({ since: '30d', fromDay: '2025-11-01', lastDay: '2025-11-30' });
    expect(all.trend.byVpcDay).toHaveLength(42);
    expect(all.trend.newCleartextPairs).toHaveLength(2);
    const week = await json(['report', out, '--since', '7d', '--json']);
    expect(week.window).toEqual({ since: '7d', fromDay: '2025-11-24', lastDay: '2025-11-30' });
    expect(new Set(week.trend.byVpcDay.map((r: { day: string }) => r.day))).toEqual(new Set(corpus.days.slice(-7)));
    expect(week.trend.newCleartextPairs).toEqual([]);
    expect(week.totals.bytes).toBe(String(sum(corpus.records.filter((r) => corpus.days.slice(-7).includes(r.day)))));
    expect(week.evidence.period.days).toBe(7);
    const plain = await json(['report', out, '--json']);
    expect(plain.trend).toBeUndefined();
  });

  it('prints the trend and the new pairs in the text report', async () => {
    const result = await runCli(['report', out, '--since', '2w']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(--since 2w: 2025-11-17 to 2025-11-30)');
    expect(result.stdout).toContain('Daily trend per VPC');
    const newPairs = result.stdout.split('New cleartext ENI/peer pairs')[1]!.split('\n\n')[0]!;
    expect(newPairs).toContain('10.3.0.77');
    expect(newPairs).toContain('198.51.100.20');
    expect(newPairs).not.toContain('10.2.8.8');
  });
});
