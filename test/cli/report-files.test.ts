/** `report --html` output errors and tables written before `encryption_status_field` existed. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('report-files');
const tables = join(dir.path, 'tables');

beforeAll(async () => {
  await runCli(['ingest', 'samples/flow-logs', '--out', tables, '--quiet']);
});
afterAll(() => dir.remove());

describe('report files', () => {
  it('--html writes one page and says where it is, after the text report', async () => {
    const file = join(dir.path, 'deep', 'er', 'report.html');
    const result = await runCli(['report', tables, '--html', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Encryption coverage by VPC');
    expect(result.stdout).not.toContain('Daily trend per VPC'); // the terminal shows it with --since
    expect(result.stderr.trim()).toMatch(
      /^ciphertrail report: wrote .*report\.html \(\d+\.\d KB\): open it in a browser/,
    );
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('Daily trend per VPC');
    // No boundary policy in this run: the page says so instead of empty violation tables.
    expect(html).toContain('The ingest run had no boundary policy');
  });

  it('--html of a run with a policy snapshot joins the plan verdict to each monitor-mode VPC', async () => {
    const withPolicy = join(dir.path, 'with-policy');
    await runCli([
      'ingest',
      'samples/flow-logs',
      '--out',
      withPolicy,
      '--boundaries',
      'samples/boundaries.json',
      '--quiet',
    ]);
    const file = join(dir.path, 'with-policy.html');
    expect((await runCli(['report', withPolicy, '--html', file])).code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<th scope="col">plan verdict</th>');
    // The samples' legacy VPC: its m4.large ENI carries cleartext Redis, which enforce mode would drop.
    const plan = JSON.parse((await runCli(['plan', withPolicy, '--json'])).stdout);
    const legacy = plan.vpcs.find((v: { vpcId: string }) => v.vpcId === 'vpc-0a9b8c7d6e5f4a3b2');
    expect(legacy.verdict).toBe('blocked');
    expect(html).toMatch(/<td>blocked(: [^<]*)?<\/td>/);
  });

  it('--html to a path that cannot be written exits 3 naming it', async () => {
    const result = await runCli(['report', tables, '--html', '/dev/null/report.html']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot write \/dev\/null\/report\.html/);
  });

  it('reads tables written before encryption_status_field existed: their null statuses count as `-`', async () => {
    const old = join(dir.path, 'old');
    mkdirSync(old, { recursive: true });
    const oracle = await Oracle.open();
    try {
      await oracle.query(`COPY (SELECT * EXCLUDE (encryption_status_field) FROM ${parquetTable(tables, 'summary')})
        TO '${join(old, 'summary')}' (FORMAT parquet, PARTITION_BY (dt))`);
    } finally {
      oracle.close();
    }
    const result = await runCli(['report', old, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const current = JSON.parse((await runCli(['report', tables, '--json'])).stdout);
    expect(report.totals.bytes).toBe(current.totals.bytes);
    expect(report.totals.no_status_field_bytes).toBe('0');
    expect(BigInt(report.totals.unknown_bytes)).toBe(
      BigInt(current.totals.unknown_bytes) + BigInt(current.totals.no_status_field_bytes),
    );
  });
});
