/**
 * `npm start` on the bundled samples: ingest (exit 1: one sample is a truncated gzip) then report.
 * The expected figures are written out by hand from the records in samples/generate.ts (each list
 * below is the `bytes` of one VPC's well-formed records, by encryption status): an oracle that
 * shares no code with the ingest and the report under test. The shares and totals are derived
 * from those lists here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('samples');
let ingest: CliResult;
let json: {
  legend: { code: string; label: string; meaning: string }[];
  evidence: Record<string, unknown>;
  totals: Record<string, unknown>;
  byVpc: Record<string, unknown>[];
  byPath: Record<string, unknown>[];
  topCleartextTalkers: Record<string, unknown>[];
};
let text: string;

beforeAll(async () => {
  ingest = await runCli(['ingest', 'samples/flow-logs', '--out', dir.path]);
  const [asJson, asText] = await Promise.all([runCli(['report', dir.path, '--json']), runCli(['report', dir.path])]);
  expect(asJson.code).toBe(0);
  json = JSON.parse(asJson.stdout);
  text = asText.stdout;
});
afterAll(() => dir.remove());

/** Percent with one decimal, as the report rounds it. */
const pct = (part: number, total: number) => Math.round((1000 * part) / total) / 10;

/** Bytes per encryption status of each VPC's well-formed records in samples/generate.ts, by hand. */
const VPCS = {
  'vpc-0e1f2a3b4c5d6e7f8': {
    cleartext: [412000, 98000, 9000, 180],
    nitro: [1843200, 620000],
    application: [52000],
    both: [],
    unknown: [],
  },
  'vpc-0a9b8c7d6e5f4a3b2': { cleartext: [2400000, 1900000], nitro: [], application: [], both: [210000], unknown: [] },
  // Status `-` in a v10 record: controls are off on the path.
  'vpc-0123456789abcdef0': { cleartext: [31000], nitro: [], application: [], both: [], unknown: [8000] },
  'vpc-0fedcba9876543210': {
    cleartext: [4000, 24000, 17000, 15000],
    nitro: [9600000],
    application: [],
    both: [],
    unknown: [],
  },
  // The v3/v5 documentation examples: their formats have no encryption-status field.
  'vpc-abcdefab012345678': {
    cleartext: [],
    nitro: [],
    application: [],
    both: [],
    unknown: [],
    noStatusField: [568, 376, 15044, 471],
  },
} as const;
const sum = (xs: readonly number[] = []) => xs.reduce((a, b) => a + b, 0);

describe('ingest + report on samples/', () => {
  it('ingest exits 1 for the truncated sample, names it, and keeps everything else', () => {
    expect(ingest.code).toBe(1);
    expect(ingest.stdout).toContain('7 objects (6 accepted, 1 rejected)');
    expect(ingest.stdout).toMatch(
      /REJECTED {5}samples\/flow-logs\/AWSLogs\/111111111111\/vpcflowlogs\/us-east-1\/2025\/11\/21\/111111111111_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20251121T1010Z_deadbeef\.log\.gz: corrupt gzip/,
    );
    expect(ingest.stdout).toMatch(
      /malformed {4}samples\/.*_20251121T1005Z_5e6f7a8b\.log\.gz:15: action: unknown value "ACCEPTED"/,
    );
    const report = JSON.parse(readFileSync(join(dir.path, 'ingest-report.json'), 'utf8'));
    expect(report.totals).toMatchObject({
      objects: 7,
      accepted: 6,
      rejected: 1,
      records: 31,
      malformed: 1,
      cleartextRecords: 13,
      noDataRecords: 2,
      skipDataRecords: 1,
    });
  });

  it.each(Object.entries(VPCS) as [string, Record<string, readonly number[]>][])(
    '%s: flows, bytes and shares by status',
    (vpc, bytes) => {
      const row = json.byVpc.find((r) => r.vpc_id === vpc)!;
      const total = sum(Object.values(bytes).flat());
      const flows = Object.values(bytes).flat().length;
      expect(row).toMatchObject({
        flows: String(flows),
        bytes: String(total),
        cleartext_bytes_pct: pct(sum(bytes.cleartext), total),
        nitro_bytes_pct: pct(sum(bytes.nitro), total),
        application_bytes_pct: pct(sum(bytes.application), total),
        both_bytes_pct: pct(sum(bytes.both), total),
        unknown_bytes_pct: pct(sum(bytes.unknown), total),
        no_status_field_bytes_pct: pct(sum(bytes.noStatusField), total),
        cleartext_flows_pct: pct(bytes.cleartext!.length, flows),
      });
      expect(text).toContain(vpc);
    },
  );

  it('lists formats without vpc-id separately: the default format has no status field, the blog example has one', () => {
    const row = json.byVpc.find((r) => r.vpc_id === '(no vpc-id in format)')!;
    // Default-format examples (3 flows, no encryption-status field) and the blog example (4 flows, no bytes field).
    expect(row).toMatchObject({
      flows: '7',
      bytes: String(4249 + 4249 + 8855),
      unknown_bytes_pct: 0,
      no_status_field_bytes_pct: 100,
      cleartext_flows_pct: pct(2, 7),
      nitro_flows_pct: pct(2, 7),
      unknown_flows_pct: 0,
      no_status_field_flows_pct: pct(3, 7),
    });
    expect(json.byVpc).toHaveLength(6);
  });

  it('prints the payments VPC shares in the text report', () => {
    const line = text.split('\n').find((l) => l.includes('vpc-0e1f2a3b4c5d6e7f8'))!;
    expect(line).toContain(`${pct(519180, 3034380).toFixed(1)}% (${pct(4, 7).toFixed(1)}%)`);
    expect(line).toContain(`${pct(2463200, 3034380).toFixed(1)}% (${pct(2, 7).toFixed(1)}%)`);
  });

  it('ranks the top cleartext conversations by bytes: request and reply in one client -> server line', () => {
    const top = json.topCleartextTalkers
      .slice(0, 3)
      .map((r) => [r.vpc_id, r.client, r.server, r.port, String(r.flows), String(r.bytes)]);
    expect(top).toEqual([
      // 10.2.3.4:33012 -> 10.2.8.8:6379 (2.4 MB, egress) and its reply 10.2.8.8:6379 -> 10.2.3.4:33012 (1.9 MB, ingress).
      ['vpc-0a9b8c7d6e5f4a3b2', '10.2.3.4', '10.2.8.8', 6379, '2', String(2400000 + 1900000)],
      ['vpc-0e1f2a3b4c5d6e7f8', '10.1.1.10', '10.1.7.9', 8080, '2', String(412000 + 98000)],
      ['vpc-0fedcba9876543210', '10.20.3.3', '10.20.4.4', 8000, '2', String(17000 + 15000)],
    ]);
    // Every cleartext record of the hand-written lists, plus the two of the formats without vpc-id.
    const cleartextFlows = sum(json.topCleartextTalkers.map((r) => Number(r.flows)));
    expect(cleartextFlows).toBe(sum(Object.values(VPCS).map((v) => v.cleartext.length)) + 2);
  });

  it('explains each status once, the two kinds of unknown apart', () => {
    expect(json.legend.map((s) => [s.code, s.label])).toEqual([
      ['0', 'cleartext'],
      ['1', 'nitro'],
      ['2', 'application'],
      ['3', 'both'],
      ['-', 'unknown'],
      ['', 'no status field'],
    ]);
    for (const s of json.legend) expect(text).toContain(s.meaning);
    expect(text.match(/Nitro System hardware/g)).toHaveLength(1);
  });

  it('states the period and the evidence: objects in the tables, accepted and rejected, with the rejected named', () => {
    expect(json.evidence).toMatchObject({
      objectsInTables: 6,
      lastIngestRun: { objects: 7, accepted: 6, rejected: 1, malformedLines: 1 },
      quarantined: 0,
      // The AWS default-format examples are from 2014; the sample organisation's records from 2025-11-21.
      period: { start: '2014-12-14 04:05:00+00', days: 5 },
    });
    const run = json.evidence.lastIngestRun as { rejectedObjects: { name: string; reason: string }[] };
    expect(run.rejectedObjects).toEqual([
      { name: expect.stringMatching(/_deadbeef\.log\.gz$/), reason: expect.stringMatching(/^corrupt gzip/) },
    ]);
    expect(text).toContain('evidence   6 source objects in the tables');
    expect(text).toContain('last ingest run: 7 objects, 6 accepted, 1 rejected, 1 malformed line');
    expect(text).toMatch(/period {5}2014-12-14 04:05 UTC to 2025-11-21 \d\d:\d\d UTC, 5 days with data/);
  });

  it('totals keep `-` (unknown) apart from traffic whose format has no encryption-status field', () => {
    const all = Object.values(VPCS).flatMap((v) => Object.values(v).flat()) as number[];
    const noField = [...VPCS['vpc-abcdefab012345678'].noStatusField, 4249, 4249, 8855];
    expect(json.totals).toMatchObject({
      bytes: String(sum(all) + 4249 + 4249 + 8855),
      unknown_bytes: '8000',
      no_status_field_bytes: String(sum(noField)),
      cleartext_bytes: String(sum(Object.values(VPCS).flatMap((v) => v.cleartext))),
      vpcs: '5',
    });
  });
});
