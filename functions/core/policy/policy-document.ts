/**
 * The boundary policy document: parse, validate against schemas/boundary-policy.schema.json (Ajv,
 * every problem named by its JSON path) plus the CIDR check the schema cannot express, and the
 * one serialisation every writer uses. Pure: the callers read and write the bytes.
 */
import AjvModule, { type ErrorObject } from 'ajv';
import type { BoundaryPolicy } from '../../../schemas/boundary-policy.js';
import schema from '../../../schemas/boundary-policy.schema.json' with { type: 'json' };
import { parseCidr } from './cidr.js';

export interface PolicyProblem {
  /** JSON pointer of the bad value (`/vpcs/vpc-0abc/exclusions/1`); `/` for the document itself. */
  readonly path: string;
  readonly message: string;
}

export class BoundaryPolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly PolicyProblem[],
  ) {
    super(`invalid boundary policy ${source}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
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

/** The bytes of a policy file: pretty-printed JSON and a final newline. */
export function formatBoundaryPolicy(policy: BoundaryPolicy): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
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
      problems.push({
        path: `${path === '/' ? '' : path}/${e.propertyName}`,
        message: `key must match ${String(params.pattern)}`,
      });
      continue;
    }
    problems.push({ path, message });
  }
  return problems;
}
