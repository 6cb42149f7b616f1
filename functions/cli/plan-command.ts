import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { planFromTables } from '../adapters/plan-tables.js';
import { readPolicy } from '../adapters/policy-store.js';
import { isS3Url } from '../adapters/s3-url.js';
import { ALERT_FILES } from '../core/alerts/alert-run.js';
import type { EnforcementPlan, PlanPath, VpcPlan } from '../core/enforcement-plan.js';
import { formatBytes, formatCount } from '../report/format.js';
import { windowStartOf } from '../report/since.js';
import type { PlanOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './usage.js';

/**
 * `ciphertrail plan <dir>`: the enforcement plan over an ingest run's tables. The policy snapshot
 * is `--boundaries` (the file sync-boundaries writes, local or s3://) or else `<dir>/boundaries.json`,
 * the copy `ingest --boundaries` keeps beside the tables. The exit status does not carry the
 * verdicts (0 whenever the plan was made); `--json` does, for automation.
 */
export async function runPlanCommand(dir: string, options: PlanOptionValues): Promise<number> {
  if (isS3Url(dir)) throw new UsageError(`plan reads the tables of a local run; copy ${dir} first (aws s3 sync)`);
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info?.isDirectory()) throw new UsageError(`no such folder: ${dir}`);
  const location = options.boundaries ?? join(dir, ALERT_FILES.policy);
  if (!options.boundaries && !existsSync(location)) {
    throw new UsageError(
      `no policy snapshot: ${location} does not exist. Give --boundaries <policy.json> (written by ` +
        'ciphertrail sync-boundaries), or ingest with --boundaries, which keeps a copy there',
    );
  }
  const policy = await readPolicy(location);
  const plan = await planFromTables(dir, policy, {
    startOf: (untilMs) => windowStartOf(options.since, untilMs),
    ...(options.vpc ? { vpcIds: options.vpc } : {}),
  });
  console.log(options.json ? JSON.stringify({ policy: location, ...plan }, null, 2) : renderPlan(plan, location));
  return EXIT.ok;
}

const VERDICT_WORDS: Record<VpcPlan['verdict'], string> = {
  ready: 'READY',
  'needs-exclusions': 'NEEDS EXCLUSIONS',
  blocked: 'BLOCKED',
};

function renderPlan(plan: EnforcementPlan, policyLocation: string): string {
  const out: string[] = [
    `Enforcement plan: flows ${plan.since} to ${plan.until}, policy ${policyLocation}` +
      (plan.policyGeneratedAt ? ` (synced ${plan.policyGeneratedAt})` : ''),
    `  ${plan.vpcs.length} VPC(s): ${plan.counts.ready} ready, ${plan.counts['needs-exclusions']} need exclusions, ${plan.counts.blocked} blocked`,
  ];
  for (const id of plan.unknownVpcs) out.push(`  ${id}: not in the policy snapshot (no encryption controls)`);
  if (plan.vpcs.length === 0 && plan.unknownVpcs.length === 0) out.push('  no VPC in monitor mode or a failed state');
  for (const vpc of plan.vpcs) out.push('', ...renderVpc(vpc));
  return out.join('\n');
}

function renderVpc(vpc: VpcPlan): string[] {
  const where = [vpc.accountId, vpc.region].filter(Boolean).join(' ');
  const state = vpc.state && vpc.state !== 'available' ? `, state ${vpc.state}` : '';
  const out = [
    `${vpc.vpcId}${vpc.name ? ` (${vpc.name})` : ''} ${where}: ${vpc.mode} mode${state} → ${VERDICT_WORDS[vpc.verdict]}`,
  ];
  if (vpc.stateMessage) out.push(`  state message: ${vpc.stateMessage}`);
  for (const r of vpc.reasons) out.push(`  - ${r}`);
  if (vpc.blockingResources) {
    out.push(`  blocking resources (GetVpcResourcesBlockingEncryptionEnforcement): ${vpc.blockingResources.length}`);
    for (const r of vpc.blockingResources) {
      const kind = r.excludable ? `excludable${r.exclusion ? ` (${r.exclusion})` : ''}` : 'not excludable';
      out.push(`    ${r.label}: ${kind}${r.idle ? ', idle' : ''}`);
      if (r.description) out.push(`      ${r.description}`);
      for (const p of r.paths) out.push(`      ${pathLine(p)}`);
      out.push(`      → ${r.hint}`);
    }
  }
  const dropped = vpc.paths.filter((p) => p.outcome !== 'excluded');
  const allowed = vpc.paths.filter((p) => p.outcome === 'excluded');
  if (dropped.length > 0) {
    out.push('  cleartext paths enforce would drop, not explained by a blocking resource:');
    for (const p of dropped) out.push(`    ${pathLine(p)}`, `      → ${p.hint}`);
  }
  if (allowed.length > 0) {
    out.push('  cleartext allowed by an enabled exclusion (the application must encrypt it):');
    for (const p of allowed) out.push(`    ${pathLine(p)}`);
  }
  if (vpc.exclusionsEnabled.length) out.push(`  exclusions already enabled: ${vpc.exclusionsEnabled.join(', ')}`);
  for (const c of vpc.context) out.push(`  ${c}`);
  for (const u of vpc.unknowns) out.push(`  unknown: ${u}`);
  if (vpc.command) {
    out.push(
      vpc.verdict === 'blocked' ? '  command (once the blockers above are gone):' : '  command:',
      `    ${vpc.command}`,
    );
  } else {
    out.push('  command: the snapshot has no encryption control id; run sync-boundaries for the exact command');
  }
  return out;
}

function pathLine(p: PlanPath): string {
  const who = p.resource ? `${p.interfaceId} ${p.resource}` : (p.interfaceId ?? '-');
  const outcome =
    p.outcome === 'needs-exclusion' ? `needs ${p.exclusion}` : p.exclusion ? `${p.outcome}: ${p.exclusion}` : p.outcome;
  return (
    `${who} ↔ ${p.peer ?? '?'} ${p.protocol}/${p.port ?? '-'}: ${formatCount(p.flows)} flows, ${formatBytes(p.bytes)}, ` +
    `last seen ${p.lastSeen} [${outcome}]`
  );
}
