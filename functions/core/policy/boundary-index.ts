import type { BoundaryPolicy, BoundaryVpc, ExclusionName } from '../../../schemas/boundary-policy.js';
import { type Cidr, CidrMap, cidrContains, type IpAddress, parseCidr } from './cidr.js';

export interface IndexedVpc extends BoundaryVpc {
  readonly id: string;
  readonly enabled: ReadonlySet<ExclusionName>;
  readonly blocks: readonly Cidr[];
  readonly interfaces: ReadonlySet<string>;
}

/** A validated policy prepared for lookups by VPC id, ENI and address. */
export class BoundaryIndex {
  private readonly vpcs = new Map<string, IndexedVpc>();
  private readonly byInterface = new Map<string, IndexedVpc>();
  private readonly byAddress = new CidrMap<IndexedVpc>();

  constructor(readonly policy: BoundaryPolicy) {
    for (const [id, vpc] of Object.entries(policy.vpcs)) {
      const entry: IndexedVpc = {
        ...vpc,
        id,
        enabled: new Set(vpc.exclusions ?? []),
        blocks: (vpc.cidrs ?? []).map(parseCidr),
        interfaces: new Set(vpc.excludedInterfaces ?? []),
      };
      this.vpcs.set(id, entry);
      for (const eni of entry.interfaces) this.byInterface.set(eni, entry);
      for (const block of entry.blocks) this.byAddress.set(block, entry);
    }
  }

  get size(): number {
    return this.vpcs.size;
  }

  vpc(id: string | null): IndexedVpc | undefined {
    return id === null ? undefined : this.vpcs.get(id);
  }

  vpcOfInterface(eni: string | null): IndexedVpc | undefined {
    return eni === null ? undefined : this.byInterface.get(eni);
  }

  /** The VPCs whose most specific CIDR block contains the address. */
  vpcsContaining(address: IpAddress): readonly IndexedVpc[] {
    return this.byAddress.lookup(address);
  }

  countByMode(): Record<'enforce' | 'monitor', number> {
    const counts = { enforce: 0, monitor: 0 };
    for (const vpc of this.vpcs.values()) counts[vpc.mode]++;
    return counts;
  }

  monitorVpcs(): IndexedVpc[] {
    return [...this.vpcs.values()].filter((v) => v.mode === 'monitor');
  }
}

export function vpcContains(vpc: IndexedVpc, address: IpAddress | null): boolean {
  return address !== null && vpc.blocks.some((b) => cidrContains(b, address));
}

/** `vpc-0abc (payments)` when the policy names the VPC. */
export function vpcLabel(vpc: Pick<IndexedVpc, 'id' | 'name'>): string {
  return vpc.name ? `${vpc.id} (${vpc.name})` : vpc.id;
}
