/**
 * `ciphertrail plan` on real files: the bundled samples ingested with samples/boundaries.json
 * (its copy in <dir>/boundaries.json is the default snapshot), then planned in text and JSON,
 * with --vpc, --since, an explicit --boundaries (a version 1 snapshot) and bad input.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnforcementPlan } from '../../functions/core/enforcement-plan.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('plan');
const LEGACY = 'vpc-0a9b8c7d6e5f4a3b2';
const V1 = 'test/policy/fixtures/boundaries-v1.json';

beforeAll(async () => {
  // Exit 1: one sample object is a truncated gzip on purpose; the rest is written.
  const ingest = await runCli([
    'ingest',
    'samples/flow-logs',
    '--out',
    dir.path,
    '--boundaries',
    'samples/boundaries.json',
    '--quiet',
  ]);
  expect(ingest.code).toBe(1);
});
afterAll(() => dir.remove());

const planJson = async (...args: string[]): Promise<EnforcementPlan & { policy: string }> => {
  const result = await runCli(['plan', dir.path, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
};

describe('ciphertrail plan', () => {
  it('plans the sample monitor-mode VPC: blocked by a non-Nitro ENI carrying Redis in cleartext, an idle IGW, and the command', async () => {
    const plan = await planJson();
    expect(plan.policy).toBe(join(dir.path, 'boundaries.json'));
    // The window ends at the newest window_start of the samples and spans the default 14 days.
    expect(plan.until).toBe('2025-11-21T10:05:00.000Z');
    expect(plan.since).toBe('2025-11-07T10:05:00.000Z');
    expect(plan.vpcs.map((v) => v.vpcId)).toEqual([LEGACY]);
    const [legacy] = plan.vpcs;
    expect(legacy!.verdict).toBe('blocked');
    const [eni, igw] = legacy!.blockingResources!;
    expect(eni!.label).toBe('eni-0c3c3c3c3c3c3c3c3 → i-0c3c3c3c3c3c3c3c3 (m4.large, not Nitro)');
    // Request and reply of the one conversation (2.4 MB + 1.9 MB in samples/generate.ts) are one path.
    expect(eni!.paths).toEqual([
      expect.objectContaining({
        peer: '10.2.8.8',
        protocol: 'tcp',
        port: 6379,
        flows: 2,
        bytes: 4_300_000,
        outcome: 'blocked',
        lastSeen: '2025-11-21T10:01:05.000Z',
      }),
    ]);
    expect(igw).toMatchObject({ id: 'igw-0c1d2e3f4a5b6c7d8', idle: true, exclusion: 'InternetGateway' });
    expect(legacy!.command).toBe(
      'aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce --internet-gateway-exclusion enable --region us-east-1',
    );
    // The status-3 (TLS over Nitro) conversation on the same ENI is no evidence.
    expect(JSON.stringify(legacy)).not.toContain('10.2.9.9');
  });

  it('prints the verdict, the evidence and the command as text', async () => {
    const result = await runCli(['plan', dir.path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('vpc-0a9b8c7d6e5f4a3b2 (legacy) 111111111111 us-east-1: monitor mode → BLOCKED');
    expect(result.stdout).toMatch(
      /↔ 10\.2\.8\.8 tcp\/6379: 2 flows, 4\.3 MB, last seen 2025-11-21T10:01:05\.000Z \[blocked\]/,
    );
    expect(result.stdout).toContain('igw-0c1d2e3f4a5b6c7d8 (InternetGateway): excludable (InternetGateway), idle');
    expect(result.stdout).toContain(
      '    aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-0a1b2c3d4e5f60718 --mode enforce',
    );
  });

  it('--vpc plans an enforced VPC too, and names ids the snapshot lacks', async () => {
    const plan = await planJson('--vpc', 'vpc-0e1f2a3b4c5d6e7f8', 'vpc-0000000000000000a');
    expect(plan.vpcs.map((v) => v.vpcId)).toEqual(['vpc-0e1f2a3b4c5d6e7f8']);
    expect(plan.unknownVpcs).toEqual(['vpc-0000000000000000a']);
  });

  it('--since sets the window start from the newest window_start (the Redis flows lie inside the last hour)', async () => {
    const plan = await planJson('--since', '1h');
    expect(plan.since).toBe('2025-11-21T09:05:00.000Z');
    expect(plan.vpcs[0]!.blockingResources![0]!.paths).toHaveLength(1);
  });

  it('loads an old (version 1) snapshot given with --boundaries: verdict from the flows, no command', async () => {
    const plan = await planJson('--boundaries', V1);
    expect(plan.policy).toBe(V1);
    expect(plan.vpcs[0]).toMatchObject({ vpcId: LEGACY, verdict: 'blocked', command: null, blockingResources: null });
    expect(plan.vpcs[0]!.paths[0]).toMatchObject({ peer: '10.2.8.8', port: 6379, bytes: 4_300_000 });
    const text = await runCli(['plan', dir.path, '--boundaries', V1]);
    expect(text.stdout).toContain('unknown: the snapshot has no blocking resources for this VPC');
  });

  it('refuses bad input with a usage error (exit 2) naming the problem', async () => {
    const since = await runCli(['plan', dir.path, '--since', '2 weeks']);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('must be hours, days or weeks (36h, 30d, 2w) or a day (2025-11-20), got "2 weeks"');
    const empty = tempDir('plan-empty');
    try {
      const none = await runCli(['plan', empty.path]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('no policy snapshot');
      copyFileSync(V1, join(empty.path, 'boundaries.json'));
      // A policy but no tables: an empty plan, the monitor VPC with no evidence.
      const noTables = await runCli(['plan', empty.path, '--json']);
      expect(noTables.code).toBe(0);
      expect(JSON.parse(noTables.stdout).vpcs[0].verdict).toBe('ready');
    } finally {
      empty.remove();
    }
    const missing = await runCli(['plan', join(dir.path, 'nope')]);
    expect(missing.code).toBe(2);
  });
});
