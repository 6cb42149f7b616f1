import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createCiphertrailApp } from '../../infra/ciphertrail-app.js';
import type { CiphertrailStack } from '../../infra/ciphertrail-stack.js';
import type { MemberRoleStack } from '../../infra/member-role-stack.js';

export interface Synthesized {
  readonly stack: CiphertrailStack;
  readonly template: Template;
  /** Unacknowledged cdk-nag AwsSolutions findings: "<rule> at <construct path>". */
  readonly nagFindings: string[];
  /** The member-account stack (the StackSet template) of the same app. */
  readonly memberStack: MemberRoleStack;
  readonly memberTemplate: Template;
  readonly memberNagFindings: string[];
}

/** Synthesizes the app without bundling (esbuild is slow and the templates under test do not depend on the bundle) and runs the AwsSolutions pack on both stacks. */
export function synthesize(context: Record<string, unknown>): Synthesized {
  const { stack, memberStack } = createCiphertrailApp({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const findings = (scope: CiphertrailStack | MemberRoleStack) =>
    new AwsSolutionsChecks()
      .validateScope(scope)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
  return {
    stack,
    template: Template.fromStack(stack),
    nagFindings: findings(stack),
    memberStack,
    memberTemplate: Template.fromStack(memberStack),
    memberNagFindings: findings(memberStack),
  };
}

/** Statements of every IAM policy attached to the role with this logical ID. */
export function roleStatements(template: Template, roleLogicalId: string): Array<Record<string, any>> {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) =>
      (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })),
    )
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
}

/** The logical ID of the only resource of a type whose properties contain `needle` (JSON text). */
export function logicalIdOf(template: Template, type: string, needle: string): string {
  const ids = Object.entries(template.findResources(type))
    .filter(([, r]) => JSON.stringify(r).includes(needle))
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one ${type} containing ${needle}, found ${ids.length}: ${ids.join(', ')}`);
  return ids[0]!;
}
