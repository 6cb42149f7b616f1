/**
 * The VPC Flow Logs field catalog: every field of versions 2–11, as AWS spells it.
 * Source: https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 *
 * This table is the single source of truth for the parser (field names, value kinds,
 * enum checks), for the Parquet reader of AWS Parquet flow logs (column names) and for
 * documentation. A new AWS field is one line here.
 */

/** How a field's text value is decoded. `int64` values are kept exact (bigint above 2^53). */
export type FieldKind = 'string' | 'int32' | 'int64';

export interface FlowLogFieldSpec {
  /** The field name as AWS writes it in `${...}` formats and header lines. */
  readonly name: string;
  /** Flow-log version that introduced the field. */
  readonly version: number;
  /** Parquet physical type AWS uses when it delivers flow logs as Parquet. */
  readonly parquetType: 'STRING' | 'INT_32' | 'INT_64';
  /** Athena/Glue column type (AWS's published DDLs, extended for v7–v11). */
  readonly athenaType: 'string' | 'int' | 'bigint';
  /** snake_case column name (AWS rule: hyphens become underscores). */
  readonly column: string;
  /** Closed value set; any other value (except `-`) makes the line malformed. */
  readonly enumValues?: readonly string[];
  readonly meaning: string;
}

const f = (
  name: string,
  version: number,
  parquetType: FlowLogFieldSpec['parquetType'],
  meaning: string,
  enumValues?: readonly string[],
  athenaType?: FlowLogFieldSpec['athenaType'],
): FlowLogFieldSpec => ({
  name,
  version,
  parquetType,
  athenaType: athenaType ?? (parquetType === 'STRING' ? 'string' : parquetType === 'INT_32' ? 'int' : 'bigint'),
  column: name.replace(/-/g, '_'),
  meaning,
  ...(enumValues ? { enumValues } : {}),
});

export const FLOW_LOG_FIELDS: readonly FlowLogFieldSpec[] = [
  f('version', 2, 'INT_32', 'Flow log version: the highest version among the fields of the format'),
  f('account-id', 2, 'STRING', 'AWS account ID of the owner of the source network interface'),
  f('interface-id', 2, 'STRING', 'ID of the network interface for which the traffic is recorded'),
  f('srcaddr', 2, 'STRING', 'Source address (incoming) or the interface address (outgoing)'),
  f('dstaddr', 2, 'STRING', 'Destination address (outgoing) or the interface address (incoming)'),
  f('srcport', 2, 'INT_32', 'Source port'),
  f('dstport', 2, 'INT_32', 'Destination port'),
  // AWS's DDLs declare protocol bigint although the Parquet type is INT_32; we follow the Parquet type.
  f('protocol', 2, 'INT_32', 'IANA protocol number'),
  f('packets', 2, 'INT_64', 'Packets transferred during the flow'),
  f('bytes', 2, 'INT_64', 'Bytes transferred during the flow'),
  f('start', 2, 'INT_64', 'Unix seconds of the first packet within the aggregation interval'),
  f('end', 2, 'INT_64', 'Unix seconds of the last packet within the aggregation interval'),
  f('action', 2, 'STRING', 'ACCEPT or REJECT', ['ACCEPT', 'REJECT']),
  f('log-status', 2, 'STRING', 'OK, NODATA or SKIPDATA', ['OK', 'NODATA', 'SKIPDATA']),
  f('vpc-id', 3, 'STRING', 'VPC that contains the network interface'),
  f('subnet-id', 3, 'STRING', 'Subnet that contains the network interface'),
  f('instance-id', 3, 'STRING', 'Instance associated with the network interface, if owned by you'),
  f('tcp-flags', 3, 'INT_32', 'Bitmask of TCP flags seen in the aggregation interval'),
  f('type', 3, 'STRING', 'Traffic type: IPv4, IPv6 or EFA', ['IPv4', 'IPv6', 'EFA']),
  f('pkt-srcaddr', 3, 'STRING', 'Packet-level (original) source address'),
  f('pkt-dstaddr', 3, 'STRING', 'Packet-level (original) destination address'),
  f('region', 4, 'STRING', 'Region that contains the network interface'),
  f('az-id', 4, 'STRING', 'Availability Zone ID of the network interface'),
  f('sublocation-type', 4, 'STRING', 'wavelength, outpost or localzone', ['wavelength', 'outpost', 'localzone']),
  f('sublocation-id', 4, 'STRING', 'ID of the sublocation'),
  f('pkt-src-aws-service', 5, 'STRING', 'AWS IP-range subset name of pkt-srcaddr (open-ended list)'),
  f('pkt-dst-aws-service', 5, 'STRING', 'AWS IP-range subset name of pkt-dstaddr (open-ended list)'),
  f('flow-direction', 5, 'STRING', 'ingress or egress, relative to the interface', ['ingress', 'egress']),
  f('traffic-path', 5, 'INT_32', 'Egress path code 1–8', ['1', '2', '3', '4', '5', '6', '7', '8']),
  f('ecs-cluster-arn', 7, 'STRING', 'ARN of the ECS cluster of the task'),
  f('ecs-cluster-name', 7, 'STRING', 'Name of the ECS cluster'),
  f('ecs-container-instance-arn', 7, 'STRING', 'ARN of the ECS container instance (EC2 launch type)'),
  f('ecs-container-instance-id', 7, 'STRING', 'ID of the ECS container instance (EC2 launch type)'),
  f('ecs-container-id', 7, 'STRING', 'Docker runtime ID of the first container of the task'),
  f('ecs-second-container-id', 7, 'STRING', 'Docker runtime ID of the second container of the task'),
  f('ecs-service-name', 7, 'STRING', 'Name of the ECS service that started the task'),
  f('ecs-task-definition-arn', 7, 'STRING', 'ARN of the ECS task definition'),
  f('ecs-task-arn', 7, 'STRING', 'ARN of the ECS task'),
  f('ecs-task-id', 7, 'STRING', 'ID of the ECS task'),
  f('reject-reason', 8, 'STRING', 'Why traffic was rejected: BPA or EC (encryption controls)', ['BPA', 'EC']),
  f('resource-id', 9, 'STRING', 'ID of the regional NAT gateway that contains the interface'),
  f('encryption-status', 10, 'INT_32', '0 cleartext, 1 Nitro, 2 application (TLS), 3 both', ['0', '1', '2', '3']),
  f('instance-tag', 11, 'STRING', 'Value of the first configured instance tag (percent-encoded)'),
  f('instance-tag-2', 11, 'STRING', 'Value of the second configured instance tag (percent-encoded)'),
  f('interface-tag', 11, 'STRING', 'Value of the first configured interface tag (percent-encoded)'),
  f('interface-tag-2', 11, 'STRING', 'Value of the second configured interface tag (percent-encoded)'),
  f('asg-tag', 11, 'STRING', 'Value of the first configured Auto Scaling group tag (percent-encoded)'),
  f('asg-tag-2', 11, 'STRING', 'Value of the second configured Auto Scaling group tag (percent-encoded)'),
  f('interface-type', 11, 'STRING', 'Type of the local interface (nat_gateway, vpc_endpoint, ...; open-ended)'),
  f('next-hop-interface-id', 11, 'STRING', 'Next-hop network interface'),
  f('next-hop-subnet-id', 11, 'STRING', 'Subnet of the next-hop interface'),
  f('next-hop-az-id', 11, 'STRING', 'Availability Zone ID of the next-hop interface'),
  f('next-hop-vpc-id', 11, 'STRING', 'VPC of the next-hop interface'),
  f('next-hop-interface-type', 11, 'STRING', 'Type of the next-hop interface (open-ended)'),
];

const byName = new Map<string, FlowLogFieldSpec>();
for (const spec of FLOW_LOG_FIELDS) {
  byName.set(spec.name, spec);
  byName.set(spec.column, spec);
}

/** Looks a field up by its AWS name (`encryption-status`) or its column name (`encryption_status`). */
export function findFlowLogField(name: string): FlowLogFieldSpec | undefined {
  return byName.get(name);
}

export function fieldKind(spec: FlowLogFieldSpec): FieldKind {
  return spec.parquetType === 'STRING' ? 'string' : spec.parquetType === 'INT_32' ? 'int32' : 'int64';
}

/** The default (version 2) format, in the documented order. */
export const DEFAULT_FORMAT_FIELDS: readonly string[] = FLOW_LOG_FIELDS.filter((s) => s.version === 2).map(
  (s) => s.name,
);
