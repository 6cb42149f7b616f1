import { parseArgs } from 'node:util';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { syncBoundaries } from '../adapters/ec2-boundary-source.js';
import { writePolicy } from '../adapters/policy-store.js';
import { UsageError } from './usage.js';

export const SYNC_BOUNDARIES_HELP = `Usage: ciphertrail sync-boundaries --out <file|s3://bucket/key> [options]

Builds the boundary policy (schemas/boundary-policy.schema.json) from the EC2 API:
DescribeVpcEncryptionControls (mode, exclusions in state "enabled"), DescribeVpcs (IPv4 and
IPv6 CIDRs) and DescribeNetworkInterfaces (ENIs of excluded NAT gateways, Lambda, EFS), for
the caller's account and every --role-arn (STS AssumeRole), in every --region.

Options:
  --out <file|s3://bucket/key>  where to write the policy (required)
  --region <region>             region to read; repeat for several (default $AWS_REGION)
  --role-arn <arn>              member-account role to assume; repeat for several
  --members-only                read only the --role-arn accounts, not the caller's own
  --endpoint-url <url>          EC2 and STS endpoint override
  --json                        print the policy as well
  -h, --help                    show this help

IAM: ec2:DescribeVpcEncryptionControls, ec2:DescribeVpcs, ec2:DescribeNetworkInterfaces in
each account, sts:AssumeRole on the member roles, s3:PutObject for an s3:// --out.`;

export interface SyncBoundariesSettings {
  readonly out: string;
  readonly regions: string[];
  readonly roleArns: string[];
  readonly includeCaller: boolean;
  readonly endpoint?: string;
  readonly json: boolean;
}

export function parseSyncBoundariesArgs(args: string[]): SyncBoundariesSettings | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      region: { type: 'string', multiple: true },
      'role-arn': { type: 'string', multiple: true },
      'members-only': { type: 'boolean', default: false },
      'endpoint-url': { type: 'string' },
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
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw new UsageError(`--role-arn "${arn}" is not an IAM role ARN`);
  }
  if (values['members-only'] && roleArns.length === 0) throw new UsageError('--members-only needs at least one --role-arn');
  return {
    out: values.out, regions, roleArns, includeCaller: !values['members-only'],
    ...(values['endpoint-url'] ? { endpoint: values['endpoint-url'] } : {}), json: values.json,
  };
}

export async function runSyncBoundaries(settings: SyncBoundariesSettings): Promise<{ policy: BoundaryPolicy; text: string }> {
  const { policy, notes } = await syncBoundaries(settings);
  const bytes = await writePolicy(settings.out, policy);
  const modes = Object.values(policy.vpcs).map((v) => v.mode);
  const accounts = settings.roleArns.length + (settings.includeCaller ? 1 : 0);
  const lines = [
    `ciphertrail sync-boundaries: ${modes.length} VPCs with encryption controls ` +
      `(${modes.filter((m) => m === 'enforce').length} enforce, ${modes.filter((m) => m === 'monitor').length} monitor) ` +
      `from ${accounts} account(s) in ${settings.regions.join(', ')}`,
    `  wrote        ${settings.out} (${bytes} bytes)`,
    ...notes.map((n) => `  note         ${n}`),
  ];
  return { policy, text: lines.join('\n') };
}
