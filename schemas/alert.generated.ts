/* Generated from schemas/alert.schema.json by `npm run build:schemas`: edit the schema, not this file. */

/**
 * Worst first: alerts are ranked in this order
 */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type NullableString = string | null;
export type NullableInteger = number | null;

/**
 * Body of one SNS message: the new paging alerts (violations) of one enforced VPC boundary in one run. Message attributes: severity, account_id, vpc_id (String) and rule (String.Array). Each line of <out>/alerts.jsonl and <out>/readiness.jsonl is one #/definitions/alert.
 */
export interface CiphertrailAlertMessage {
  schema_version: 1;
  source: 'ciphertrail';
  /**
   * ISO 8601 time of the run
   */
  generated_at: string;
  /**
   * Account of the boundary VPC, or "unknown"
   */
  account_id: string;
  region: string;
  /**
   * The enforced VPC whose boundary was crossed
   */
  vpc_id: string;
  /**
   * The worst severity in the message
   */
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  rules: string[];
  summary: string;
  totals: Volume;
  /**
   * Ranked: severity, bytes, flows
   */
  top_offenders: Alert[];
  not_shown: Volume1;
}
export interface Volume {
  alerts: number;
  flows: number;
  bytes: number;
}
export interface Alert {
  /**
   * Classification rule id (README, Boundary policy and alerts)
   */
  rule: string;
  classification: 'violation' | 'blocked' | 'readiness' | 'excluded';
  severity: Severity;
  account_id: NullableString;
  region: NullableString;
  /**
   * VPC of the ENI that logged the flow
   */
  vpc_id: string | null;
  interface_id: NullableString;
  interface_type: NullableString;
  /**
   * VPC whose encryption controls decided
   */
  boundary_vpc_id: string | null;
  boundary_account_id: NullableString;
  boundary_region: NullableString;
  srcaddr: NullableString;
  dstaddr: NullableString;
  /**
   * The far side of the ENI
   */
  peer: string | null;
  protocol: NullableInteger;
  protocol_name: string;
  /**
   * Service port: the lower of srcport and dstport
   */
  port: number | null;
  flow_direction: NullableString;
  traffic_path: NullableInteger;
  /**
   * The traffic path in words
   */
  path: string;
  flows: number;
  packets: number;
  bytes: number;
  first_seen: string;
  last_seen: string;
  reason: string;
  /**
   * One-line hint: TLS, a Nitro instance type, or the matching exclusion
   */
  remediation: string;
  /**
   * vpc|eni|peer|protocol|port|rule: pages at most once per suppression window
   */
  dedup_key: string;
}
/**
 * Alerts counted in totals but left out of top_offenders
 */
export interface Volume1 {
  alerts: number;
  flows: number;
  bytes: number;
}
