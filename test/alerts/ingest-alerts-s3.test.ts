/**
 * `ciphertrail ingest … --out s3://… --boundaries …` against the local S3 server (s3rver): the
 * run records (alerts.jsonl, readiness.jsonl, boundaries.json) and the dedup state go through the
 * same store as the tables, into the bucket, and a second run reads the dedup state back from
 * there. The CLI runs as a child process in an empty working folder, so a folder named `s3:` (what
 * joining an S3 URL as a path makes) would show there.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_BIN, REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';
import { getObject, type LocalS3, listKeys, s3Env, startLocalS3 } from '../s3/local-s3.js';

const BUCKET = 'curated';
let s3: LocalS3;
const cwd = tempDir('alerts-s3-cwd');
beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
});
afterAll(async () => {
  await s3.stop();
  cwd.remove();
});

function ingest(): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    '--no-warnings',
    CLI_BIN,
    'ingest',
    `${REPO_ROOT}samples/flow-logs`,
    '--out',
    `s3://${BUCKET}/runs`,
    '--endpoint',
    s3.endpoint,
    '--boundaries',
    `${REPO_ROOT}samples/boundaries.json`,
    '--quiet',
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: cwd.path, env: { ...process.env, ...s3Env(s3.endpoint) } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

const lines = async (key: string) =>
  (await getObject(s3.client, BUCKET, key))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { rule: string; interface_id: string });

it('writes the alert records and the dedup state into the bucket, and the second run pages nothing new', async () => {
  const first = await ingest();
  expect(first.code).toBe(1); // the bundled truncated gzip object is rejected
  expect(first.stderr).toBe('');
  expect(first.stdout).toMatch(
    /violations {3}4 \(6 flows, 597\.0 KB\): 4 paged, 0 suppressed \(already paged\) -> s3:\/\/curated\/runs\/alerts\.jsonl/,
  );
  expect(first.stdout).toMatch(
    /readiness {4}1 in monitor-mode VPCs \(2 flows, 4\.3 MB\) -> s3:\/\/curated\/runs\/readiness\.jsonl/,
  );
  const keys = (await listKeys(s3.client, BUCKET, 'runs/')).map((k) => k.key);
  expect(keys).toEqual(
    expect.arrayContaining([
      'runs/alert-dedup.json',
      'runs/alerts.jsonl',
      'runs/boundaries.json',
      'runs/ingest-report.json',
      'runs/readiness.jsonl',
    ]),
  );
  expect(keys.filter((k) => k.startsWith('runs/findings/dt=2025-11-21/'))).toHaveLength(2);
  expect((await lines('runs/alerts.jsonl')).map((a) => a.interface_id)).toEqual([
    'eni-0f2f2f2f2f2f2f2f2',
    'eni-0a1a1a1a1a1a1a1a1',
    'eni-0f3f3f3f3f3f3f3f3',
    'eni-0d4d4d4d4d4d4d4d4',
  ]);
  expect((await lines('runs/readiness.jsonl')).map((a) => a.rule)).toEqual(['cleartext-in-monitor-vpc']);
  const claims = JSON.parse((await getObject(s3.client, BUCKET, 'runs/alert-dedup.json')).toString('utf8')) as Record<
    string,
    { state: string }
  >;
  expect(Object.values(claims).map((c) => c.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
  expect(JSON.parse((await getObject(s3.client, BUCKET, 'runs/boundaries.json')).toString('utf8')).vpcs).toHaveProperty(
    'vpc-0a9b8c7d6e5f4a3b2.mode',
    'monitor',
  );

  const second = await ingest();
  expect(second.stdout).toMatch(/violations {3}4 \(6 flows, 597\.0 KB\): 0 paged, 4 suppressed \(already paged\)/);
  expect(await lines('runs/alerts.jsonl')).toHaveLength(4); // appended: nothing new paged
  expect(readdirSync(cwd.path)).toEqual([]); // no `s3:` folder, nor anything else, beside the run
});
