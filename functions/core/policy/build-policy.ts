import type { ExclusionState } from '../../../schemas/boundary-policy.generated.js';
import {
  type AccountControlEntry,
  type BlockingResourceEntry,
  type BoundaryPolicy,
  type BoundaryVpc,
  EXCLUSION_NAMES,
  type ExclusionName,
  type InterfaceEntry,
  type InventoryGap,
  POLICY_SCHEMA_VERSION,
  type SyncedAccount,
  type TransitGatewayEntry,
} from '../../../schemas/boundary-policy.js';
import { instanceLabel, nitroClass } from './instance-types.js';

/** The parts of the EC2 API shapes (client-ec2 JS names) the policy is built from; like the SDK's, optional members may be undefined. */
export interface EncryptionControlRecord {
  readonly VpcId?: string | undefined;
  readonly VpcEncryptionControlId?: string | undefined;
  readonly Mode?: string | undefined;
  readonly State?: string | undefined;
  readonly StateMessage?: string | undefined;
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
  readonly Attachment?: { readonly InstanceId?: string | undefined } | undefined;
}

/** GetVpcResourcesBlockingEncryptionEnforcement's VpcEncryptionNonCompliantResource. */
export interface BlockingRecord {
  readonly Id?: string | undefined;
  readonly Type?: string | undefined;
  readonly Description?: string | undefined;
  readonly IsExcludable?: boolean | undefined;
}

/** DescribeAccountVpcEncryptionControl's AccountVpcEncryptionControl (exclusion values are bare states). */
export interface AccountControlRecord {
  readonly Mode?: string | undefined;
  readonly State?: string | undefined;
  readonly ManagedBy?: string | undefined;
  readonly LastUpdateTimestamp?: Date | undefined;
  readonly Exclusions?: { readonly [N in ExclusionName]?: string | undefined } | undefined;
}

export interface TransitGatewayRecord {
  readonly TransitGatewayId?: string | undefined;
  readonly OwnerId?: string | undefined;
  readonly State?: string | undefined;
  readonly Tags?: readonly { readonly Key?: string | undefined; readonly Value?: string | undefined }[] | undefined;
  readonly Options?:
    | {
        readonly EncryptionSupport?:
          | { readonly EncryptionState?: string | undefined; readonly StateMessage?: string | undefined }
          | undefined;
      }
    | undefined;
}

export interface InstanceRecord {
  readonly InstanceId?: string | undefined;
  readonly InstanceType?: string | undefined;
}

/** An inventory call that failed while the rest of the account and region was read. */
export interface CallGap {
  readonly call: string;
  readonly vpcId?: string;
  readonly error: string;
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
  /** Blocking resources per VPC id, for the VPCs they were read for (monitor mode, failed states). */
  readonly blocking?: Readonly<Record<string, readonly BlockingRecord[]>>;
  readonly account?: AccountControlRecord;
  readonly transitGateways?: readonly TransitGatewayRecord[];
  readonly instances?: readonly InstanceRecord[];
  /** VPCs whose ENIs were described to name them (monitor mode, failed states): their ENIs go to `interfaces`. */
  readonly describedVpcs?: readonly string[];
  readonly gaps?: readonly CallGap[];
}

/** Control states that mean a mode change failed: the plan reads their blocking resources, on-call is paged once. */
export const FAILED_STATES: ReadonlySet<string> = new Set(['enforce-failed', 'monitor-failed']);

/** Does the plan need this VPC's blocking resources and named ENIs? Monitor mode, or a failed transition. */
export function needsInventory(control: EncryptionControlRecord): boolean {
  if (GONE_STATES.has(control.State ?? '')) return false;
  return control.Mode === 'monitor' || FAILED_STATES.has(control.State ?? '');
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
      const exclusionStates: Partial<Record<ExclusionName, ExclusionState>> = {};
      for (const name of EXCLUSION_NAMES) {
        const state = control.ResourceExclusions?.[name]?.State;
        // `disabled` is every exclusion's default: only the others are worth a line in the file.
        if (isExclusionState(state) && state !== 'disabled') exclusionStates[name] = state;
      }
      const blocking = inventory.blocking?.[id];
      vpcs[id] = {
        ...(name ? { name } : {}),
        mode: control.Mode,
        ...(control.State ? { state: control.State } : {}),
        ...(control.StateMessage ? { stateMessage: control.StateMessage } : {}),
        ...(control.VpcEncryptionControlId ? { controlId: control.VpcEncryptionControlId } : {}),
        ...(Object.keys(exclusionStates).length ? { exclusionStates } : {}),
        ...(blocking ? { blockingResources: blocking.flatMap(blockingEntry) } : {}),
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
    policy: {
      schemaVersion: POLICY_SCHEMA_VERSION,
      generatedAt: generatedAt.toISOString(),
      source: 'ciphertrail sync-boundaries',
      vpcs: sorted,
    },
    notes,
  };
}

const isExclusionState = (s: string | undefined): s is ExclusionState =>
  s === 'enabling' || s === 'enabled' || s === 'disabling' || s === 'disabled';

function blockingEntry(r: BlockingRecord): BlockingResourceEntry[] {
  if (!r.Id) return [];
  return [
    {
      id: r.Id,
      type: r.Type ?? 'unknown',
      ...(r.Description ? { description: r.Description } : {}),
      excludable: r.IsExcludable === true,
    },
  ];
}

const ACCOUNT_MODES = new Set(['unmanaged', 'attempt-monitor', 'attempt-enforce']);

function accountControlEntry(inventory: RegionInventory): AccountControlEntry | undefined {
  const a = inventory.account;
  if (!a || !inventory.accountId || !ACCOUNT_MODES.has(a.Mode ?? '')) return undefined;
  const exclusions: Partial<Record<ExclusionName, ExclusionState>> = {};
  for (const name of EXCLUSION_NAMES) {
    const state = a.Exclusions?.[name];
    if (isExclusionState(state) && state !== 'disabled') exclusions[name] = state;
  }
  return {
    accountId: inventory.accountId,
    region: inventory.region,
    mode: a.Mode as AccountControlEntry['mode'],
    ...(a.State ? { state: a.State } : {}),
    ...(Object.keys(exclusions).length ? { exclusions } : {}),
    ...(a.ManagedBy === 'account' || a.ManagedBy === 'declarative-policy' ? { managedBy: a.ManagedBy } : {}),
    ...(a.LastUpdateTimestamp ? { lastUpdatedAt: a.LastUpdateTimestamp.toISOString() } : {}),
  };
}

function transitGatewayEntries(inventory: RegionInventory): [string, TransitGatewayEntry][] {
  const out: [string, TransitGatewayEntry][] = [];
  for (const tgw of inventory.transitGateways ?? []) {
    const accountId = tgw.OwnerId ?? inventory.accountId;
    if (!tgw.TransitGatewayId || !accountId) continue;
    const support = tgw.Options?.EncryptionSupport;
    const name = tgw.Tags?.find((t) => t.Key === 'Name')?.Value;
    out.push([
      tgw.TransitGatewayId,
      {
        accountId,
        region: inventory.region,
        ...(name ? { name } : {}),
        ...(tgw.State ? { state: tgw.State } : {}),
        ...(isExclusionState(support?.EncryptionState) ? { encryptionSupport: support.EncryptionState } : {}),
        ...(support?.StateMessage ? { stateMessage: support.StateMessage } : {}),
      },
    ]);
  }
  return out;
}

/** The ENIs of the VPCs a plan is made for, each with the resource behind it in words. */
function interfaceEntries(inventory: RegionInventory): [string, InterfaceEntry][] {
  const described = new Set(inventory.describedVpcs ?? []);
  const types = new Map((inventory.instances ?? []).map((i) => [i.InstanceId, i.InstanceType]));
  const out: [string, InterfaceEntry][] = [];
  for (const eni of inventory.interfaces) {
    const id = eni.NetworkInterfaceId;
    if (!id || !eni.VpcId || !described.has(eni.VpcId)) continue;
    const instanceId = eni.Attachment?.InstanceId;
    const instanceType = instanceId ? types.get(instanceId) : undefined;
    out.push([
      id,
      {
        vpcId: eni.VpcId,
        ...(eni.InterfaceType ? { interfaceType: eni.InterfaceType } : {}),
        ...(eni.Description ? { description: eni.Description } : {}),
        ...(instanceId ? { instanceId } : {}),
        ...(instanceType ? { instanceType } : {}),
        ...(instanceId ? { nitro: nitroClass(instanceType) } : {}),
        label: interfaceLabel(id, eni, instanceId, instanceType),
      },
    ]);
  }
  return out;
}

function interfaceLabel(
  id: string,
  eni: InterfaceRecord,
  instanceId: string | undefined,
  instanceType: string | undefined,
): string {
  if (instanceId) return instanceLabel(instanceId, instanceType);
  const what = eni.Description || (eni.InterfaceType && eni.InterfaceType !== 'interface' ? eni.InterfaceType : '');
  return what ? `${id} (${what})` : `${id} (unattached)`;
}

/** The inventory parts of the policy (version 2): account controls, TGWs, ENIs, gaps. */
function inventoryOf(inventories: readonly RegionInventory[]) {
  const accountControls: AccountControlEntry[] = [];
  const transitGateways: [string, TransitGatewayEntry][] = [];
  const interfaces: [string, InterfaceEntry][] = [];
  const gaps: InventoryGap[] = [];
  for (const inventory of inventories) {
    const account = accountControlEntry(inventory);
    if (account) accountControls.push(account);
    transitGateways.push(...transitGatewayEntries(inventory));
    interfaces.push(...interfaceEntries(inventory));
    for (const gap of inventory.gaps ?? [])
      gaps.push({ accountId: inventory.accountId ?? 'caller', region: inventory.region, ...gap });
  }
  return { accountControls, transitGateways, interfaces, gaps };
}

const byKey = <T>(entries: readonly [string, T][]): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : 1)));

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
  const inventory = inventoryOf(inventories);
  const now = generatedAt.toISOString();
  const vpcs: Record<string, BoundaryVpc> = { ...built.policy.vpcs };
  const accounts: SyncedAccount[] = [];
  for (const outcome of outcomes) {
    const { accountId, region } = outcome;
    if ('inventory' in outcome) {
      accounts.push({ accountId, region, status: 'ok', lastSuccessAt: now });
      continue;
    }
    // A failed account and region keeps its last known inventory too, like its VPCs.
    const mine = (e: { accountId: string; region: string }) => e.accountId === accountId && e.region === region;
    inventory.accountControls.push(...(previous?.accountControls ?? []).filter(mine));
    inventory.transitGateways.push(...Object.entries(previous?.transitGateways ?? {}).filter(([, t]) => mine(t)));
    const keptVpcs = new Set(
      Object.entries(previous?.vpcs ?? {})
        .filter(([id, v]) => v.accountId === accountId && v.region === region && !(id in vpcs))
        .map(([id]) => id),
    );
    inventory.interfaces.push(
      ...Object.entries(previous?.interfaces ?? {}).filter(([, e]) => e.vpcId && keptVpcs.has(e.vpcId)),
    );
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
  // A failed state that already paged keeps its page time while it lasts: it pages once.
  for (const [id, vpc] of Object.entries(vpcs)) {
    const before = previous?.vpcs[id];
    if (before?.stateAlertedAt && before.state === vpc.state && !vpc.stateAlertedAt)
      vpcs[id] = { ...vpc, stateAlertedAt: before.stateAlertedAt };
  }
  const sorted = Object.fromEntries(Object.entries(vpcs).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    policy: {
      ...built.policy,
      accounts,
      vpcs: sorted,
      ...(inventory.accountControls.length ? { accountControls: inventory.accountControls } : {}),
      ...(inventory.transitGateways.length ? { transitGateways: byKey(inventory.transitGateways) } : {}),
      ...(inventory.interfaces.length ? { interfaces: byKey(inventory.interfaces) } : {}),
      ...(inventory.gaps.length ? { gaps: inventory.gaps } : {}),
    },
    notes: built.notes,
    accounts,
    failures: accounts.filter((a) => a.status === 'failed'),
    ageSeconds,
  };
}
