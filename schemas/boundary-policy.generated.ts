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
  vpcs: {
    [k: string]: Vpc;
  };
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
   * ENIs of excluded resources (NAT gateway, Lambda, EFS, ...) that flow records cannot reveal by themselves
   */
  excludedInterfaces?: string[];
}
