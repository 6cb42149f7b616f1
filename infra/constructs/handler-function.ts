import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS } from '../defaults.js';
import { acknowledge } from '../nag.js';

/** Repository root: handler entries, the lockfile and node_modules are resolved from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Node.js 22, not 20: Lambda deprecated nodejs20.x on 2026-04-30 and then blocks creating
 * functions on it; nodejs22.x is supported until 2027-04-30 and is the nearest runtime to the
 * Node 20 the code is developed and tested on (no syntax or API the code uses differs).
 */
const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;
const BUNDLE_TARGET = 'node22';

/** ESM bundles of CommonJS dependencies need `require`, `__filename` and `__dirname` in scope. */
const ESM_BANNER =
  "import { createRequire as __ctRequire } from 'node:module';" +
  "import { fileURLToPath as __ctPath } from 'node:url';" +
  "import { dirname as __ctDir } from 'node:path';" +
  'const require = __ctRequire(import.meta.url);' +
  'const __filename = __ctPath(import.meta.url);' +
  'const __dirname = __ctDir(__filename);';

/** Modules never bundled into a Lambda: DuckDB is the CLI's query engine (native, 68 MB). */
const LAMBDA_EXCLUDED_MODULES = ['@duckdb/node-api', '@duckdb/node-bindings'];

export interface HandlerFunctionProps {
  /** Handler entry, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, string>;
  /** Powertools service name: the `service` dimension of the function's EMF metrics. */
  readonly serviceName: string;
  readonly logRetentionDays: number;
  readonly reservedConcurrency?: number;
  /** A fixed role name, for a role other accounts' policies name (the boundary sync); CloudFormation's otherwise. */
  readonly roleName?: string;
}

/**
 * One handler as a Lambda: arm64, Node 22, ESM bundle built by the local esbuild (no Docker),
 * its own log group with retention, and its own role that can only write that log group.
 * Each concern grants the role what it needs on its own resources.
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const entry = join(REPO_ROOT, props.entry);
    if (!existsSync(entry)) {
      throw new Error(
        `${id}: handler entry ${props.entry} does not exist. Create it (it must export "handler") ` +
          'or correct the path given in infra/constructs/.',
      );
    }
    // Kept when the stack is deleted: the logs name every object that failed and every alert raised.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
      ...(props.roleName ? { roleName: props.roleName } : {}),
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Pinned SDK versions from package-lock.json, not whatever the runtime ships.
        bundleAwsSDK: true,
        externalModules: LAMBDA_EXCLUDED_MODULES,
        banner: ESM_BANNER,
      },
    });
    acknowledge(
      this.function,
      'nodejs22.x on purpose: the supported runtime nearest the Node 20 the code is tested on ' +
        '(see LAMBDA_RUNTIME).',
      'AwsSolutions-L1',
    );
  }
}
