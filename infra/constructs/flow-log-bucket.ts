import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface FlowLogBucketProps {
  /** Import this existing log-archive bucket instead of creating one. */
  readonly existingBucketName?: string;
  /** Accounts whose VPC flow logs deliver here (the deploying account is always allowed). */
  readonly memberAccountIds: readonly string[];
  /** Folder in front of `AWSLogs/` ('' or ending in '/'). */
  readonly prefix: string;
  readonly accessLogs: s3.IBucket;
  readonly infrequentAccessDays: number;
  readonly glacierDays: number;
  readonly expirationDays: number;
}

/** Suffixes of flow-log objects: text (`.log.gz`) and Parquet delivery (`.parquet`). */
export const FLOW_LOG_SUFFIXES = ['.log.gz', '.parquet'] as const;

/** S3's limit on a bucket policy, bytes. */
const BUCKET_POLICY_LIMIT = 20 * 1024;

/**
 * The bucket VPC Flow Logs deliver to, created here or imported by name. A created bucket gets
 * the log-delivery policy for the member accounts (`delivery.logs.amazonaws.com`, conditioned
 * on source account and source ARN), TLS-only access, SSE-S3, no public access, and a
 * lifecycle for the raw logs. An imported bucket keeps its owner's policy (docs/deployment.md).
 */
export class FlowLogBucket extends Construct {
  readonly bucket: s3.IBucket;
  readonly imported: boolean;
  /** Key prefix every delivered flow-log object starts with. */
  readonly logsPrefix: string;

  constructor(scope: Construct, id: string, props: FlowLogBucketProps) {
    super(scope, id);
    this.logsPrefix = `${props.prefix}AWSLogs/`;
    this.imported = props.existingBucketName !== undefined;
    if (props.existingBucketName !== undefined) {
      this.bucket = s3.Bucket.fromBucketName(this, 'Imported', props.existingBucketName);
      return;
    }
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'flow-logs/',
      lifecycleRules: [{
        id: 'raw-flow-logs',
        prefix: this.logsPrefix,
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.infrequentAccessDays) },
          { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(props.glacierDays) },
        ],
        expiration: Duration.days(props.expirationDays),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
    });
    for (const statement of logDeliveryStatements(bucket.bucketArn, this.logsPrefix, props.memberAccountIds)) {
      bucket.addToResourcePolicy(statement);
    }
    this.bucket = bucket;
  }

  /** Sends ObjectCreated notifications of flow-log objects (both suffixes) to the queue. */
  notify(queue: sqs.IQueue): void {
    const destination = new s3n.SqsDestination(queue);
    for (const suffix of FLOW_LOG_SUFFIXES) {
      this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix: this.logsPrefix, suffix });
    }
    // The notifications custom resource is a CDK singleton Lambda at stack level, under this fixed ID.
    const handler = Stack.of(this).node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (handler) {
      acknowledge(handler, 'CDK-provided handler of the bucket-notification custom resource; it only needs basic ' +
        'execution logging, which this AWS managed policy grants.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]');
    }
  }
}

/**
 * The two statements of the AWS log-delivery bucket policy (aws-formats §2.2), for the
 * deploying account plus the members: PutObject under each account's `AWSLogs/<account>/`
 * (plain and Hive-style layout) with `bucket-owner-full-control`, and GetBucketAcl.
 */
export function logDeliveryStatements(bucketArn: string, logsPrefix: string, members: readonly string[]): iam.PolicyStatement[] {
  const accounts = [Aws.ACCOUNT_ID, ...members];
  assertPolicyFits(logsPrefix, members);
  const principal = new iam.ServicePrincipal('delivery.logs.amazonaws.com');
  const source = {
    StringEquals: { 'aws:SourceAccount': accounts },
    ArnLike: { 'aws:SourceArn': accounts.map((a) => `arn:${Aws.PARTITION}:logs:*:${a}:*`) },
  };
  return [
    new iam.PolicyStatement({
      sid: 'AWSLogDeliveryWrite',
      principals: [principal],
      actions: ['s3:PutObject'],
      resources: accounts.flatMap((a) => [
        `${bucketArn}/${logsPrefix}${a}/*`,
        `${bucketArn}/${logsPrefix}aws-account-id=${a}/*`,
      ]),
      conditions: { ...source, StringEquals: { ...source.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }),
    new iam.PolicyStatement({
      sid: 'AWSLogDeliveryAclCheck',
      principals: [principal],
      actions: ['s3:GetBucketAcl'],
      resources: [bucketArn],
      conditions: source,
    }),
  ];
}

/** Early error when the member list would push the bucket policy past S3's 20 KB. */
function assertPolicyFits(logsPrefix: string, members: readonly string[]): void {
  const arn = `arn:aws:s3:::${'b'.repeat(63)}`;
  const accounts = ['123456789012', ...members];
  const perAccount = accounts.map((a) =>
    `"${arn}/${logsPrefix}${a}/*","${arn}/${logsPrefix}aws-account-id=${a}/*","${a}","${a}","arn:aws:logs:*:${a}:*","arn:aws:logs:*:${a}:*",`,
  ).join('');
  const estimate = perAccount.length + 1500; // statements, TLS deny and server-access-log statements
  if (estimate > BUCKET_POLICY_LIMIT) {
    throw new Error(`FlowLogBucket: ${members.length} member accounts make a bucket policy of about ${estimate} bytes, ` +
      `over S3's ${BUCKET_POLICY_LIMIT}. Import an existing bucket (context flowLogBucketName) whose policy ` +
      'allows delivery.logs.amazonaws.com by organization (aws:SourceOrgID), or split the accounts across deployments.');
  }
}
