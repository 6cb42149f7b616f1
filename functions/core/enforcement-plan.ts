/**
 * What switching each VPC from monitor to enforce would take: one verdict per VPC (ready, needs
 * exclusions, blocked), the evidence behind it and the exact command. Pure: the caller reads the
 * policy snapshot and the cleartext rows of the window. The rules are in docs/enforcement.md.
 *
 * Each cleartext conversation is classified (classifyFlow, the same rules that page) against the
 * policy with this one VPC switched to enforce and its exclusions as they are now. What would then
 * page is what enforce mode would drop: either an exclusion can cover the path (the exclusion is
 * needed) or none can (the path blocks). The blocking resources EC2 reports
 * (GetVpcResourcesBlockingEncryptionEnforcement, in the snapshot) add what flows cannot show.
 */
import type {
  BlockingResourceEntry,
  BoundaryPolicy,
  BoundaryVpc,
  ExclusionName,
  InterfaceEntry,
} from '../../schemas/boundary-policy.js';
import { BoundaryIndex } from './policy/boundary-index.js';
import { FAILED_STATES } from './policy/build-policy.js';
import { classifyFlow, type FlowFacts, protocolName } from './policy/classify-flow.js';

type PlanVerdict = 'ready' | 'needs-exclusions' | 'blocked';

/** One cleartext conversation over the window (the `unencrypted` table summed without window_start). */
export interface PlanFlow extends FlowFacts {
  readonly flows: number;
  readonly bytes: number;
  /** ISO 8601. */
  readonly first_seen: string;
  readonly last_seen: string;
}

export interface PlanOptions {
  /** Only these VPCs (the CLI's --vpc); default every monitor-mode VPC and every VPC in a failed state. */
  readonly vpcIds?: readonly string[];
  /** The window the flows cover, for the report (ISO 8601). */
  readonly since: string;
  readonly until: string;
}

/** What one cleartext path would become under enforce. */
type PathOutcome = 'excluded' | 'needs-exclusion' | 'blocked';

export interface PlanPath {
  readonly outcome: PathOutcome;
  readonly interfaceId: string | null;
  /** The resource behind the ENI in words, from the snapshot's interfaces ("i-0abc (m4.large, not Nitro)"). */
  readonly resource: string | null;
  readonly local: string | null;
  readonly peer: string | null;
  readonly protocol: string;
  readonly port: number | null;
  readonly path: string;
  readonly flows: number;
  readonly bytes: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** The exclusion that covers it now (excluded) or that it needs (needs-exclusion). */
  readonly exclusion?: ExclusionName;
  /** Other exclusions the flow record cannot tell apart from `exclusion` (ingress from a public address). */
  readonly alternatives?: readonly ExclusionName[];
  readonly hint: string;
}

interface PlanResource {
  readonly id: string;
  readonly type: string;
  readonly description?: string;
  readonly excludable: boolean;
  /** The resource in words (for ENIs and instances: type and Nitro support). */
  readonly label: string;
  /** The exclusion that would cover it, for excludable resources. */
  readonly exclusion?: ExclusionName;
  /** Cleartext paths seen on it in the window. */
  readonly paths: readonly PlanPath[];
  /** No cleartext seen on it in the window: remove or migrate it first. */
  readonly idle: boolean;
  readonly hint: string;
}

interface PlanExclusion {
  readonly name: ExclusionName;
  /** What needs it: blocking resource ids and `eni → peer port` paths. */
  readonly because: readonly string[];
}

export interface VpcPlan {
  readonly vpcId: string;
  readonly name?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly mode: BoundaryVpc['mode'];
  readonly state?: string;
  readonly stateMessage?: string;
  readonly controlId?: string;
  readonly verdict: PlanVerdict;
  /** Why, in one sentence each. */
  readonly reasons: readonly string[];
  readonly exclusionsNeeded: readonly PlanExclusion[];
  /** Exclusions already enabled; modify-vpc-encryption-control leaves them as they are. */
  readonly exclusionsEnabled: readonly ExclusionName[];
  /** Blocking resources from the snapshot, with the flows seen on each; null when the snapshot has none read. */
  readonly blockingResources: readonly PlanResource[] | null;
  /** Cleartext paths enforce would drop that no reported blocking resource explains. */
  readonly paths: readonly PlanPath[];
  readonly command: string | null;
  /** What the plan could not know (no blocking resources in the snapshot, calls that failed). */
  readonly unknowns: readonly string[];
  /** Account-level and transit-gateway context of the VPC's account and region. */
  readonly context: readonly string[];
}

export interface EnforcementPlan {
  readonly since: string;
  readonly until: string;
  readonly policyGeneratedAt?: string;
  readonly vpcs: readonly VpcPlan[];
  readonly counts: Readonly<Record<PlanVerdict, number>>;
  /** --vpc ids the snapshot does not know. */
  readonly unknownVpcs: readonly string[];
}

/** AWS CLI flags of ModifyVpcEncryptionControl's `<Name>Exclusion` members (botocore's kebab-case). */
const EXCLUSION_FLAGS: Readonly<Record<ExclusionName, string>> = {
  InternetGateway: '--internet-gateway-exclusion',
  EgressOnlyInternetGateway: '--egress-only-internet-gateway-exclusion',
  NatGateway: '--nat-gateway-exclusion',
  VirtualPrivateGateway: '--virtual-private-gateway-exclusion',
  VpcPeering: '--vpc-peering-exclusion',
  Lambda: '--lambda-exclusion',
  VpcLattice: '--vpc-lattice-exclusion',
  ElasticFileSystem: '--elastic-file-system-exclusion',
  GlobalAccelerator: '--global-accelerator-exclusion',
  ApiGatewayV2: '--api-gateway-v2-exclusion',
};

/** Which VPCs a plan is made for by default: monitor mode, or a failed transition. */
function isPlanSubject(vpc: BoundaryVpc): boolean {
  return vpc.mode === 'monitor' || FAILED_STATES.has(vpc.state ?? '');
}

export function buildEnforcementPlan(
  policy: BoundaryPolicy,
  flows: readonly PlanFlow[],
  options: PlanOptions,
): EnforcementPlan {
  const wanted = options.vpcIds?.length ? options.vpcIds : undefined;
  const unknownVpcs = (wanted ?? []).filter((id) => !(id in policy.vpcs));
  const ids = Object.keys(policy.vpcs)
    .filter((id) => (wanted ? wanted.includes(id) : isPlanSubject(policy.vpcs[id]!)))
    .sort();
  const vpcs = ids.map((id) => planVpc(id, policy, flows));
  const counts = { ready: 0, 'needs-exclusions': 0, blocked: 0 };
  for (const v of vpcs) counts[v.verdict]++;
  return {
    since: options.since,
    until: options.until,
    ...(policy.generatedAt ? { policyGeneratedAt: policy.generatedAt } : {}),
    vpcs,
    counts,
    unknownVpcs,
  };
}

function planVpc(vpcId: string, policy: BoundaryPolicy, flows: readonly PlanFlow[]): VpcPlan {
  const vpc = policy.vpcs[vpcId]!;
  const enabled = new Set(vpc.exclusions ?? []);
  const interfaces = policy.interfaces ?? {};
  // The same policy with this VPC switched to enforce: what would page is what enforce drops.
  const index = new BoundaryIndex({ ...policy, vpcs: { ...policy.vpcs, [vpcId]: { ...vpc, mode: 'enforce' } } });
  const blocking = vpc.blockingResources;
  const resourceTypes = new Set((blocking ?? []).filter((r) => r.excludable).map((r) => exclusionOf(r)));

  const needed = new Map<ExclusionName, Set<string>>();
  const need = (name: ExclusionName, because: string) => {
    if (!needed.has(name)) needed.set(name, new Set());
    needed.get(name)!.add(because);
  };

  const paths: PlanPath[] = [];
  for (const flow of flows) {
    const verdict = classifyFlow(flow, index);
    if (verdict.boundaryVpcId !== vpcId) continue;
    const base = {
      interfaceId: flow.interface_id,
      resource: flow.interface_id ? (interfaces[flow.interface_id]?.label ?? null) : null,
      local: verdict.local,
      peer: verdict.peer,
      protocol: protocolName(flow.protocol),
      port: flow.port,
      path: verdict.path,
      flows: flow.flows,
      bytes: flow.bytes,
      firstSeen: flow.first_seen,
      lastSeen: flow.last_seen,
    };
    if (verdict.rule === 'excluded-path' || verdict.rule === 'excluded-interface') {
      paths.push({
        ...base,
        outcome: 'excluded',
        ...(verdict.exclusion ? { exclusion: verdict.exclusion } : {}),
        hint: 'allowed by an enabled exclusion: the application must encrypt it itself',
      });
      continue;
    }
    if (verdict.classification !== 'violation') continue;
    const candidates = verdict.wouldBeCoveredBy.filter((c) => !enabled.has(c));
    if (candidates.length === 0) {
      paths.push({ ...base, outcome: 'blocked', hint: blockedHint(flow, base.resource) });
      continue;
    }
    // One exclusion per path: one already needed, else one a blocking resource asks for, else the first.
    const chosen =
      candidates.find((c) => needed.has(c)) ?? candidates.find((c) => resourceTypes.has(c)) ?? candidates[0]!;
    const alternatives = candidates.filter((c) => c !== chosen);
    paths.push({
      ...base,
      outcome: 'needs-exclusion',
      exclusion: chosen,
      ...(alternatives.length ? { alternatives } : {}),
      hint: `enable the ${chosen} exclusion (the application must then encrypt it), or add TLS on ${base.protocol}/${flow.port ?? '?'}`,
    });
    need(chosen, pathName(base));
  }
  const merged = mergePaths(paths);

  const claimed = new Set<PlanPath>();
  const resources = blocking?.map((r) => {
    const exclusion = r.excludable ? exclusionOf(r) : undefined;
    const on = merged.filter((p) => p.outcome !== 'excluded' && carries(r, p, interfaces, exclusion));
    for (const p of on) claimed.add(p);
    const idle = on.length === 0;
    if (exclusion) need(exclusion, r.id);
    return {
      id: r.id,
      type: r.type,
      ...(r.description ? { description: r.description } : {}),
      excludable: r.excludable,
      label: resourceLabel(r, interfaces),
      ...(exclusion ? { exclusion } : {}),
      paths: on,
      idle,
      hint: resourceHint(r, exclusion, idle, interfaces),
    } satisfies PlanResource;
  });

  const blockers = [
    ...(resources ?? []).filter((r) => !r.excludable || !r.exclusion),
    ...merged.filter((p) => p.outcome === 'blocked'),
  ];
  const exclusionsNeeded = [...needed.entries()]
    .filter(([name]) => !enabled.has(name))
    .map(([name, because]) => ({ name, because: [...because].sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const verdict: PlanVerdict =
    blockers.length > 0 ? 'blocked' : exclusionsNeeded.length > 0 ? 'needs-exclusions' : 'ready';

  const reasons: string[] = [];
  for (const r of resources ?? []) {
    if (!r.excludable || !r.exclusion)
      reasons.push(`${r.label} blocks enforce and cannot be excluded${r.idle ? ' (idle in the window)' : ''}`);
  }
  const blockedPaths = merged.filter((p) => p.outcome === 'blocked');
  if (blockedPaths.length)
    reasons.push(`${blockedPaths.length} cleartext path(s) no exclusion can cover would be dropped`);
  for (const e of exclusionsNeeded) reasons.push(`needs the ${e.name} exclusion (${e.because.join(', ')})`);
  if (verdict === 'ready') reasons.push('no blocking resources and no cleartext enforce would drop in the window');

  const unknowns: string[] = [];
  if (!blocking)
    unknowns.push(
      isPlanSubject(vpc)
        ? 'the snapshot has no blocking resources for this VPC (a version 1 snapshot, or the call failed): run sync-boundaries'
        : 'blocking resources are read for monitor-mode and failed VPCs only: this verdict rests on the flows',
    );
  for (const gap of policy.gaps ?? []) {
    if (gap.accountId === vpc.accountId && gap.region === vpc.region && (!gap.vpcId || gap.vpcId === vpcId))
      unknowns.push(`${gap.call} failed at the last sync: ${gap.error}`);
  }
  if (vpc.staleSince) unknowns.push(`the snapshot of this VPC is stale since ${vpc.staleSince}`);

  return {
    vpcId,
    ...(vpc.name ? { name: vpc.name } : {}),
    ...(vpc.accountId ? { accountId: vpc.accountId } : {}),
    ...(vpc.region ? { region: vpc.region } : {}),
    mode: vpc.mode,
    ...(vpc.state ? { state: vpc.state } : {}),
    ...(vpc.stateMessage ? { stateMessage: vpc.stateMessage } : {}),
    ...(vpc.controlId ? { controlId: vpc.controlId } : {}),
    verdict,
    reasons,
    exclusionsNeeded,
    exclusionsEnabled: [...enabled].sort(),
    blockingResources: resources ?? null,
    paths: merged.filter((p) => !claimed.has(p)),
    command: enforceCommand(vpc, exclusionsNeeded),
    unknowns,
    context: contextLines(vpc, policy),
  };
}

/**
 * `aws ec2 modify-vpc-encryption-control --vpc-encryption-control-id vpcec-… --mode enforce
 * --internet-gateway-exclusion enable --region us-east-1`. The API takes the control's id, not the
 * VPC's (ModifyVpcEncryptionControl); exclusions already enabled stay as they are and are not
 * repeated. Null when the snapshot has no control id (a version 1 snapshot).
 */
function enforceCommand(vpc: BoundaryVpc, exclusions: readonly { name: ExclusionName }[]): string | null {
  if (!vpc.controlId) return null;
  return [
    'aws ec2 modify-vpc-encryption-control',
    `--vpc-encryption-control-id ${vpc.controlId}`,
    '--mode enforce',
    ...exclusions.map((e) => `${EXCLUSION_FLAGS[e.name]} enable`),
    ...(vpc.region ? [`--region ${vpc.region}`] : []),
  ].join(' ');
}

/** Which exclusion covers an excludable blocking resource, from its id prefix or its type. */
function exclusionOf(r: BlockingResourceEntry): ExclusionName | undefined {
  const id = r.id.toLowerCase();
  const type = r.type.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (id.startsWith('eigw-') || type.includes('egressonly')) return 'EgressOnlyInternetGateway';
  if (id.startsWith('igw-') || type.includes('internetgateway')) return 'InternetGateway';
  if (id.startsWith('nat-') || type.includes('natgateway')) return 'NatGateway';
  if (id.startsWith('vgw-') || type.includes('vpngateway') || type.includes('virtualprivategateway'))
    return 'VirtualPrivateGateway';
  if (id.startsWith('pcx-') || type.includes('peering')) return 'VpcPeering';
  if (type.includes('lambda')) return 'Lambda';
  if (type.includes('lattice')) return 'VpcLattice';
  if (id.startsWith('fsmt-') || id.startsWith('fs-') || type.includes('elasticfilesystem') || type.includes('efs'))
    return 'ElasticFileSystem';
  if (type.includes('globalaccelerator')) return 'GlobalAccelerator';
  if (type.includes('apigateway')) return 'ApiGatewayV2';
  return undefined;
}

/** Did this cleartext path go through the blocking resource? ENIs and instances by id, gateways by exclusion. */
function carries(
  r: BlockingResourceEntry,
  p: PlanPath,
  interfaces: Readonly<Record<string, InterfaceEntry>>,
  exclusion: ExclusionName | undefined,
): boolean {
  if (r.id.startsWith('eni-')) return p.interfaceId === r.id;
  if (r.id.startsWith('i-')) return p.interfaceId !== null && interfaces[p.interfaceId]?.instanceId === r.id;
  if (p.interfaceId !== null && interfaces[p.interfaceId]?.description?.includes(r.id)) return true;
  return exclusion !== undefined && p.exclusion === exclusion;
}

function resourceLabel(r: BlockingResourceEntry, interfaces: Readonly<Record<string, InterfaceEntry>>): string {
  if (r.id.startsWith('eni-') && interfaces[r.id]?.label) return `${r.id} → ${interfaces[r.id]!.label}`;
  if (r.id.startsWith('i-')) {
    const eni = Object.values(interfaces).find((e) => e.instanceId === r.id);
    if (eni?.label) return eni.label;
  }
  return `${r.id} (${r.type})`;
}

function resourceHint(
  r: BlockingResourceEntry,
  exclusion: ExclusionName | undefined,
  idle: boolean,
  interfaces: Readonly<Record<string, InterfaceEntry>>,
): string {
  if (exclusion)
    return idle
      ? `idle in the window: remove it, or enable the ${exclusion} exclusion to keep it`
      : `enable the ${exclusion} exclusion (the traffic through it must then be encrypted by the application)`;
  const eni = r.id.startsWith('eni-') ? interfaces[r.id] : Object.values(interfaces).find((e) => e.instanceId === r.id);
  const first = idle ? 'idle in the window: remove or migrate it first' : 'carries cleartext';
  if (eni?.instanceType && eni.nitro !== 'encrypts')
    return `${first}; move ${eni.instanceId} from ${eni.instanceType} to a Nitro type that encrypts in transit (e.g. m6i, c6i, r6i, 7th generation or later)`;
  return `${first}; it cannot be excluded: replace it with a resource that supports encryption controls${r.description ? ` (${r.description})` : ''}`;
}

function blockedHint(flow: PlanFlow, resource: string | null): string {
  const service = `${protocolName(flow.protocol)}/${flow.port ?? '?'}`;
  const who = resource ?? flow.interface_id ?? 'the workload';
  return `no exclusion can cover this path: move ${who} to a Nitro instance type that encrypts in transit, or add TLS on ${service}`;
}

function contextLines(vpc: BoundaryVpc, policy: BoundaryPolicy): string[] {
  const lines: string[] = [];
  const account = policy.accountControls?.find((a) => a.accountId === vpc.accountId && a.region === vpc.region);
  if (account) {
    const managed = account.managedBy === 'declarative-policy' ? ', managed by a declarative policy' : '';
    const inherit =
      account.mode === 'attempt-enforce'
        ? ': VPCs created here start in enforce mode'
        : account.mode === 'attempt-monitor'
          ? ': VPCs created here start in monitor mode'
          : '';
    lines.push(`account ${account.accountId} ${account.region} mode ${account.mode}${managed}${inherit}`);
  }
  for (const [id, tgw] of Object.entries(policy.transitGateways ?? {})) {
    if (tgw.accountId !== vpc.accountId || tgw.region !== vpc.region) continue;
    const state = tgw.encryptionSupport ?? 'disabled';
    const note =
      state === 'enabled'
        ? 'cross-VPC paths over it are encrypted between enforced VPCs'
        : state === 'enabling'
          ? 'enabling can take up to 14 days; until then paths over it are encrypted only up to the attachment'
          : 'paths over it are encrypted only up to the attachment';
    lines.push(`transit gateway ${id}${tgw.name ? ` (${tgw.name})` : ''} encryption support ${state}: ${note}`);
  }
  return lines;
}

/**
 * Both directions of a conversation (request and reply, the same service port) and every other
 * row of the same ENI, peer, service and outcome become one path: flows and bytes summed.
 */
function mergePaths(paths: readonly PlanPath[]): PlanPath[] {
  const byKey = new Map<string, PlanPath>();
  for (const p of paths) {
    const key = [p.interfaceId, p.peer, p.protocol, p.port, p.outcome, p.exclusion].join('|');
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, p);
      continue;
    }
    byKey.set(key, {
      ...seen,
      flows: seen.flows + p.flows,
      bytes: seen.bytes + p.bytes,
      firstSeen: [p.firstSeen, seen.firstSeen].sort()[0]!,
      lastSeen: [p.lastSeen, seen.lastSeen].sort()[1]!,
    });
  }
  return [...byKey.values()].sort(byBytes);
}

const pathName = (p: Pick<PlanPath, 'interfaceId' | 'peer' | 'protocol' | 'port'>) =>
  `${p.interfaceId ?? '?'} → ${p.peer ?? '?'} ${p.protocol}/${p.port ?? '-'}`;

const byBytes = (a: PlanPath, b: PlanPath) => b.bytes - a.bytes || b.flows - a.flows || (a.path < b.path ? -1 : 1);
