import { Annotations, Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { METRICS } from '../defaults.js';
import { acknowledge } from '../nag.js';
import { HandlerFunction } from './handler-function.js';

export interface BoundarySyncProps {
  /** The policy file's location: `s3://bucket/key` and the object's ARN. */
  readonly policyUri: string;
  readonly policyObjectArn: string;
  /** Roles in member accounts to assume; none means only the deployment account is described. */
  readonly memberRoleArns: readonly string[];
  /** Regions to describe; none means the deployment region. */
  readonly regions: readonly string[];
  /** EventBridge schedule expression, e.g. `rate(1 hour)`. */
  readonly schedule: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
}

/**
 * Keeps the boundary policy file current: a scheduled function that reads VPC Encryption
 * Controls and VPC CIDRs (in member accounts through their roles) and writes the policy file.
 */
export class BoundarySync extends Construct {
  readonly handler: HandlerFunction;
  readonly rule: events.Rule;
  /** Runs the sync once when the stack is deployed, so ingest never waits a schedule period for a first policy. */
  readonly initialSync: triggers.Trigger;

  constructor(scope: Construct, id: string, props: BoundarySyncProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Sync', {
      entry: 'functions/handlers/sync-boundaries.ts',
      description: 'ciphertrail: rebuild the boundary policy from VPC Encryption Controls',
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      serviceName: METRICS.syncService,
      logRetentionDays: props.logRetentionDays,
      environment: {
        POLICY_S3_URI: props.policyUri,
        MEMBER_ROLE_ARNS: props.memberRoleArns.join(','),
        SYNC_REGIONS: props.regions.length > 0 ? props.regions.join(',') : Aws.REGION,
      },
    });
    const role = this.handler.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DescribeEncryptionControls',
      actions: ['ec2:DescribeVpcEncryptionControls', 'ec2:DescribeVpcs', 'ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
    }));
    if (props.memberRoleArns.length > 0) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'AssumeMemberRoles',
        actions: ['sts:AssumeRole'],
        resources: [...props.memberRoleArns],
      }));
    }
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteBoundaryPolicy',
      actions: ['s3:PutObject'],
      resources: [props.policyObjectArn],
    }));
    acknowledge(role, 'EC2 DescribeVpcs, DescribeVpcEncryptionControls and DescribeNetworkInterfaces support no resource-level permissions.',
      'AwsSolutions-IAM5[Resource::*]');

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'ciphertrail: refresh the boundary policy',
      schedule: events.Schedule.expression(props.schedule),
      targets: [new targets.LambdaFunction(this.handler.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
    this.initialSync = new triggers.Trigger(this, 'InitialSync', {
      handler: this.handler.function,
      invocationType: triggers.InvocationType.EVENT,
      executeOnHandlerChange: true,
    });
    Annotations.of(this.handler.function).acknowledgeWarning('@aws-cdk/aws-lambda:addPermissionsToVersionOrAlias',
      'The trigger invokes the current version it is granted on; nothing invokes the function with another qualifier.');
  }
}
