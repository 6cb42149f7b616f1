/* Generated from schemas/boundary-policy.schema.json by `npm run build:schemas`: edit the schema, not this file. */

export type ExclusionState = 'enabling' | 'enabled' | 'disabling' | 'disabled';

/**
 * VPC Encryption Controls per VPC, shaped after the EC2 API (DescribeVpcEncryptionControls + DescribeVpcs), and since schemaVersion 2 the inventory sync-boundaries reads for `ciphertrail plan`: blocking resources, account-level controls, transit gateways and the resources behind ENIs. A VPC absent from `vpcs` has no encryption controls. Every version-2 field is optional, so a version-1 file still loads.
 */
export interface CiphertrailBoundaryPolicy {
  $schema?: string;
  /**
   * Version of this document's shape: absent or 1 for the original (modes, exclusions, CIDRs), 2 once it carries the inventory (blockingResources, accountControls, transitGateways, interfaces, gaps)
   */
  schemaVersion?: 1 | 2;
  /**
   * When sync-boundaries built the file (ISO 8601)
   */
  generatedAt?: string;
  /**
   * Who wrote the file (sync-boundaries, or a person)
   */
  source?: string;
  /**
   * What sync-boundaries read, one entry per account and region: a failed one keeps its VPCs from the last successful read, marked staleSince
   */
  accounts?: Account[];
  vpcs: {
    [k: string]: Vpc;
  };
  /**
   * DescribeAccountVpcEncryptionControl per account and region: the account-level mode new VPCs inherit
   */
  accountControls?: AccountControl[];
  /**
   * DescribeTransitGateways: encryption support per transit gateway
   */
  transitGateways?: {
    [k: string]: TransitGateway;
  };
  /**
   * DescribeNetworkInterfaces (and DescribeInstances for attached instances) for the ENIs of monitor-mode and failed VPCs: the resource behind each ENI in plain words
   */
  interfaces?: {
    [k: string]: Interface;
  };
  /**
   * Inventory calls that failed in an account and region that was otherwise read (e.g. AccessDenied on one call): what the snapshot does not know
   */
  gaps?: Gap[];
}
export interface Account {
  accountId: string;
  region: string;
  status: 'ok' | 'failed';
  /**
   * When this account and region were last read successfully (ISO 8601)
   */
  lastSuccessAt?: string;
  /**
   * First failed sync of the current run of failures (ISO 8601)
   */
  failedSince?: string;
  /**
   * Why the last sync failed
   */
  error?: string;
}
export interface Vpc {
  /**
   * VpcEncryptionControl.Mode
   */
  mode: 'enforce' | 'monitor';
  /**
   * Exclusions whose state is `enabled` (ResourceExclusions names)
   */
  exclusions?: (
    | 'InternetGateway'
    | 'EgressOnlyInternetGateway'
    | 'NatGateway'
    | 'VirtualPrivateGateway'
    | 'VpcPeering'
    | 'Lambda'
    | 'VpcLattice'
    | 'ElasticFileSystem'
    | 'GlobalAccelerator'
    | 'ApiGatewayV2'
  )[];
  /**
   * Associated IPv4 and IPv6 CIDR blocks of the VPC
   */
  cidrs?: string[];
  accountId?: string;
  region?: string;
  /**
   * Name tag, for people reading alerts
   */
  name?: string;
  /**
   * VpcEncryptionControl.State when synced: available, creating, enforce-in-progress, monitor-in-progress, enforce-failed, monitor-failed, delete-failed (a failed transition pages once)
   */
  state?: string;
  /**
   * VpcEncryptionControl.StateMessage: why a transition failed or what it waits for
   */
  stateMessage?: string;
  /**
   * When the current failed state (enforce-failed, monitor-failed) paged on-call (ISO 8601): a failed transition pages once, and later syncs in the same state keep this time instead of paging again
   */
  stateAlertedAt?: string;
  /**
   * VpcEncryptionControl.VpcEncryptionControlId: the id modify-vpc-encryption-control takes
   */
  controlId?: string;
  /**
   * ResourceExclusions entries not in state `disabled` (the default), with their state: enabling, enabled or disabling; `exclusions` lists only the enabled ones
   */
  exclusionStates?: {
    [k: string]: ExclusionState;
  };
  /**
   * Set when the last sync could not read this VPC's account and region: the entry is the state read at this time (ISO 8601)
   */
  staleSince?: string;
  /**
   * ENIs of excluded resources (NAT gateway, Lambda, EFS, ...) that flow records cannot reveal by themselves
   */
  excludedInterfaces?: string[];
  /**
   * GetVpcResourcesBlockingEncryptionEnforcement for a monitor-mode VPC, or an enforce-mode one in a failed state: what stops enforce. Absent when not read (enforce mode, or the call failed: see gaps); empty when nothing blocks
   */
  blockingResources?: BlockingResource[];
}
export interface BlockingResource {
  /**
   * VpcEncryptionNonCompliantResource.Id (igw-…, nat-…, eni-…, i-…, pcx-…)
   */
  id: string;
  /**
   * VpcEncryptionNonCompliantResource.Type as EC2 reports it
   */
  type: string;
  /**
   * VpcEncryptionNonCompliantResource.Description
   */
  description?: string;
  /**
   * VpcEncryptionNonCompliantResource.IsExcludable: an exclusion can cover it
   */
  excludable: boolean;
}
export interface AccountControl {
  accountId: string;
  region: string;
  /**
   * AccountVpcEncryptionControl.Mode: VPCs created in this account and region start in monitor (attempt-monitor) or enforce (attempt-enforce) mode
   */
  mode: 'unmanaged' | 'attempt-monitor' | 'attempt-enforce';
  /**
   * AccountVpcEncryptionControl.State: default-state, transitions-in-progress, transitions-partially-successful, transitions-successful, transitions-failed
   */
  state?: string;
  /**
   * AccountVpcEncryptionControl.Exclusions not in state `disabled`: the exclusions new VPCs get
   */
  exclusions?: {
    [k: string]: ExclusionState;
  };
  /**
   * AccountVpcEncryptionControl.ManagedBy: declarative-policy when an AWS Organizations declarative policy sets it (change it there, not in the account)
   */
  managedBy?: 'account' | 'declarative-policy';
  /**
   * AccountVpcEncryptionControl.LastUpdateTimestamp (ISO 8601)
   */
  lastUpdatedAt?: string;
}
export interface TransitGateway {
  accountId: string;
  region: string;
  /**
   * Name tag
   */
  name?: string;
  /**
   * TransitGateway.State
   */
  state?: string;
  /**
   * TransitGateway.Options.EncryptionSupport.EncryptionState; absent when EC2 reports none (disabled). enabling can take up to 14 days
   */
  encryptionSupport?: 'enabling' | 'enabled' | 'disabling' | 'disabled';
  /**
   * EncryptionSupport.StateMessage
   */
  stateMessage?: string;
}
export interface Interface {
  vpcId?: string;
  /**
   * NetworkInterface.InterfaceType (interface, natGateway, lambda, …)
   */
  interfaceType?: string;
  /**
   * NetworkInterface.Description
   */
  description?: string;
  /**
   * Attachment.InstanceId
   */
  instanceId?: string;
  /**
   * Instance.InstanceType, from DescribeInstances
   */
  instanceType?: string;
  /**
   * From the instance family (functions/core/policy/instance-types.ts): encrypts = Nitro with encryption in transit; nitro = Nitro without it; not-nitro = Xen generation
   */
  nitro?: 'encrypts' | 'nitro' | 'not-nitro' | 'unknown';
  /**
   * The resource behind the ENI in plain words: "i-0abc (m4.large, not Nitro)"
   */
  label?: string;
}
export interface Gap {
  accountId: string;
  region: string;
  /**
   * The EC2 API action that failed
   */
  call: string;
  /**
   * The VPC the call was for, when per VPC
   */
  vpcId?: string;
  error: string;
}
