import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

/** Key prefix of the trail's log files in its bucket. */
const TRAIL_PREFIX = 'cloudtrail';

export interface PolicyWriteWatchProps {
  /** The bucket and key of the boundary policy. */
  readonly bucket: s3.IBucket;
  readonly key: string;
  /** The only role meant to write it (a fixed name, so its sessions' ARN is known). */
  readonly writerRoleName: string;
  /** Where the trail delivers its log files (under `cloudtrail/`). */
  readonly trailBucket: s3.IBucket;
}

/**
 * Makes any write to the boundary policy by another principal visible, attempts the bucket
 * policy denies included. S3 events carry the requester's account, not its role, so the
 * principal comes from CloudTrail: a trail logs the write data events of that one key
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html),
 * CloudTrail hands them to EventBridge, and a rule keeps the ones whose caller is not a session
 * of the writer role. They wait in an audit queue (the evidence: who, from where, allowed or
 * denied) whose depth is alarmed until someone has read and removed them.
 */
export class PolicyWriteWatch extends Construct {
  readonly trail: cloudtrail.CfnTrail;
  readonly rule: events.Rule;
  readonly auditQueue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PolicyWriteWatchProps) {
    super(scope, id);
    // Delivery into the trail bucket, for trails of this account only (confused-deputy guard):
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    const trailsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudtrail:${Aws.REGION}:${Aws.ACCOUNT_ID}:trail/*` },
    };
    const principal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const bucketPolicy = [
      new iam.PolicyStatement({
        sid: 'CloudTrailAclCheck',
        principals: [principal],
        actions: ['s3:GetBucketAcl'],
        resources: [props.trailBucket.bucketArn],
        conditions: trailsOfThisAccount,
      }),
      new iam.PolicyStatement({
        sid: 'CloudTrailWrite',
        principals: [principal],
        actions: ['s3:PutObject'],
        resources: [props.trailBucket.arnForObjects(`${TRAIL_PREFIX}/AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: {
          ...trailsOfThisAccount,
          StringEquals: { ...trailsOfThisAccount.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      }),
    ];
    for (const statement of bucketPolicy) props.trailBucket.addToResourcePolicy(statement);
    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      isLogging: true,
      s3BucketName: props.trailBucket.bucketName,
      s3KeyPrefix: TRAIL_PREFIX,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      enableLogFileValidation: true,
      // Write data events of the one key only: an organisation trail already records management events.
      eventSelectors: [
        {
          readWriteType: 'WriteOnly',
          includeManagementEvents: false,
          dataResources: [{ type: 'AWS::S3::Object', values: [props.bucket.arnForObjects(props.key)] }],
        },
      ],
    });
    // CloudTrail checks the bucket policy when the trail is created.
    if (props.trailBucket.policy) this.trail.node.addDependency(props.trailBucket.policy);

    this.auditQueue = new sqs.Queue(this, 'AuditQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(
      this.auditQueue,
      'An evidence queue nobody consumes automatically: a person reads and deletes its ' +
        'messages; its depth is alarmed, so nothing is dead-lettered.',
      'AwsSolutions-SQS3',
    );
    this.rule = new events.Rule(this, 'ForeignWriteRule', {
      description: 'ciphertrail: the boundary policy was written or deleted by a principal other than the sync role',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          readOnly: [false],
          resources: { ARN: [props.bucket.arnForObjects(props.key)] },
          userIdentity: {
            arn: [
              {
                'anything-but': {
                  prefix: `arn:${Aws.PARTITION}:sts::${Aws.ACCOUNT_ID}:assumed-role/${props.writerRoleName}/`,
                },
              },
            ],
          },
        },
      },
      targets: [new targets.SqsQueue(this.auditQueue)],
    });
    this.alarm = new cloudwatch.Alarm(this, 'ForeignWriteAlarm', {
      alarmDescription:
        'The boundary policy (who gets paged) was written, deleted or attempted by a principal other ' +
        'than the sync role. The audit queue holds each CloudTrail event (userIdentity, sourceIPAddress, errorCode); ' +
        "compare the object's versions, then delete the messages to clear the alarm.",
      metric: this.auditQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
