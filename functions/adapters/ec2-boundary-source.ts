import {
  DescribeNetworkInterfacesCommand, DescribeVpcEncryptionControlsCommand, DescribeVpcsCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  buildBoundaryPolicy, type BuiltPolicy, type EncryptionControlRecord, INTERFACE_EXCLUSIONS, type InterfaceRecord,
  type RegionInventory, type VpcRecord,
} from '../core/policy/build-policy.js';

interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface SyncOptions {
  readonly regions: readonly string[];
  /** Member-account roles to assume (one inventory per role and region). */
  readonly roleArns?: readonly string[];
  /** Also read the caller's own account (default true). */
  readonly includeCaller?: boolean;
  /** EC2/STS endpoint override (tests, VPC endpoints); real AWS when absent. */
  readonly endpoint?: string;
  readonly now?: Date;
}

/** Builds the boundary policy from the EC2 API of every configured account and region. */
export async function syncBoundaries(options: SyncOptions): Promise<BuiltPolicy> {
  const accounts: { label: string; credentials?: AwsCredentialIdentity; accountId?: string }[] = [];
  if (options.includeCaller ?? true) accounts.push({ label: 'caller' });
  for (const roleArn of options.roleArns ?? []) {
    accounts.push({ label: roleArn, accountId: accountOfRole(roleArn), credentials: await assumeRole(roleArn, options) });
  }
  const inventories: RegionInventory[] = [];
  for (const account of accounts) {
    for (const region of options.regions) {
      const ec2 = new EC2Client({
        region, ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(account.credentials ? { credentials: account.credentials } : {}),
      });
      try {
        inventories.push(await readRegion(ec2, region, account.accountId));
      } catch (err) {
        throw new Error(`sync-boundaries: ${account.label} in ${region}: ${(err as Error).message}`, { cause: err });
      } finally {
        ec2.destroy();
      }
    }
  }
  return buildBoundaryPolicy(inventories, options.now ?? new Date());
}

export async function readRegion(ec2: EC2Client, region: string, accountId?: string): Promise<RegionInventory> {
  const controls = await pages<EncryptionControlRecord>(async (NextToken) => {
    const out = await ec2.send(new DescribeVpcEncryptionControlsCommand({ NextToken, MaxResults: 1000 }));
    return { items: out.VpcEncryptionControls ?? [], next: out.NextToken };
  });
  const controlled = controls.map((c) => c.VpcId).filter((id): id is string => Boolean(id));
  if (controlled.length === 0) return { accountId, region, controls, vpcs: [], interfaces: [] };
  const vpcs = await pages<VpcRecord>(async (NextToken) => {
    const out = await ec2.send(new DescribeVpcsCommand({ NextToken, MaxResults: 1000 }));
    return { items: out.Vpcs ?? [], next: out.NextToken };
  });
  const withInterfaceExclusions = controls
    .filter((c) => c.VpcId && INTERFACE_EXCLUSIONS.some((name) => c.ResourceExclusions?.[name]?.State === 'enabled'))
    .map((c) => c.VpcId!);
  const interfaces: InterfaceRecord[] = [];
  try {
    for (let i = 0; i < withInterfaceExclusions.length; i += 200) {
      const vpcIds = withInterfaceExclusions.slice(i, i + 200);
      interfaces.push(...await pages<InterfaceRecord>(async (NextToken) => {
        const out = await ec2.send(new DescribeNetworkInterfacesCommand({
          NextToken, MaxResults: 1000, Filters: [{ Name: 'vpc-id', Values: vpcIds }],
        }));
        return { items: out.NetworkInterfaces ?? [], next: out.NextToken };
      }));
    }
  } catch (err) {
    // Interfaces only refine the policy (excludedInterfaces): without the permission the rest still holds.
    if (!/UnauthorizedOperation|AccessDenied/.test((err as Error).name)) throw err;
    const where = `${accountId ?? 'caller'} ${region}`;
    return { accountId, region, controls, vpcs, interfaces: [],
      notes: [`${where}: ec2:DescribeNetworkInterfaces denied, excludedInterfaces left empty`] };
  }
  return { accountId, region, controls, vpcs, interfaces };
}

async function pages<T>(fetch: (token: string | undefined) => Promise<{ items: readonly T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...page.items);
    token = page.next || undefined;
  } while (token);
  return all;
}

async function assumeRole(roleArn: string, options: SyncOptions): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ region: options.regions[0] ?? 'us-east-1', ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ciphertrail-sync-boundaries' }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } catch (err) {
    throw new Error(`sync-boundaries: cannot assume ${roleArn}: ${(err as Error).message}`, { cause: err });
  } finally {
    sts.destroy();
  }
}

function accountOfRole(roleArn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(roleArn)?.[1];
}
