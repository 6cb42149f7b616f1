import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BoundaryPolicyError, parseBoundaryPolicy } from '../../functions/core/policy/policy-document.js';

const SAMPLE = readFileSync(new URL('../../samples/boundaries.json', import.meta.url), 'utf8');

function problems(document: unknown): { path: string; message: string }[] {
  try {
    parseBoundaryPolicy(typeof document === 'string' ? document : JSON.stringify(document), 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(BoundaryPolicyError);
    return [...(err as BoundaryPolicyError).problems];
  }
  return [];
}

const vpc = (fields: Record<string, unknown>) => ({
  vpcs: { 'vpc-0e1f2a3b4c5d6e7f8': { mode: 'enforce', ...fields } },
});

describe('boundary policy validation', () => {
  it('accepts the bundled sample policy', () => {
    const policy = parseBoundaryPolicy(SAMPLE, 'samples/boundaries.json');
    expect(
      Object.values(policy.vpcs)
        .map((v) => v.mode)
        .sort(),
    ).toEqual(['enforce', 'enforce', 'monitor']);
  });

  it('names the JSON path of every bad value', () => {
    expect(problems(vpc({ mode: 'enforced' }))).toEqual([
      {
        path: '/vpcs/vpc-0e1f2a3b4c5d6e7f8/mode',
        message: 'must be equal to one of the allowed values: enforce, monitor',
      },
    ]);
    expect(problems(vpc({ exclusions: ['InternetGateway', 'Nat'] }))[0]).toMatchObject({
      path: '/vpcs/vpc-0e1f2a3b4c5d6e7f8/exclusions/1',
      message: expect.stringContaining('NatGateway'),
    });
    expect(problems(vpc({ cidrs: ['10.1.0.0/16', '10.1.0.0/40'] }))).toEqual([
      {
        path: '/vpcs/vpc-0e1f2a3b4c5d6e7f8/cidrs/1',
        message: '"10.1.0.0/40" is not a CIDR block (prefix must be 0–32)',
      },
    ]);
    expect(problems(vpc({ accountId: '1111' }))[0]!.path).toBe('/vpcs/vpc-0e1f2a3b4c5d6e7f8/accountId');
    expect(problems(vpc({ excludedInterfaces: ['i-0123456789abcdef0'] }))[0]!.path).toBe(
      '/vpcs/vpc-0e1f2a3b4c5d6e7f8/excludedInterfaces/0',
    );
  });

  it('reports unknown properties, bad VPC ids, a missing mode and non-JSON', () => {
    expect(problems(vpc({ exclusion: ['VpcPeering'] }))).toEqual([
      { path: '/vpcs/vpc-0e1f2a3b4c5d6e7f8', message: 'unknown property "exclusion"' },
    ]);
    expect(problems({ vpcs: { 'vpc-XYZ': { mode: 'monitor' } } })).toEqual([
      { path: '/vpcs/vpc-XYZ', message: 'key must match ^vpc-[0-9a-f]{8,17}$' },
    ]);
    expect(problems({ vpcs: { 'vpc-0e1f2a3b4c5d6e7f8': {} } })).toEqual([
      { path: '/vpcs/vpc-0e1f2a3b4c5d6e7f8', message: "must have required property 'mode'" },
    ]);
    expect(problems({ vpc: {} }).map((p) => p.message)).toEqual([
      "must have required property 'vpcs'",
      'unknown property "vpc"',
    ]);
    expect(problems('{"vpcs": ')[0]).toMatchObject({ path: '/', message: expect.stringMatching(/^not JSON/) });
  });

  it('lists every problem at once, with the source in the message', () => {
    let error: BoundaryPolicyError | undefined;
    try {
      parseBoundaryPolicy(JSON.stringify(vpc({ mode: 'x', cidrs: 'no' })), 'policy.json');
    } catch (err) {
      error = err as BoundaryPolicyError;
    }
    expect(error?.problems).toHaveLength(2);
    expect(error?.message).toMatch(/^invalid boundary policy policy\.json:\n {2}\/vpcs\/vpc-0e1f2a3b4c5d6e7f8\/mode: /);
  });
});
