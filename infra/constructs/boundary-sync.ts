import { Annotations, Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { METRICS } from '../defaults.js';
import { acknowledge } from '../nag.js';
import type { Alerting } from './alerting.js';
import { HandlerFunction } from './handler-function.js';

/** The EC2 read actions the sync calls, in the sync role and in every member role: exactly these. */
export const BOUNDARY_READ_ACTIONS = [
  'ec2:DescribeAccountVpcEncryptionControl',
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeTransitGateways',
  'ec2:DescribeVpcEncryptionControls',
  'ec2:DescribeVpcs',
  'ec2:GetVpcResourcesBlockingEncryptionEnforcement',
] as const;

/** SSM's limit on a standard-tier parameter value, bytes; an advanced parameter holds 8 KB. */
const STANDARD_PARAMETER_LIMIT = 4096;

export interface BoundarySyncProps {
  /** The policy file: `s3://bucket/key`, its bucket and key. */
  readonly policyUri: string;
  readonly policyBucket: s3.IBucket;
  readonly policyKey: string;
  /** Where member accounts come from: the SSM parameter of `memberAccountIds`, or AWS Organizations. */
  readonly memberAccountsSource: 'parameter' | 'organizations';
  readonly memberAccountIds: readonly string[];
  readonly memberAccountsParameterName: string;
  readonly memberRoleName: string;
  readonly syncRoleName: string;
  readonly organizationId?: string;
  /** Regions to describe; none means the deployment region. */
  readonly regions: readonly string[];
  /** EventBridge schedule expression, e.g. `rate(1 hour)`. */
  readonly schedule: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
  /** Failed control states (enforce-failed, monitor-failed) page through the alert topic and dedup table. */
  readonly alerting?: Alerting;
}

/**
 * Keeps the boundary policy file current: a scheduled function with a fixed role name that reads
 * VPC Encryption Controls, VPC CIDRs and excluded interfaces in its own account and, through the
 * role `memberRoleName` in each, every member account; listed in an SSM parameter (written from
 * `memberAccountIds`) or by AWS Organizations. It writes the policy file, the only principal
 * allowed to (CuratedBucket.restrictWriters).
 */
export class BoundarySync extends Construct {
  readonly handler: HandlerFunction;
  readonly rule: events.Rule;
  /** Runs the sync once when the stack is deployed, so ingest never waits a schedule period for a first policy. */
  readonly initialSync: triggers.Trigger;
  readonly memberAccountsParameter?: ssm.StringListParameter;

  constructor(scope: Construct, id: string, props: BoundarySyncProps) {
    super(scope, id);
    let membersSource = 'none';
    if (props.memberAccountsSource === 'organizations') {
      membersSource = 'organizations';
    } else if (props.memberAccountIds.length > 0) {
      const bytes = props.memberAccountIds.join(',').length;
      this.memberAccountsParameter = new ssm.StringListParameter(this, 'MemberAccounts', {
        parameterName: props.memberAccountsParameterName,
        stringListValue: [...props.memberAccountIds],
        description: 'ciphertrail: member accounts the boundary sync reads (from the memberAccountIds context value)',
        tier: bytes > STANDARD_PARAMETER_LIMIT ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
      });
      membersSource = `ssm:${props.memberAccountsParameterName}`;
    }
    this.handler = new HandlerFunction(this, 'Sync', {
      entry: 'functions/handlers/sync-boundaries.ts',
      description: 'ciphertrail: rebuild the boundary policy from VPC Encryption Controls',
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      serviceName: METRICS.syncService,
      logRetentionDays: props.logRetentionDays,
      roleName: props.syncRoleName,
      environment: {
        POLICY_S3_URI: props.policyUri,
        MEMBER_ACCOUNTS_SOURCE: membersSource,
        MEMBER_ROLE_NAME: props.memberRoleName,
        SYNC_REGIONS: props.regions.length > 0 ? props.regions.join(',') : Aws.REGION,
        ...(props.alerting ? props.alerting.environment : {}),
      },
    });
    const role = this.handler.role;
    props.alerting?.grantAlerting(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeEncryptionControls',
        actions: [...BOUNDARY_READ_ACTIONS],
        resources: ['*'],
      }),
    );
    if (membersSource !== 'none') {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeMemberRoles',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${Aws.PARTITION}:iam::*:role/${props.memberRoleName}`],
          ...(props.organizationId
            ? { conditions: { StringEquals: { 'aws:ResourceOrgID': props.organizationId } } }
            : {}),
        }),
      );
      acknowledge(
        role,
        'Member accounts are listed at run time (SSM parameter or AWS Organizations); every one has the ' +
          `read-only role of the fixed name ${props.memberRoleName}, and only that role may be assumed.`,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${props.memberRoleName}]`,
      );
    }
    if (this.memberAccountsParameter) this.memberAccountsParameter.grantRead(role);
    if (membersSource === 'organizations') {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ListMemberAccounts',
          actions: ['organizations:ListAccounts'],
          resources: ['*'],
        }),
      );
    }
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteBoundaryPolicy',
        actions: ['s3:PutObject'],
        resources: [props.policyBucket.arnForObjects(props.policyKey)],
      }),
    );
    // The policy written last time is the state an account that fails now keeps.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadLastBoundaryPolicy',
        actions: ['s3:GetObject'],
        resources: [props.policyBucket.arnForObjects(props.policyKey)],
      }),
    );
    // Without ListBucket S3 answers GetObject of the missing key of a first run with 403, not 404.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListPolicyBucket',
        actions: ['s3:ListBucket'],
        resources: [props.policyBucket.bucketArn],
      }),
    );
    acknowledge(
      role,
      'The EC2 read actions of the sync (Describe* and GetVpcResourcesBlockingEncryptionEnforcement) and ' +
        'Organizations ListAccounts support no resource-level permissions.',
      'AwsSolutions-IAM5[Resource::*]',
    );

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'ciphertrail: refresh the boundary policy',
      schedule: events.Schedule.expression(props.schedule),
      targets: [
        new targets.LambdaFunction(this.handler.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      ],
    });
    this.initialSync = new triggers.Trigger(this, 'InitialSync', {
      handler: this.handler.function,
      invocationType: triggers.InvocationType.EVENT,
      executeOnHandlerChange: true,
    });
    Annotations.of(this.handler.function).acknowledgeWarning(
      '@aws-cdk/aws-lambda:addPermissionsToVersionOrAlias',
      'The trigger invokes the current version it is granted on; nothing invokes the function with another qualifier.',
    );
  }
}
