import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CiphertrailStack } from './ciphertrail-stack.js';
import { resolveConfig } from './config.js';
import { REPO_ROOT } from './constructs/handler-function.js';
import { MemberRoleStack } from './member-role-stack.js';

/** Construct ID (and default CloudFormation stack name) of the stack. */
const STACK_ID = 'Ciphertrail';
/** The member-account stack: its template is what the member-role StackSet deploys. */
const MEMBER_STACK_ID = 'CiphertrailMemberRole';

export interface CiphertrailAppOptions {
  /** Context values over cdk.json's (the CLI's `-c key=value` arrive through the environment too). */
  readonly context?: Record<string, unknown>;
  readonly outdir?: string;
}

export interface CiphertrailApp {
  readonly app: App;
  readonly stack: CiphertrailStack;
  readonly memberStack: MemberRoleStack;
}

/**
 * The app as both `infra/app.ts` and the tests build it: cdk.json's context (feature flags
 * frozen at creation) under the given context, the stack from the resolved configuration, and
 * the cdk-nag AwsSolutions checks as a validation plugin (unacknowledged findings fail synthesis).
 */
export function createCiphertrailApp(options: CiphertrailAppOptions = {}): CiphertrailApp {
  const props: AppProps = {
    context: { ...cdkJsonContext(), ...options.context },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  };
  const app = new App(props);
  const config = resolveConfig((key) => app.node.tryGetContext(key));
  const stack = new CiphertrailStack(app, STACK_ID, {
    config,
    description: 'ciphertrail: VPC flow-log encryption coverage and cleartext alerts (log-archive account)',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  // Environment-agnostic: one template for every member account and region of the StackSet.
  const memberStack = new MemberRoleStack(app, MEMBER_STACK_ID, {
    memberRoleName: config.memberRoleName,
    syncRoleName: config.syncRoleName,
    description: 'ciphertrail: read-only role for the boundary sync (member accounts, deployed as a StackSet)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack, memberStack };
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}
