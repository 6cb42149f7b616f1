/* Generated from schemas/boundary-policy.schema.json by `npm run build:schemas`: edit the schema, not this file. */

/**
 * VPC Encryption Controls per VPC, shaped after the EC2 API (DescribeVpcEncryptionControls + DescribeVpcs). A VPC absent from `vpcs` has no encryption controls.
 */
export interface CiphertrailBoundaryPolicy {
  $schema?: string;
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
   * VpcEncryptionControl.State when synced (informational)
   */
  state?: string;
  /**
   * Set when the last sync could not read this VPC's account and region: the entry is the state read at this time (ISO 8601)
   */
  staleSince?: string;
  /**
   * ENIs of excluded resources (NAT gateway, Lambda, EFS, ...) that flow records cannot reveal by themselves
   */
  excludedInterfaces?: string[];
}
