import {
  type BoundaryPolicy,
  type BoundaryVpc,
  EXCLUSION_NAMES,
  type ExclusionName,
  type SyncedAccount,
} from '../../../schemas/boundary-policy.js';

/** The parts of the EC2 API shapes (client-ec2 JS names) the policy is built from; like the SDK's, optional members may be undefined. */
export interface EncryptionControlRecord {
  readonly VpcId?: string | undefined;
  readonly Mode?: string | undefined;
  readonly State?: string | undefined;
  readonly ResourceExclusions?:
    | { readonly [N in ExclusionName]?: { readonly State?: string | undefined } | undefined }
    | undefined;
}

interface CidrState {
  readonly State?: string | undefined;
}

export interface VpcRecord {
  readonly VpcId?: string | undefined;
  readonly OwnerId?: string | undefined;
  readonly CidrBlockAssociationSet?:
    | readonly { readonly CidrBlock?: string | undefined; readonly CidrBlockState?: CidrState | undefined }[]
    | undefined;
  readonly Ipv6CidrBlockAssociationSet?:
    | readonly { readonly Ipv6CidrBlock?: string | undefined; readonly Ipv6CidrBlockState?: CidrState | undefined }[]
    | undefined;
  readonly Tags?: readonly { readonly Key?: string | undefined; readonly Value?: string | undefined }[] | undefined;
}

export interface InterfaceRecord {
  readonly NetworkInterfaceId?: string | undefined;
  readonly VpcId?: string | undefined;
  readonly InterfaceType?: string | undefined;
  readonly Description?: string | undefined;
}

/** What DescribeVpcEncryptionControls, DescribeVpcs and DescribeNetworkInterfaces said for one account and region. */
export interface RegionInventory {
  readonly accountId?: string;
  readonly region: string;
  readonly controls: readonly EncryptionControlRecord[];
  readonly vpcs: readonly VpcRecord[];
  readonly interfaces: readonly InterfaceRecord[];
  /** What the reader could not see (e.g. interfaces, when DescribeNetworkInterfaces is denied). */
  readonly notes?: readonly string[];
}

/** Controls being deleted no longer protect the VPC; every other state keeps the reported mode. */
const GONE_STATES = new Set(['deleting', 'deleted']);

/** ENIs of excludable resources, by the exclusion that covers them. */
const EXCLUDED_INTERFACE: readonly { exclusion: ExclusionName; matches: (eni: InterfaceRecord) => boolean }[] = [
  { exclusion: 'NatGateway', matches: (e) => e.InterfaceType === 'natGateway' || e.InterfaceType === 'nat_gateway' },
  { exclusion: 'Lambda', matches: (e) => e.InterfaceType === 'lambda' },
  { exclusion: 'ElasticFileSystem', matches: (e) => /^EFS mount target/i.test(e.Description ?? '') },
  { exclusion: 'GlobalAccelerator', matches: (e) => e.InterfaceType === 'global_accelerator_managed' },
  { exclusion: 'ApiGatewayV2', matches: (e) => e.InterfaceType === 'api_gateway_managed' },
];

/** Exclusions that have ENIs in the VPC worth listing; sync-boundaries only describes interfaces for these. */
export const INTERFACE_EXCLUSIONS: readonly ExclusionName[] = EXCLUDED_INTERFACE.map((e) => e.exclusion);

interface BuiltPolicy {
  readonly policy: BoundaryPolicy;
  /** Decisions worth telling the operator (skipped controls, exclusions in transition). */
  readonly notes: string[];
}

/**
 * Builds the boundary policy. Only exclusions in state `enabled` count: `enabling` ones do not
 * allow cleartext yet, `disabling` ones are on their way out, so both still page.
 */
function buildBoundaryPolicy(inventories: readonly RegionInventory[], generatedAt: Date): BuiltPolicy {
  const vpcs: Record<string, BoundaryVpc> = {};
  const notes: string[] = [];
  for (const inventory of inventories) {
    notes.push(...(inventory.notes ?? []));
    const vpcById = new Map(inventory.vpcs.map((v) => [v.VpcId, v]));
    for (const control of inventory.controls) {
      const id = control.VpcId;
      if (!id) continue;
      if (control.Mode !== 'enforce' && control.Mode !== 'monitor') {
        notes.push(`${id}: skipped, unknown mode "${control.Mode ?? ''}"`);
        continue;
      }
      if (GONE_STATES.has(control.State ?? '')) {
        notes.push(`${id}: skipped, encryption control is ${control.State}`);
        continue;
      }
      const exclusions: ExclusionName[] = [];
      for (const name of EXCLUSION_NAMES) {
        const state = control.ResourceExclusions?.[name]?.State;
        if (state === 'enabled') exclusions.push(name);
        else if (state === 'enabling' || state === 'disabling')
          notes.push(`${id}: ${name} exclusion is ${state}, not counted`);
      }
      const vpc = vpcById.get(id);
      if (!vpc) notes.push(`${id}: not returned by DescribeVpcs, no CIDRs known`);
      const enabled = new Set(exclusions);
      const excludedInterfaces = inventory.interfaces
        .filter(
          (eni) =>
            eni.VpcId === id &&
            eni.NetworkInterfaceId &&
            EXCLUDED_INTERFACE.some((x) => enabled.has(x.exclusion) && x.matches(eni)),
        )
        .map((eni) => eni.NetworkInterfaceId!)
        .sort();
      const name = vpc?.Tags?.find((t) => t.Key === 'Name')?.Value;
      const accountId = vpc?.OwnerId ?? inventory.accountId;
      vpcs[id] = {
        ...(name ? { name } : {}),
        mode: control.Mode,
        ...(control.State ? { state: control.State } : {}),
        exclusions,
        cidrs: vpc ? cidrsOf(vpc) : [],
        ...(accountId ? { accountId } : {}),
        region: inventory.region,
        ...(excludedInterfaces.length ? { excludedInterfaces } : {}),
      };
    }
  }
  const sorted = Object.fromEntries(Object.entries(vpcs).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    policy: { generatedAt: generatedAt.toISOString(), source: 'ciphertrail sync-boundaries', vpcs: sorted },
    notes,
  };
}

const associated = (state: CidrState | undefined) => state?.State === undefined || state.State === 'associated';

function cidrsOf(vpc: VpcRecord): string[] {
  return [
    ...(vpc.CidrBlockAssociationSet ?? [])
      .filter((a) => a.CidrBlock && associated(a.CidrBlockState))
      .map((a) => a.CidrBlock!),
    ...(vpc.Ipv6CidrBlockAssociationSet ?? [])
      .filter((a) => a.Ipv6CidrBlock && associated(a.Ipv6CidrBlockState))
      .map((a) => a.Ipv6CidrBlock!),
  ];
}

/** What reading one account in one region gave: its inventory, or why there is none. */
export type SourceOutcome =
  | { readonly accountId: string; readonly region: string; readonly inventory: RegionInventory }
  | { readonly accountId: string; readonly region: string; readonly error: string };

export interface SyncedPolicy extends BuiltPolicy {
  /** Every account and region of the run, as written to the policy's `accounts`. */
  readonly accounts: SyncedAccount[];
  /** The accounts and regions that failed in this run. */
  readonly failures: SyncedAccount[];
  /**
   * Age of the oldest state in the policy, seconds: 0 when every account and region was read
   * now; for one that keeps failing, the time since it was last read (or since it first failed).
   */
  readonly ageSeconds: number;
}

/**
 * The policy of one sync run, with failures isolated: the accounts and regions that were read
 * give their current state; each one that failed keeps the VPCs it had in `previous` (the last
 * policy written), marked `staleSince` the time they were read, and is listed as failed with
 * its error and since when it fails. One unreachable account never empties the policy of others.
 */
export function buildSyncedPolicy(
  outcomes: readonly SourceOutcome[],
  previous: BoundaryPolicy | undefined,
  generatedAt: Date,
): SyncedPolicy {
  const inventories = outcomes.flatMap((o) => ('inventory' in o ? [o.inventory] : []));
  const built = buildBoundaryPolicy(inventories, generatedAt);
  const now = generatedAt.toISOString();
  const vpcs: Record<string, BoundaryVpc> = { ...built.policy.vpcs };
  const accounts: SyncedAccount[] = [];
  for (const outcome of outcomes) {
    const { accountId, region } = outcome;
    if ('inventory' in outcome) {
      accounts.push({ accountId, region, status: 'ok', lastSuccessAt: now });
      continue;
    }
    const before = previous?.accounts?.find((a) => a.accountId === accountId && a.region === region);
    const earlier = Object.entries(previous?.vpcs ?? {}).filter(
      ([id, v]) => v.accountId === accountId && v.region === region && !(id in vpcs),
    );
    // A policy without `accounts` (hand-written, or from an older sync) was read at its generatedAt.
    const lastSuccessAt = before ? before.lastSuccessAt : earlier.length > 0 ? previous?.generatedAt : undefined;
    const failedSince = before?.status === 'failed' ? (before.failedSince ?? now) : now;
    for (const [id, vpc] of earlier) vpcs[id] = { ...vpc, staleSince: vpc.staleSince ?? lastSuccessAt ?? now };
    accounts.push({
      accountId,
      region,
      status: 'failed',
      ...(lastSuccessAt ? { lastSuccessAt } : {}),
      failedSince,
      error: outcome.error,
    });
  }
  const nowMs = generatedAt.getTime();
  const ages = accounts.map((a) => (nowMs - Date.parse(a.lastSuccessAt ?? a.failedSince ?? now)) / 1000);
  const ageSeconds = Math.round(Math.max(0, ...ages.filter(Number.isFinite)));
  const sorted = Object.fromEntries(Object.entries(vpcs).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    policy: { ...built.policy, accounts, vpcs: sorted },
    notes: built.notes,
    accounts,
    failures: accounts.filter((a) => a.status === 'failed'),
    ageSeconds,
  };
}
