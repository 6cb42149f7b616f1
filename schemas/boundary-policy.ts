/**
 * The boundary policy: VPC Encryption Controls per VPC (mode, enabled exclusions, CIDRs), the input
 * of alert classification. `boundary-policy.schema.json` is the contract; this module holds the
 * matching types and the validator, whose errors name the JSON path of every bad value.
 */
import AjvModule, { type ErrorObject } from 'ajv';
import { parseCidr } from '../functions/core/policy/cidr.js';
import schema from './boundary-policy.schema.json' with { type: 'json' };

/**
 * `ResourceExclusions` names of the EC2 API. The first eight are the documented exclusions; the
 * SDK model (client-ec2 3.1169.0) also carries GlobalAccelerator and ApiGatewayV2, so a synced
 * policy may contain them.
 */
export const EXCLUSION_NAMES = [
  'InternetGateway', 'EgressOnlyInternetGateway', 'NatGateway', 'VirtualPrivateGateway', 'VpcPeering',
  'Lambda', 'VpcLattice', 'ElasticFileSystem', 'GlobalAccelerator', 'ApiGatewayV2',
] as const;
export type ExclusionName = (typeof EXCLUSION_NAMES)[number];

export type ControlMode = 'enforce' | 'monitor';

export interface BoundaryVpc {
  readonly mode: ControlMode;
  /** Exclusions in state `enabled` (enabling/disabling ones are left out on purpose). */
  readonly exclusions?: readonly ExclusionName[];
  readonly cidrs?: readonly string[];
  readonly accountId?: string;
  readonly region?: string;
  readonly name?: string;
  readonly state?: string;
  readonly excludedInterfaces?: readonly string[];
  /** The sync could not read this VPC's account and region: the entry is the state read at this time. */
  readonly staleSince?: string;
}

/** What one sync read of one account in one region (the `accounts` list of a synced policy). */
export interface SyncedAccount {
  readonly accountId: string;
  readonly region: string;
  readonly status: 'ok' | 'failed';
  readonly lastSuccessAt?: string;
  readonly failedSince?: string;
  readonly error?: string;
}

export interface BoundaryPolicy {
  readonly generatedAt?: string;
  readonly source?: string;
  readonly accounts?: readonly SyncedAccount[];
  readonly vpcs: Readonly<Record<string, BoundaryVpc>>;
}

export interface PolicyProblem {
  /** JSON pointer of the bad value (`/vpcs/vpc-0abc/exclusions/1`); `/` for the document itself. */
  readonly path: string;
  readonly message: string;
}

export class BoundaryPolicyError extends Error {
  constructor(readonly source: string, readonly problems: readonly PolicyProblem[]) {
    super(`invalid boundary policy ${source}:\n` + problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'));
    this.name = 'BoundaryPolicyError';
  }
}

const Ajv = AjvModule.default;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** Parses and validates a policy document; throws BoundaryPolicyError listing every problem. */
export function parseBoundaryPolicy(text: string, source = 'boundary policy'): BoundaryPolicy {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new BoundaryPolicyError(source, [{ path: '/', message: `not JSON: ${(err as Error).message}` }]);
  }
  return validateBoundaryPolicy(document, source);
}

export function validateBoundaryPolicy(document: unknown, source = 'boundary policy'): BoundaryPolicy {
  const problems = validate(document)
    ? cidrProblems(document as unknown as BoundaryPolicy)
    : describe(validate.errors ?? []);
  if (problems.length > 0) throw new BoundaryPolicyError(source, problems);
  return document as BoundaryPolicy;
}

function cidrProblems(policy: BoundaryPolicy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const [vpcId, vpc] of Object.entries(policy.vpcs)) {
    vpc.cidrs?.forEach((cidr, i) => {
      try {
        parseCidr(cidr);
      } catch (err) {
        problems.push({ path: `/vpcs/${vpcId}/cidrs/${i}`, message: (err as Error).message });
      }
    });
  }
  return problems;
}

function describe(errors: readonly ErrorObject[]): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const e of errors) {
    // propertyNames reports twice (the name, then the object); the first is the useful one.
    if (e.keyword === 'propertyNames') continue;
    const path = e.instancePath || '/';
    const params = e.params as Record<string, unknown>;
    let message = e.message ?? e.keyword;
    if (e.keyword === 'enum') message += `: ${(params.allowedValues as unknown[]).join(', ')}`;
    if (e.keyword === 'additionalProperties') message = `unknown property "${String(params.additionalProperty)}"`;
    if (e.keyword === 'pattern' && e.propertyName !== undefined) {
      problems.push({ path: `${path === '/' ? '' : path}/${e.propertyName}`, message: `key must match ${String(params.pattern)}` });
      continue;
    }
    problems.push({ path, message });
  }
  return problems;
}
