/**
 * `report --athena` and `query --athena`: the same named queries over the deployed tables, through
 * a real `@aws-sdk/client-athena` client against the local Athena endpoint (JSON protocol,
 * executing on DuckDB over the staged Parquet: no Athena runs locally). The tables there stand in
 * for the Iceberg tables of the database; the report must equal the local report of the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AthenaEndpoint } from '../helpers/athena-endpoint.js';
import { athenaOverSamples } from '../helpers/athena-samples.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { TEST_CREDENTIALS } from '../helpers/query-api-server.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('report-athena');
let athena: AthenaEndpoint;
const saved = { ...process.env };

beforeAll(async () => {
  athena = await athenaOverSamples(dir.path);
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  });
});
afterAll(async () => {
  process.env = saved;
  await athena?.close();
  dir.remove();
});

const athenaArgs = () => ['--athena', '--endpoint', athena.endpoint, '--region', 'us-east-1'];

describe('report --athena', () => {
  it('gives the sections of the local report of the same rows, with the policy snapshot given', async () => {
    const local = JSON.parse((await runCliInProcess(['report', dir.path, '--json'])).stdout);
    const deployed = await runCliInProcess([
      'report',
      ...athenaArgs(),
      '--boundaries',
      'samples/boundaries.json',
      '--json',
    ]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const remote = JSON.parse(deployed.stdout);
    for (const section of ['byVpc', 'byPath'] as const) expect(remote[section]).toEqual(local[section]);
    const talkers = (r: Record<string, unknown>[]) => r.map((t) => [t.client, t.server, t.port, t.flows, t.bytes]);
    expect(talkers(remote.topCleartextTalkers)).toEqual(talkers(local.topCleartextTalkers));
    expect(remote.totals.bytes).toBe(local.totals.bytes);
    expect(remote.evidence).toMatchObject({ lastIngestRun: null, quarantined: null, objectsInTables: 6 });
    const violations = (r: { boundaries: { violations: Record<string, unknown>[] } }) =>
      r.boundaries.violations.map((v) => [v.vpc_id, v.rule, v.peer, v.bytes]);
    expect(violations(remote)).toEqual(violations(local));
    // Every statement reached Athena in the workgroup and database the options name.
    expect(athena.statements().length).toBeGreaterThan(5);
  });

  it('--since binds every table to the window with a WITH clause over the database tables', async () => {
    const run = await runCliInProcess(['report', ...athenaArgs(), '--since', '1d', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).window).toMatchObject({ since: '1d', fromDay: '2025-11-21', lastDay: '2025-11-21' });
    const last = athena.statements().at(-1)!;
    expect(last).toMatch(
      /^WITH summary AS \(SELECT \* FROM "ciphertrail"\."summary" WHERE window_start >= TIMESTAMP '2025-11-21 00:00:00'\)/,
    );
  });

  it('refuses a folder with --athena, and --boundaries without it (exit 2)', async () => {
    expect((await runCliInProcess(['report', dir.path, ...athenaArgs()])).code).toBe(2);
    expect((await runCliInProcess(['report', dir.path, '--boundaries', 'samples/boundaries.json'])).code).toBe(2);
  });
});

describe('query --athena', () => {
  it('runs a named query by name alone, and a failed statement is a usage error naming Athena', async () => {
    const named = await runCliInProcess(['query', ...athenaArgs(), 'coverage_by_vpc', '--format', 'json']);
    expect(named.code, named.stderr).toBe(0);
    const local = await runCliInProcess(['query', dir.path, 'coverage_by_vpc', '--format', 'json']);
    expect(JSON.parse(named.stdout)).toEqual(JSON.parse(local.stdout));
    const bad = await runCliInProcess(['query', ...athenaArgs(), '--sql', 'SELECT nope FROM summary']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/the SQL failed: Athena query .* FAILED/);
  });
});
