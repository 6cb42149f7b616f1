import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBoundaries } from '../../functions/cli/alerting.js';
import { UsageError } from '../../functions/cli/usage.js';
import alertSchema from '../../schemas/alert.schema.json' with { type: 'json' };
import { runCli } from '../helpers/cli.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { QueryApiServer, snsPublishOk, TEST_CREDENTIALS } from '../helpers/query-api-server.js';
import { tempDir } from '../helpers/sources.js';

/*
 * `ciphertrail ingest samples/flow-logs --boundaries samples/boundaries.json` end to end, as a
 * child process. SNS is a local node:http endpoint speaking the SNS Query API (no SNS server
 * exists locally), reached through AWS_ENDPOINT_URL_SNS.
 */
const TOPIC = 'arn:aws:sns:us-east-1:999999999999:ciphertrail-alerts';
const ajv = new AjvModule.default({ strict: true });
ajv.addSchema(alertSchema);
const validateAlert = ajv.getSchema('https://ciphertrail.dev/schemas/alert.schema.json#/definitions/alert')!;

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Each test ingests into its own folder: none reads what another one wrote. */
describe('ingest --boundaries over the bundled samples', () => {
  let sns: QueryApiServer;
  let out: { path: string; remove: () => void };
  const saved = { ...process.env };
  const ingest = (...extra: string[]) =>
    runCli([
      'ingest',
      'samples/flow-logs',
      '--out',
      out.path,
      '--boundaries',
      'samples/boundaries.json',
      '--quiet',
      ...extra,
    ]);

  beforeAll(async () => {
    sns = await QueryApiServer.start(() => snsPublishOk(`m-${sns.requests.length}`));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    });
  });
  afterAll(async () => {
    process.env = saved;
    await sns.close();
  });
  beforeEach(() => {
    out = tempDir('alerts-cli');
    sns.requests.length = 0;
  });
  afterEach(() => out.remove());

  it('pages the violations, writes readiness and findings, and a second run pages nothing new', async () => {
    const first = await ingest('--sns-topic-arn', TOPIC);
    expect(first.code).toBe(1); // the bundled truncated gzip object is rejected; alerting still runs
    expect(first.stdout).toMatch(/violations {3}4 \(6 flows, 597\.0 KB\): 4 paged, 0 suppressed/);
    expect(first.stdout).toMatch(/blocked {6}1 EC-rejected/);
    expect(first.stdout).toMatch(/readiness {4}1 in monitor-mode VPCs/);
    expect(first.stdout).toMatch(/sns {10}2 message\(s\) to arn:aws:sns:us-east-1:999999999999:ciphertrail-alerts/);

    const alerts = lines(join(out.path, 'alerts.jsonl'));
    for (const a of alerts) expect(validateAlert(a), JSON.stringify(validateAlert.errors)).toBe(true);
    expect(
      alerts.map((a) => [
        a.rule,
        a.severity,
        a.vpc_id,
        a.interface_id,
        a.srcaddr,
        a.dstaddr,
        a.protocol,
        a.port,
        a.flows,
        a.bytes,
      ]),
    ).toEqual([
      [
        'cleartext-in-enforced-vpc',
        'critical',
        'vpc-0fedcba9876543210',
        'eni-0f2f2f2f2f2f2f2f2',
        '10.20.9.1',
        '198.51.100.7',
        6,
        80,
        1,
        24000,
      ],
      [
        'cleartext-in-enforced-vpc',
        'high',
        'vpc-0e1f2a3b4c5d6e7f8',
        'eni-0a1a1a1a1a1a1a1a1',
        '10.1.1.10',
        '10.1.7.9',
        6,
        8080,
        2,
        510000,
      ],
      [
        'cleartext-in-enforced-vpc',
        'high',
        'vpc-0fedcba9876543210',
        'eni-0f3f3f3f3f3f3f3f3',
        '10.20.3.3',
        '10.20.4.4',
        6,
        8000,
        2,
        32000,
      ],
      [
        'cleartext-into-enforced-vpc',
        'high',
        'vpc-0123456789abcdef0',
        'eni-0d4d4d4d4d4d4d4d4',
        '10.3.0.15',
        '10.1.7.9',
        6,
        8080,
        1,
        31000,
      ],
    ]);
    expect(alerts[1]).toMatchObject({ first_seen: '2025-11-21T10:00:10.000Z', last_seen: '2025-11-21T10:02:50.000Z' });

    const readiness = lines(join(out.path, 'readiness.jsonl'));
    expect(readiness.map((r) => [r.vpc_id, r.interface_id, r.peer, r.port, r.flows])).toEqual([
      ['vpc-0a9b8c7d6e5f4a3b2', 'eni-0c3c3c3c3c3c3c3c3', '10.2.8.8', 6379, 2],
    ]);

    // One SNS message per boundary: payments (its own ENI + the shared VPC crossing into it) and analytics.
    expect(
      sns.requests.map((r) => [r.params.get('Subject'), r.params.get('MessageAttributes.entry.3.Value.StringValue')]),
    ).toEqual([
      [
        'ciphertrail CRITICAL: 2 cleartext violations at vpc-0fedcba9876543210 (222222222222 eu-west-1)',
        'vpc-0fedcba9876543210',
      ],
      [
        'ciphertrail HIGH: 2 cleartext violations at vpc-0e1f2a3b4c5d6e7f8 (111111111111 us-east-1)',
        'vpc-0e1f2a3b4c5d6e7f8',
      ],
    ]);

    const oracle = await Oracle.open();
    try {
      const rows = await oracle.query(
        `SELECT classification, count(*)::INT AS n FROM ${parquetTable(out.path, 'findings')} GROUP BY 1 ORDER BY 1`,
      );
      expect(rows).toEqual([
        { classification: 'blocked', n: 1 },
        { classification: 'excluded', n: 2 },
        { classification: 'readiness', n: 2 },
        { classification: 'violation', n: 5 },
      ]);
    } finally {
      oracle.close();
    }

    const second = await ingest('--sns-topic-arn', TOPIC);
    expect(second.stdout).toMatch(/4 \(6 flows, 597\.0 KB\): 0 paged, 4 suppressed \(already paged\)/);
    expect(lines(join(out.path, 'alerts.jsonl'))).toHaveLength(4);
    expect(sns.requests).toHaveLength(2);
  });

  it('report shows violations, blocked flows and readiness per monitor-mode VPC', async () => {
    expect((await ingest()).stdout).toMatch(/violations {3}4 \(6 flows, 597\.0 KB\): 4 paged/);
    const report = await runCli(['report', out.path]);
    expect(report.code).toBe(0);
    const text = report.stdout.slice(report.stdout.indexOf('Cleartext crossing enforced boundaries'));
    expect(text).toMatch(
      /vpc-0123456789abcdef0 +eni-0d4d4d4d4d4d4d4d4 +cleartext-into-enforced-vpc +high +10\.1\.7\.9 +tcp\/8080/,
    );
    expect(text).toMatch(
      /Blocked by encryption controls[\s\S]*eni-0b2b2b2b2b2b2b2b2 +10\.1\.2\.30 +10\.1\.9\.100 +tcp\/80 +1 /,
    );
    expect(text).toMatch(
      /vpc-0a9b8c7d6e5f4a3b2 \(legacy\): 1 ENI\/peer pairs still send cleartext \(2 flows, 4\.3 MB\)/,
    );
    expect(text).toMatch(/eni-0c3c3c3c3c3c3c3c3 +10\.2\.8\.8 +tcp\/6379 +2 +4\.3 MB/);
  });

  it('an invalid policy is a usage error naming the bad path', async () => {
    const bad = join(out.path, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ vpcs: { 'vpc-0e1f2a3b4c5d6e7f8': { mode: 'enforce', exclusions: ['Igw'] } } }));
    const error = await loadBoundaries(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /\/vpcs\/vpc-0e1f2a3b4c5d6e7f8\/exclusions\/0: must be equal to one of the allowed values/,
    );
  });
});

describe('ingest --boundaries with a burst of distinct violations', () => {
  it('pages at most 25 per VPC and run, says how many more there are, and pages those on the next run', async () => {
    const dir = tempDir('alerts-burst');
    try {
      const header =
        'version account-id vpc-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end ' +
        'action log-status flow-direction traffic-path encryption-status';
      const scan = Array.from(
        { length: 30 },
        (_, i) =>
          `10 111111111111 vpc-0e1f2a3b4c5d6e7f8 eni-0a1a1a1a1a1a1a1a1 10.1.1.10 10.1.7.${i + 1} 40000 ${8000 + i} 6 10 ${10_000 - i} ` +
          '1763719203 1763719258 ACCEPT OK egress 1 0',
      );
      const log = join(dir.path, '111111111111_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20251121T1005Z_0badf00d.log');
      writeFileSync(log, `${[header, ...scan].join('\n')}\n`);
      const ingest = () =>
        runCli(['ingest', log, '--out', join(dir.path, 'out'), '--boundaries', 'samples/boundaries.json', '--quiet']);
      const first = await ingest();
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        /violations {3}30 \(30 flows, 299\.6 KB\): 25 paged, 0 suppressed \(already paged\), 5 over the per-VPC limit/,
      );
      expect(first.stdout).toMatch(/PAGE {9}\.\.\. 15 more in alerts\.jsonl/);
      expect(lines(join(dir.path, 'out', 'alerts.jsonl'))).toHaveLength(25);
      const second = await ingest();
      expect(second.stdout).toMatch(
        /violations {3}30 \(30 flows, 299\.6 KB\): 5 paged, 25 suppressed \(already paged\) -> /,
      );
      expect(lines(join(dir.path, 'out', 'alerts.jsonl')).map((a) => a.port)).toEqual([
        ...Array.from({ length: 25 }, (_, i) => 8000 + i),
        8025,
        8026,
        8027,
        8028,
        8029,
      ]);
    } finally {
      dir.remove();
    }
  });
});
