import {
  DescribeAccountVpcEncryptionControlCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTransitGatewaysCommand,
  DescribeVpcEncryptionControlsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetVpcResourcesBlockingEncryptionEnforcementCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { definedProps } from '../core/defined.js';
import { describeError } from '../core/describe-error.js';
import {
  type AccountControlRecord,
  type BlockingRecord,
  buildSyncedPolicy,
  type CallGap,
  type EncryptionControlRecord,
  INTERFACE_EXCLUSIONS,
  type InstanceRecord,
  type InterfaceRecord,
  needsInventory,
  type RegionInventory,
  type SourceOutcome,
  type SyncedPolicy,
  type TransitGatewayRecord,
  type VpcRecord,
} from '../core/policy/build-policy.js';
import { DEFAULT_MEMBER_ROLE_NAME } from '../core/policy/member-accounts-source.js';

interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface SyncOptions {
  readonly regions: readonly string[];
  /** Member accounts, each reached through the role named `memberRoleName` in it. */
  readonly accountIds?: readonly string[];
  readonly memberRoleName?: string;
  /** Member-account roles given by ARN (the CLI's --role-arn). */
  readonly roleArns?: readonly string[];
  /** Also read the caller's own account (default true). */
  readonly includeCaller?: boolean;
  /** EC2/STS endpoint override (tests, VPC endpoints); real AWS when absent. */
  readonly endpoint?: string;
  readonly now?: Date;
  /** The policy written last time: accounts and regions that fail now keep its state, marked stale. */
  readonly previous?: BoundaryPolicy;
  /** Accounts read at the same time (default 8): an organisation of hundreds must fit one Lambda run. */
  readonly concurrency?: number;
  /** Epoch ms after which no further account or region is started (the Lambda's deadline less a margin). */
  readonly deadline?: number;
}

export interface BoundarySyncResult extends SyncedPolicy {
  /** The account the sync runs in (STS GetCallerIdentity). */
  readonly callerAccountId: string;
}

interface Target {
  readonly accountId: string;
  /** Absent for the caller's own account, read with the caller's credentials. */
  readonly roleArn?: string;
}

/**
 * Builds the boundary policy from the EC2 API of the caller's account and every member account,
 * in every region. Each account and region stands alone: a role that cannot be assumed, a
 * region an SCP denies or a throttled call fails only that account or region, which keeps its
 * last known state (see buildSyncedPolicy); everything else is read and written.
 */
export async function syncBoundaries(options: SyncOptions): Promise<BoundarySyncResult> {
  const caller = await callerIdentity(options);
  const notes: string[] = [];
  const targets: Target[] = [];
  const add = (target: Target) => {
    if (target.accountId === caller.accountId) {
      notes.push(`${target.accountId}: the sync's own account, read with its own role`);
    } else if (!targets.some((t) => t.accountId === target.accountId)) {
      targets.push(target);
    }
  };
  if (options.includeCaller ?? true) targets.push({ accountId: caller.accountId });
  for (const roleArn of options.roleArns ?? []) add({ accountId: accountOfRole(roleArn) ?? roleArn, roleArn });
  const roleName = options.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME;
  for (const accountId of options.accountIds ?? []) {
    add({ accountId, roleArn: `arn:${caller.partition}:iam::${accountId}:role/${roleName}` });
  }

  const perTarget = await mapLimit(targets, options.concurrency ?? 8, (target) => readAccount(target, options));
  const synced = buildSyncedPolicy(perTarget.flat(), options.previous, options.now ?? new Date());
  return { ...synced, notes: [...notes, ...synced.notes], callerAccountId: caller.accountId };
}

async function readAccount(target: Target, options: SyncOptions): Promise<SourceOutcome[]> {
  const { accountId } = target;
  const late = () => options.deadline !== undefined && Date.now() > options.deadline;
  if (late())
    return options.regions.map((region) => ({ accountId, region, error: 'not read: the run ran out of time' }));
  let credentials: AwsCredentialIdentity | undefined;
  if (target.roleArn) {
    try {
      credentials = await assumeRole(target.roleArn, options);
    } catch (err) {
      const error = `cannot assume ${target.roleArn}: ${describeError(err)}`;
      return options.regions.map((region) => ({ accountId, region, error }));
    }
  }
  const outcomes: SourceOutcome[] = [];
  for (const region of options.regions) {
    if (late()) {
      outcomes.push({ accountId, region, error: 'not read: the run ran out of time' });
      continue;
    }
    const ec2 = new EC2Client({
      region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    });
    try {
      outcomes.push({ accountId, region, inventory: await readRegion(ec2, region, accountId) });
    } catch (err) {
      outcomes.push({ accountId, region, error: describeError(err) });
    } finally {
      ec2.destroy();
    }
  }
  return outcomes;
}

/**
 * One account in one region. DescribeVpcEncryptionControls and DescribeVpcs make the policy: when
 * either fails, the whole account and region fails (and keeps its last known state). Every other
 * call only adds inventory, so each one stands alone: a denied or failing call is recorded as a
 * gap (and, for interfaces, a note) and the rest of the region is still read.
 */
export async function readRegion(ec2: EC2Client, region: string, accountId?: string): Promise<RegionInventory> {
  const gaps: CallGap[] = [];
  const notes: string[] = [];
  const where = `${accountId ?? 'caller'} ${region}`;
  const optional = async <T>(call: string, work: () => Promise<T>, vpcId?: string): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      gaps.push(definedProps({ call, vpcId, error: describeError(err) }));
      return undefined;
    }
  };
  const controls = await pages<EncryptionControlRecord>(async (NextToken) => {
    const out = await ec2.send(new DescribeVpcEncryptionControlsCommand({ NextToken, MaxResults: 1000 }));
    return { items: out.VpcEncryptionControls ?? [], next: out.NextToken };
  });
  // The account-level mode matters even with no VPC controls yet: new VPCs inherit attempt-enforce.
  const account = await optional<AccountControlRecord | undefined>(
    'DescribeAccountVpcEncryptionControl',
    async () => (await ec2.send(new DescribeAccountVpcEncryptionControlCommand({}))).AccountVpcEncryptionControl,
  );
  const base = definedProps({ accountId, region, controls, account });
  const controlled = controls.map((c) => c.VpcId).filter((id): id is string => Boolean(id));
  if (controlled.length === 0) return { ...base, vpcs: [], interfaces: [], ...(gaps.length ? { gaps } : {}) };
  const vpcs = await pages<VpcRecord>(async (NextToken) => {
    const out = await ec2.send(new DescribeVpcsCommand({ NextToken, MaxResults: 1000 }));
    return { items: out.Vpcs ?? [], next: out.NextToken };
  });

  const planned = controls.filter((c) => c.VpcId && needsInventory(c)).map((c) => c.VpcId!);
  const blocking: Record<string, BlockingRecord[]> = {};
  for (const vpcId of planned) {
    const found = await optional(
      'GetVpcResourcesBlockingEncryptionEnforcement',
      () =>
        pages<BlockingRecord>(async (NextToken) => {
          const out = await ec2.send(
            new GetVpcResourcesBlockingEncryptionEnforcementCommand({ VpcId: vpcId, NextToken, MaxResults: 1000 }),
          );
          return { items: out.NonCompliantResources ?? [], next: out.NextToken };
        }),
      vpcId,
    );
    if (found) blocking[vpcId] = found;
  }

  const transitGateways = await optional('DescribeTransitGateways', () =>
    pages<TransitGatewayRecord>(async (NextToken) => {
      const out = await ec2.send(new DescribeTransitGatewaysCommand({ NextToken, MaxResults: 1000 }));
      return { items: out.TransitGateways ?? [], next: out.NextToken };
    }),
  );

  const withInterfaceExclusions = controls
    .filter((c) => c.VpcId && INTERFACE_EXCLUSIONS.some((name) => c.ResourceExclusions?.[name]?.State === 'enabled'))
    .map((c) => c.VpcId!);
  const describe = [...new Set([...withInterfaceExclusions, ...planned])].sort();
  const interfaces = await optional('DescribeNetworkInterfaces', async () => {
    const all: InterfaceRecord[] = [];
    for (let i = 0; i < describe.length; i += 200) {
      const vpcIds = describe.slice(i, i + 200);
      all.push(
        ...(await pages<InterfaceRecord>(async (NextToken) => {
          const out = await ec2.send(
            new DescribeNetworkInterfacesCommand({
              NextToken,
              MaxResults: 1000,
              Filters: [{ Name: 'vpc-id', Values: vpcIds }],
            }),
          );
          return { items: out.NetworkInterfaces ?? [], next: out.NextToken };
        })),
      );
    }
    return all;
  });
  if (describe.length > 0 && !interfaces) {
    const denied = /UnauthorizedOperation|AccessDenied/.test(gaps.at(-1)?.error ?? '');
    notes.push(
      `${where}: ec2:DescribeNetworkInterfaces ${denied ? 'denied' : 'failed'}, excludedInterfaces left empty`,
    );
  }
  const instanceIds = [
    ...new Set(
      (interfaces ?? [])
        .filter((e) => e.VpcId && planned.includes(e.VpcId) && e.Attachment?.InstanceId)
        .map((e) => e.Attachment!.InstanceId!),
    ),
  ].sort();
  const instances =
    instanceIds.length === 0
      ? []
      : await optional('DescribeInstances', async () => {
          const all: InstanceRecord[] = [];
          for (let i = 0; i < instanceIds.length; i += 200) {
            const ids = instanceIds.slice(i, i + 200);
            all.push(
              ...(await pages<InstanceRecord>(async (NextToken) => {
                const out = await ec2.send(
                  new DescribeInstancesCommand({
                    NextToken,
                    MaxResults: 1000,
                    Filters: [{ Name: 'instance-id', Values: ids }],
                  }),
                );
                return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []), next: out.NextToken };
              })),
            );
          }
          return all;
        });

  return {
    ...base,
    vpcs,
    interfaces: interfaces ?? [],
    blocking,
    transitGateways: transitGateways ?? [],
    instances: instances ?? [],
    describedVpcs: planned,
    ...(notes.length ? { notes } : {}),
    ...(gaps.length ? { gaps } : {}),
  };
}

async function pages<T>(
  fetch: (token: string | undefined) => Promise<{ items: readonly T[]; next: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...page.items);
    token = page.next || undefined;
  } while (token);
  return all;
}

/** The caller's account and partition: members are reached by ARN in the same partition, and the caller is never assumed. */
async function callerIdentity(options: SyncOptions): Promise<{ accountId: string; partition: string }> {
  const sts = stsClient(options);
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    const partition = /^arn:([^:]+):/.exec(out.Arn ?? '')?.[1];
    if (!out.Account || !partition) throw new Error('GetCallerIdentity returned no account');
    return { accountId: out.Account, partition };
  } catch (err) {
    throw new Error(`sync-boundaries: cannot identify the caller (STS GetCallerIdentity): ${describeError(err)}`, {
      cause: err,
    });
  } finally {
    sts.destroy();
  }
}

async function assumeRole(roleArn: string, options: SyncOptions): Promise<AwsCredentialIdentity> {
  const sts = stsClient(options);
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ciphertrail-sync-boundaries' }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return definedProps({
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    });
  } finally {
    sts.destroy();
  }
}

const stsClient = (options: SyncOptions) =>
  new STSClient({
    region: options.regions[0] ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });

/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function accountOfRole(roleArn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(roleArn)?.[1];
}
