import type { Severity } from '../../../schemas/alert.js';
import type { ExclusionName } from '../../../schemas/boundary-policy.js';
import { trafficPathLabel } from '../encryption-status.js';
import type { CleartextGroup } from '../flow-log-aggregator.js';
import { isPublicAddress, isVpcLatticeAddress } from './address-ranges.js';
import { type BoundaryIndex, type IndexedVpc, vpcContains, vpcLabel } from './boundary-index.js';
import { type IpAddress, parseAddress } from './cidr.js';
import { type Classification, RULES, type RuleId } from './rules.js';

/** The record fields classification reads (a cleartext group, or a single decoded record). */
export type FlowFacts = Pick<
  CleartextGroup,
  | 'account_id'
  | 'region'
  | 'vpc_id'
  | 'interface_id'
  | 'interface_type'
  | 'srcaddr'
  | 'dstaddr'
  | 'protocol'
  | 'port'
  | 'traffic_path'
  | 'flow_direction'
  | 'action'
  | 'reject_reason'
  | 'encryption_status'
>;

/** Where the far side of the ENI is, seen from the policy. */
type PeerPlace =
  | { readonly kind: 'own-vpc' | 'public' | 'lattice' | 'private' | 'unknown'; readonly vpc?: undefined }
  | { readonly kind: 'other-vpc'; readonly vpc: IndexedVpc };

export interface FlowClassification {
  readonly classification: Classification;
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly reason: string;
  /** The ENI's own address and the far side's, by flow direction. */
  readonly local: string | null;
  readonly peer: string | null;
  readonly peerPlace: PeerPlace['kind'];
  /** The traffic path in words. */
  readonly path: string;
  /** The VPC whose controls decided the outcome: the ENI's, or the enforced VPC the peer lies in. */
  readonly boundaryVpcId: string | null;
  /** The exclusion that allows the flow (`excluded`). */
  readonly exclusion?: ExclusionName;
  /** Exclusions that would allow the flow if enabled (for remediation hints). */
  readonly wouldBeCoveredBy: readonly ExclusionName[];
}

interface Judgement {
  readonly vpc: IndexedVpc;
  /** The exclusion that covers the flow, `interface` for an excluded ENI, undefined when none does. */
  readonly coveredBy: ExclusionName | 'interface' | undefined;
  readonly candidates: readonly ExclusionName[];
}

const NAT_INTERFACE_TYPES = new Set(['nat_gateway', 'regional_nat_gateway']);
const NFS_PORT = 2049;
const TCP = 6;

/**
 * Decides violation | blocked | readiness | excluded | ok for one cleartext or EC-rejected
 * group. Pure. The rules and their reasons are in README "Boundary policy and alerts".
 */
export function classifyFlow(flow: FlowFacts, index: BoundaryIndex): FlowClassification {
  const { vpc: localVpc, local, peer } = orient(flow, index);
  const peerAddress = peer === null ? null : parseAddress(peer);
  const place = placeOf(peerAddress, localVpc, flow, index);
  const where = pathWords(flow, peer, place);
  const decide = (
    rule: RuleId,
    boundary: IndexedVpc | string | null | undefined,
    reason: string,
    extra: Partial<FlowClassification> = {},
  ): FlowClassification => {
    const spec = RULES[rule];
    // Cleartext towards the internet is the worst case; a gateway endpoint (7) stays on AWS's network.
    const critical = spec.classification === 'violation' && place.kind === 'public' && flow.traffic_path !== 7;
    return {
      classification: spec.classification,
      rule,
      severity: critical ? 'critical' : spec.severity,
      reason,
      local,
      peer,
      peerPlace: place.kind,
      path: where,
      boundaryVpcId: typeof boundary === 'object' ? (boundary?.id ?? null) : (boundary ?? null),
      wouldBeCoveredBy: [],
      ...extra,
    };
  };

  if (flow.reject_reason === 'EC') {
    return decide(
      'ec-blocked',
      localVpc ?? flow.vpc_id,
      `VPC Encryption Controls rejected this flow (reject-reason EC), ${where}`,
    );
  }
  if (flow.encryption_status !== 0) {
    const status =
      flow.encryption_status === null
        ? 'encryption status unknown (-)'
        : `encrypted (status ${flow.encryption_status})`;
    return decide('not-cleartext', null, status);
  }
  if (flow.action !== null && flow.action !== 'ACCEPT') {
    return decide('not-accepted', null, `${flow.action}: dropped by a security group or network ACL`);
  }

  const own = localVpc ? judgeLocal(flow, localVpc, place, peerAddress?.family === 6) : undefined;
  const remote = place.kind === 'other-vpc' && place.vpc.mode === 'enforce' ? judgeRemote(flow, place.vpc) : undefined;

  if (own && own.vpc.mode === 'enforce' && !own.coveredBy) {
    return decide(
      'cleartext-in-enforced-vpc',
      own.vpc,
      `cleartext accepted on ${flow.interface_id ?? 'an ENI'} in enforced ${vpcLabel(own.vpc)}, ${where}; ${uncovered(own)}`,
      { wouldBeCoveredBy: own.candidates },
    );
  }
  if (remote && !remote.coveredBy) {
    const from = own
      ? `${own.vpc.mode}-mode ${vpcLabel(own.vpc)}`
      : `${flow.vpc_id ?? 'a VPC'} (no encryption controls)`;
    return decide(
      'cleartext-into-enforced-vpc',
      remote.vpc,
      `cleartext between ${from} and enforced ${vpcLabel(remote.vpc)}, ${where}; ${uncovered(remote)}`,
      { wouldBeCoveredBy: remote.candidates },
    );
  }
  if (own && own.vpc.mode === 'monitor' && !own.coveredBy) {
    return decide(
      'cleartext-in-monitor-vpc',
      own.vpc,
      `cleartext in monitor-mode ${vpcLabel(own.vpc)} would be blocked under enforce, ${where}; ${uncovered(own)}`,
      { wouldBeCoveredBy: own.candidates },
    );
  }
  const covered = own?.coveredBy ? own : remote?.coveredBy ? remote : undefined;
  if (covered?.coveredBy === 'interface') {
    return decide(
      'excluded-interface',
      covered.vpc,
      `${flow.interface_id} is an excluded interface of ${vpcLabel(covered.vpc)}`,
    );
  }
  if (covered?.coveredBy) {
    return decide(
      'excluded-path',
      covered.vpc,
      `allowed by the ${covered.coveredBy} exclusion of ${covered.vpc.mode}-mode ${vpcLabel(covered.vpc)}, ${where}`,
      { exclusion: covered.coveredBy },
    );
  }
  return decide(
    'no-encryption-controls',
    null,
    `neither ${flow.vpc_id ?? 'the VPC'} nor the peer's VPC has encryption controls`,
  );
}

function uncovered(j: Judgement): string {
  if (j.candidates.length === 0) return 'no exclusion can cover this path';
  return `the ${j.candidates.join(' or ')} exclusion is not enabled on ${j.vpc.id}`;
}

/** Which side of the record is the ENI: egress leaves from srcaddr, ingress arrives at dstaddr. */
function orient(
  flow: FlowFacts,
  index: BoundaryIndex,
): { vpc: IndexedVpc | undefined; local: string | null; peer: string | null } {
  const src = flow.srcaddr;
  const dst = flow.dstaddr;
  let vpc = flow.vpc_id !== null ? index.vpc(flow.vpc_id) : index.vpcOfInterface(flow.interface_id);
  if (flow.flow_direction === 'egress') return { vpc: vpc ?? unique(src, flow, index), local: src, peer: dst };
  if (flow.flow_direction === 'ingress') return { vpc: vpc ?? unique(dst, flow, index), local: dst, peer: src };
  const srcAddress = src === null ? null : parseAddress(src);
  const dstAddress = dst === null ? null : parseAddress(dst);
  if (!vpc && flow.vpc_id === null) {
    vpc = unique(src, flow, index);
    if (!vpc) {
      vpc = unique(dst, flow, index);
      if (vpc) return { vpc, local: dst, peer: src };
    }
  }
  const localIsDst = vpc !== undefined && vpcContains(vpc, dstAddress) && !vpcContains(vpc, srcAddress);
  return localIsDst ? { vpc, local: dst, peer: src } : { vpc, local: src, peer: dst };
}

/** The one policy VPC containing `address` (only when the record names no VPC). */
function unique(address: string | null, flow: FlowFacts, index: BoundaryIndex): IndexedVpc | undefined {
  if (flow.vpc_id !== null || address === null) return undefined;
  const parsed = parseAddress(address);
  const candidates = parsed ? narrow(index.vpcsContaining(parsed), flow) : [];
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Overlapping CIDRs across accounts: prefer VPCs in the record's region, then its account. */
function narrow(vpcs: readonly IndexedVpc[], flow: FlowFacts): readonly IndexedVpc[] {
  if (vpcs.length <= 1) return vpcs;
  const sameRegion = vpcs.filter((v) => v.region === undefined || v.region === flow.region);
  if (sameRegion.length === 1) return sameRegion;
  const sameAccount = sameRegion.filter((v) => v.accountId === flow.account_id);
  return sameAccount.length > 0 ? sameAccount : sameRegion;
}

function placeOf(
  peer: IpAddress | null,
  localVpc: IndexedVpc | undefined,
  flow: FlowFacts,
  index: BoundaryIndex,
): PeerPlace {
  if (peer === null) return { kind: 'unknown' };
  if (localVpc && vpcContains(localVpc, peer)) return { kind: 'own-vpc' };
  const others = narrow(
    index.vpcsContaining(peer).filter((v) => v !== localVpc),
    flow,
  );
  if (others.length === 1) return { kind: 'other-vpc', vpc: others[0]! };
  if (isVpcLatticeAddress(peer)) return { kind: 'lattice' };
  return { kind: isPublicAddress(peer) ? 'public' : 'private' };
}

/** Does an enabled exclusion of the ENI's own VPC cover this flow? */
function judgeLocal(flow: FlowFacts, vpc: IndexedVpc, place: PeerPlace, ipv6: boolean): Judgement {
  if (flow.interface_id !== null && vpc.interfaces.has(flow.interface_id))
    return { vpc, coveredBy: 'interface', candidates: [] };
  const candidates = localCandidates(flow, place, ipv6);
  if (flow.interface_type !== null && NAT_INTERFACE_TYPES.has(flow.interface_type) && vpc.enabled.has('NatGateway')) {
    return { vpc, coveredBy: 'interface', candidates };
  }
  return { vpc, coveredBy: candidates.find((c) => vpc.enabled.has(c)), candidates };
}

/** The exclusions that can make this path legal, from traffic-path (egress) or the peer's place. */
function localCandidates(flow: FlowFacts, place: PeerPlace, ipv6: boolean): ExclusionName[] {
  // Egress-only internet gateways carry IPv6 only.
  const internet: ExclusionName[] = ipv6 ? ['InternetGateway', 'EgressOnlyInternetGateway'] : ['InternetGateway'];
  switch (flow.traffic_path) {
    case 2:
    case 8:
      return internet;
    case 3:
      return ['VirtualPrivateGateway'];
    case 4:
    case 5:
      return ['VpcPeering'];
    case 1:
      return withinVpc(flow, place, ['NatGateway']);
    case 6:
    case 7:
      return []; // Local Zone, gateway endpoint: no exclusion exists
    default:
      return withinVpc(flow, place, [...internet, 'NatGateway']);
  }
}

/** Same-VPC or unreported paths: the peer's place says which managed resource carried the flow. */
function withinVpc(flow: FlowFacts, place: PeerPlace, towardsInternet: ExclusionName[]): ExclusionName[] {
  switch (place.kind) {
    case 'public':
      return towardsInternet;
    case 'lattice':
      return ['VpcLattice'];
    case 'own-vpc':
      return flow.protocol === TCP && flow.port === NFS_PORT ? ['ElasticFileSystem'] : [];
    case 'other-vpc':
    case 'private':
      return flow.traffic_path === null ? ['VpcPeering', 'VirtualPrivateGateway'] : [];
    default:
      return [];
  }
}

/** Does an enabled exclusion of the enforced VPC the peer lies in cover the crossing? */
function judgeRemote(flow: FlowFacts, vpc: IndexedVpc): Judgement {
  const viaPeering = flow.traffic_path === 4 || flow.traffic_path === 5 || flow.traffic_path === null;
  const candidates: ExclusionName[] = viaPeering ? ['VpcPeering'] : [];
  return { vpc, coveredBy: candidates.find((c) => vpc.enabled.has(c)), candidates };
}

const PLACE_WORDS: Record<PeerPlace['kind'], string> = {
  'own-vpc': 'in the same VPC',
  public: 'internet',
  lattice: 'VPC Lattice',
  private: 'private, outside known VPCs',
  unknown: 'unknown address',
  'other-vpc': '',
};

/** How each `traffic-path` code reads in a sentence; the words themselves are `trafficPathLabel`'s. */
const PATH_PREPOSITION: Record<number, string> = {
  1: '',
  2: 'through an ',
  3: 'through a ',
  4: 'over ',
  5: 'over ',
  6: 'through a ',
  7: 'through a ',
  8: 'through an ',
};

/** The traffic path in words: `egress to 10.1.7.9 (internet) through an internet gateway, tcp/80`. */
function pathWords(flow: FlowFacts, peer: string | null, place: PeerPlace): string {
  const placeText = place.kind === 'other-vpc' ? `in ${vpcLabel(place.vpc)}` : PLACE_WORDS[place.kind];
  const towards =
    flow.flow_direction === 'ingress'
      ? `ingress from ${peer ?? '?'}`
      : `${flow.flow_direction ?? 'traffic'} to ${peer ?? '?'}`;
  const redundant = flow.traffic_path === null || (flow.traffic_path === 1 && place.kind === 'own-vpc');
  const code = flow.traffic_path!;
  const preposition = PATH_PREPOSITION[code];
  const path = redundant
    ? ''
    : ` ${preposition === undefined ? `over traffic path ${code}` : preposition + trafficPathLabel(code)}`;
  return `${towards} (${placeText})${path}, ${protocolName(flow.protocol)}/${flow.port ?? '-'}`;
}

const PROTOCOLS: Record<number, string> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  47: 'gre',
  50: 'esp',
  58: 'icmpv6',
  132: 'sctp',
};

export function protocolName(protocol: number | null): string {
  return protocol === null ? '-' : (PROTOCOLS[protocol] ?? `proto-${protocol}`);
}
