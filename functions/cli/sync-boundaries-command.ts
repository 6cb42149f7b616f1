import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { type BoundarySyncReport, runBoundarySync } from '../adapters/boundary-sync.js';
import { FileDedupStore } from '../adapters/file-dedup-store.js';
import { LocalDirStore } from '../adapters/local-dir-store.js';
import { isS3Url } from '../adapters/s3-url.js';
import { ALERT_FILES } from '../core/alerts/alert-run.js';
import {
  DEFAULT_MEMBER_ROLE_NAME,
  describeMemberAccountsSource,
  type MemberAccountsSource,
  MemberAccountsSourceError,
  parseMemberAccountsSource,
} from '../core/policy/member-accounts-source.js';
import { UsageError } from './usage.js';

export const SYNC_BOUNDARIES_HELP = `Usage: ciphertrail sync-boundaries --out <file|s3://bucket/key> [options]

Builds the boundary policy (schemas/boundary-policy.schema.json) from the EC2 API:
DescribeVpcEncryptionControls (mode, state, exclusions), DescribeVpcs (IPv4 and IPv6 CIDRs)
and DescribeNetworkInterfaces (ENIs of excluded NAT gateways, Lambda, EFS), for the caller's
account and every member account, in every --region. For \`ciphertrail plan\` it also records
GetVpcResourcesBlockingEncryptionEnforcement (monitor-mode and failed VPCs),
DescribeAccountVpcEncryptionControl, DescribeTransitGateways (encryption support) and, through
DescribeNetworkInterfaces and DescribeInstances, the resource behind each ENI of those VPCs.
A call of these that fails is recorded under "gaps"; the rest of the account is still read.

A VPC whose control is in enforce-failed or monitor-failed pages once with --sns-topic-arn
(claims in alert-dedup.json beside --out, the same rules as ingest's alerts).

Each account and region stands alone: one that fails keeps the VPCs it had in the policy
already at --out, marked "staleSince", and is listed under "accounts" with its error. The
policy is written either way; the exit status is 1 when anything failed.

Options:
  --out <file|s3://bucket/key>  where to write the policy; the policy already there is the last known state (required)
  --region <region>             region to read; repeat for several (default $AWS_REGION)
  --account <id>                member account, reached through --role-name; repeat for several
  --accounts-from <source>      member accounts from "organizations" (ListAccounts) or "ssm:<parameter name>"
  --role-name <name>            the role in each member account (default ${DEFAULT_MEMBER_ROLE_NAME})
  --role-arn <arn>              member-account role to assume by ARN; repeat for several
  --members-only                read only the member accounts, not the caller's own
  --endpoint-url <url>          endpoint override for EC2, STS, SSM and Organizations
  --sns-topic-arn <arn>         page failed control states (enforce-failed, monitor-failed) once to this topic
  --suppress-minutes <n>        the same failed state pages at most once per n minutes (default 60)
  --json                        print the policy as well
  -h, --help                    show this help

Exit status: 0 every account and region read, 1 some failed (the policy is still written), 2 usage error.

IAM: ec2:DescribeVpcEncryptionControls, ec2:DescribeVpcs, ec2:DescribeNetworkInterfaces,
ec2:GetVpcResourcesBlockingEncryptionEnforcement, ec2:DescribeAccountVpcEncryptionControl,
ec2:DescribeTransitGateways, ec2:DescribeInstances in each account, sns:Publish for
--sns-topic-arn, sts:AssumeRole on the member roles, organizations:ListAccounts or
ssm:GetParameter for --accounts-from, s3:GetObject and s3:PutObject for an s3:// --out.`;

export interface SyncBoundariesSettings {
  readonly out: string;
  readonly regions: string[];
  readonly roleArns: string[];
  readonly accountIds: string[];
  readonly accountsFrom: MemberAccountsSource;
  readonly roleName: string;
  readonly includeCaller: boolean;
  readonly endpoint?: string;
  readonly json: boolean;
  readonly snsTopicArn?: string;
  readonly suppressMinutes: number;
}

export function parseSyncBoundariesArgs(args: string[]): SyncBoundariesSettings | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      region: { type: 'string', multiple: true },
      account: { type: 'string', multiple: true },
      'accounts-from': { type: 'string' },
      'role-name': { type: 'string' },
      'role-arn': { type: 'string', multiple: true },
      'members-only': { type: 'boolean', default: false },
      'endpoint-url': { type: 'string' },
      'sns-topic-arn': { type: 'string' },
      'suppress-minutes': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.out) throw new UsageError('--out <file|s3://bucket/key> is required');
  const regions = values.region ?? (process.env.AWS_REGION ? [process.env.AWS_REGION] : []);
  if (regions.length === 0) throw new UsageError('give --region (or set AWS_REGION)');
  const roleArns = values['role-arn'] ?? [];
  for (const arn of roleArns) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn))
      throw new UsageError(`--role-arn "${arn}" is not an IAM role ARN`);
  }
  const accountIds = values.account ?? [];
  for (const id of accountIds)
    if (!/^\d{12}$/.test(id)) throw new UsageError(`--account "${id}" is not a 12-digit account id`);
  const roleName = values['role-name'] ?? DEFAULT_MEMBER_ROLE_NAME;
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) throw new UsageError(`--role-name "${roleName}" is not an IAM role name`);
  let accountsFrom: MemberAccountsSource;
  try {
    accountsFrom = parseMemberAccountsSource(values['accounts-from']);
  } catch (err) {
    if (err instanceof MemberAccountsSourceError) throw new UsageError(`--accounts-from: ${err.message}`);
    throw err;
  }
  const hasMembers = roleArns.length > 0 || accountIds.length > 0 || accountsFrom.kind !== 'none';
  if (values['members-only'] && !hasMembers) {
    throw new UsageError('--members-only needs member accounts (--account, --accounts-from or --role-arn)');
  }
  const topic = values['sns-topic-arn'];
  if (topic !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/.test(topic))
    throw new UsageError(`--sns-topic-arn "${topic}" is not an SNS topic ARN`);
  if (topic !== undefined && isS3Url(values.out))
    throw new UsageError('--sns-topic-arn needs a local --out (its dedup file lives beside it)');
  const suppress = values['suppress-minutes'] ?? '60';
  if (!/^\d+$/.test(suppress) || Number(suppress) <= 0)
    throw new UsageError(`--suppress-minutes must be a positive whole number, got "${suppress}"`);
  return {
    out: values.out,
    ...(topic ? { snsTopicArn: topic } : {}),
    suppressMinutes: Number(suppress),
    regions,
    roleArns,
    accountIds,
    accountsFrom,
    roleName,
    includeCaller: !values['members-only'],
    ...(values['endpoint-url'] ? { endpoint: values['endpoint-url'] } : {}),
    json: values.json,
  };
}

export async function runSyncBoundaries(
  settings: SyncBoundariesSettings,
): Promise<{ policy: BoundaryPolicy; text: string; exitCode: number; report: BoundarySyncReport }> {
  // Failed control states page through the same file dedup store as ingest, beside the policy.
  const dedup = settings.snsTopicArn
    ? await FileDedupStore.open(new LocalDirStore(dirname(settings.out)), ALERT_FILES.dedup)
    : undefined;
  const publisher = settings.snsTopicArn
    ? new (await import('../adapters/sns-alert-publisher.js')).SnsAlertPublisher(settings.snsTopicArn)
    : undefined;
  const report = await runBoundarySync({
    ...(dedup && publisher
      ? { alerts: { dedup, publisher, clock: () => Date.now(), suppressMinutes: settings.suppressMinutes } }
      : {}),
    location: settings.out,
    regions: settings.regions,
    members: settings.accountsFrom,
    accountIds: settings.accountIds,
    memberRoleName: settings.roleName,
    roleArns: settings.roleArns,
    includeCaller: settings.includeCaller,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  });
  await dedup?.save(Date.now());
  const pageFailed = (report.controlAlerts?.paging.failures.length ?? 0) > 0;
  const exitCode = report.failures.length > 0 || report.memberListError || pageFailed ? 1 : 0;
  return { policy: report.policy, text: renderSyncReport(report, settings), exitCode, report };
}

function renderSyncReport(report: BoundarySyncReport, settings: SyncBoundariesSettings): string {
  const modes = Object.values(report.policy.vpcs).map((v) => v.mode);
  const stale = Object.values(report.policy.vpcs).filter((v) => v.staleSince).length;
  const accounts = new Set(report.accounts.map((a) => a.accountId)).size;
  const lines = [
    `ciphertrail sync-boundaries: ${modes.length} VPCs with encryption controls ` +
      `(${modes.filter((m) => m === 'enforce').length} enforce, ${modes.filter((m) => m === 'monitor').length} monitor) ` +
      `from ${accounts} account(s) in ${settings.regions.join(', ')}`,
    `  wrote        ${report.location} (${report.bytes} bytes)`,
    ...(settings.accountsFrom.kind !== 'none'
      ? [`  members      ${report.memberAccounts} from ${describeMemberAccountsSource(settings.accountsFrom)}`]
      : []),
    `  read         ${report.accounts.length - report.failures.length} of ${report.accounts.length} account-region(s)` +
      (stale > 0 ? `; ${stale} VPC(s) kept from an earlier sync, marked stale` : ''),
    ...report.failures.map(
      (f) =>
        `  failed       ${f.accountId} ${f.region}: ${f.error}; failing since ${f.failedSince}, ` +
        keptState(report, f.accountId, f.region, f.lastSuccessAt),
    ),
    ...(report.memberListError ? [`  failed       ${report.memberListError}`] : []),
    ...(report.controlAlerts
      ? [
          `  paged        ${report.controlAlerts.paging.paged.length} failed control state(s) to ${settings.snsTopicArn}` +
            (report.controlAlerts.paging.suppressed.length
              ? `; ${report.controlAlerts.paging.suppressed.length} suppressed`
              : ''),
          ...report.controlAlerts.paging.failures.map((f) => `  failed       page ${f.subject}: ${f.reason}`),
        ]
      : []),
    ...inventoryLines(report.policy),
    ...(report.policy.gaps ?? []).map(
      (g) => `  gap          ${g.accountId} ${g.region} ${g.call}${g.vpcId ? ` (${g.vpcId})` : ''}: ${g.error}`,
    ),
    ...report.notes.map((n) => `  note         ${n}`),
  ];
  return lines.join('\n');
}

/** What a failed account and region kept: its VPCs from the last successful read, or nothing. */
function keptState(
  report: BoundarySyncReport,
  accountId: string,
  region: string,
  lastSuccessAt: string | undefined,
): string {
  const kept = Object.values(report.policy.vpcs).filter(
    (v) => v.staleSince && v.accountId === accountId && v.region === region,
  );
  if (kept.length > 0) return `kept ${kept.length} VPC(s) as read at ${kept[0]!.staleSince}, marked stale`;
  return lastSuccessAt ? `last read ${lastSuccessAt} (no VPCs with controls)` : 'never read';
}

/** What the inventory holds for `ciphertrail plan`: blocking resources, named ENIs, transit gateways. */
function inventoryLines(policy: BoundaryPolicy): string[] {
  const checked = Object.values(policy.vpcs).filter((v) => v.blockingResources);
  if (checked.length === 0 && !policy.transitGateways && !policy.interfaces) return [];
  const blocking = checked.reduce((n, v) => n + v.blockingResources!.length, 0);
  return [
    `  inventory    ${blocking} blocking resource(s) in ${checked.length} VPC(s) checked, ` +
      `${Object.keys(policy.interfaces ?? {}).length} ENI(s) named, ${Object.keys(policy.transitGateways ?? {}).length} transit gateway(s)`,
  ];
}
