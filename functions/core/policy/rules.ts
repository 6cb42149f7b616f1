/** The classification rules: what each outcome means and why it is decided that way. */
import type { FindingClass, Severity } from '../../../schemas/alert.js';

/** A finding's class (schemas/alert.schema.json), or `ok` for groups that are no finding. */
export type Classification = FindingClass | 'ok';

export interface RuleSpec {
  readonly classification: Classification;
  /** Base severity; a violation towards a public (internet) address is raised to critical. */
  readonly severity: Severity;
  readonly summary: string;
}

export const RULES = {
  'ec-blocked': {
    classification: 'blocked',
    severity: 'medium',
    summary: 'reject-reason EC: encryption controls dropped cleartext (something is trying and failing)',
  },
  'cleartext-in-enforced-vpc': {
    classification: 'violation',
    severity: 'high',
    summary: 'cleartext accepted on an ENI of an enforced VPC, on a path no enabled exclusion covers',
  },
  'cleartext-into-enforced-vpc': {
    classification: 'violation',
    severity: 'high',
    summary:
      "cleartext between an ENI outside an enforced VPC and an address inside it, not covered by that VPC's exclusions",
  },
  'cleartext-in-monitor-vpc': {
    classification: 'readiness',
    severity: 'low',
    summary: 'cleartext in a monitor-mode VPC on a path no enabled exclusion covers: would break under enforce',
  },
  'excluded-path': {
    classification: 'excluded',
    severity: 'info',
    summary: 'cleartext on a path an enabled exclusion covers (internet gateway, NAT, peering, VGW, Lattice, EFS)',
  },
  'excluded-interface': {
    classification: 'excluded',
    severity: 'info',
    summary:
      'cleartext on an ENI of an excluded resource (excludedInterfaces, or a NAT gateway ENI with the NatGateway exclusion)',
  },
  'not-cleartext': {
    classification: 'ok',
    severity: 'info',
    summary: 'encryption-status 1, 2, 3 or - (unknown): never a violation',
  },
  'not-accepted': {
    classification: 'ok',
    severity: 'info',
    summary: 'REJECT by a security group or network ACL (not EC): no data crossed',
  },
  'no-encryption-controls': {
    classification: 'ok',
    severity: 'info',
    summary: "cleartext where neither the ENI's VPC nor the peer's VPC has encryption controls",
  },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

/**
 * The one alert that comes from the EC2 API rather than a flow: a VPC's encryption control in
 * enforce-failed or monitor-failed (the mode change did not happen). sync-boundaries pages it
 * once, as a violation (high), through the same paging as the flow rules above.
 */
export const CONTROL_FAILED_RULE = 'encryption-control-failed';

/** Every rule an alert can carry. */
export type AlertRuleId = RuleId | typeof CONTROL_FAILED_RULE;
