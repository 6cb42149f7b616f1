import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge, objectWildcardFinding } from '../nag.js';
import type { IngestQueue } from './ingest-queue.js';

export interface FlowLogBucketProps {
  /** Import this existing log-archive bucket instead of creating one. */
  readonly existingBucketName?: string;
  /** An imported bucket's SNS topic of ObjectCreated notifications (instead of EventBridge). */
  readonly existingTopicArn?: string;
  /** The KMS key an imported bucket encrypts objects with (SSE-KMS). */
  readonly existingKeyArn?: string;
  /** Accounts whose VPC flow logs deliver here (the deploying account is always allowed). */
  readonly memberAccountIds: readonly string[];
  /** Folder in front of `AWSLogs/` ('' or ending in '/'). */
  readonly prefix: string;
  readonly accessLogs: s3.IBucket;
  readonly infrequentAccessDays: number;
  readonly glacierDays: number;
  readonly expirationDays: number;
  /** Object Lock (governance) retention of every raw object, days. */
  readonly lockDays: number;
  readonly noncurrentExpirationDays: number;
}

/** Suffixes of flow-log objects: text (`.log.gz`) and Parquet delivery (`.parquet`). */
const FLOW_LOG_SUFFIXES = ['.log.gz', '.parquet'] as const;

/** S3's limit on a bucket policy, bytes. */
const BUCKET_POLICY_LIMIT = 20 * 1024;

/**
 * The key shapes VPC Flow Logs write under `<prefix>AWSLogs/` for one account (`*` for any):
 * `AWSLogs/<account>/vpcflowlogs/...` and, with Hive-compatible prefixes,
 * `AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/...`
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html). In a shared
 * log-archive bucket, everything else under `AWSLogs/` (CloudTrail, Config, other vended logs)
 * stays out of reach.
 */
function flowLogKeyPatterns(logsPrefix: string, account = '*'): [string, string] {
  return [`${logsPrefix}${account}/vpcflowlogs/*`, `${logsPrefix}aws-account-id=${account}/aws-service=vpcflowlogs/*`];
}

/**
 * The bucket VPC Flow Logs deliver to, created here or imported by name.
 *
 * A created bucket gets the log-delivery policy for the member accounts (`delivery.logs.amazonaws.com`,
 * conditioned on source account and source ARN, writes confined to the flow-log key shapes),
 * TLS-only access, SSE-S3, no public access, versioning with S3 Object Lock in governance mode
 * (raw flow logs are audit evidence), a lifecycle, and S3 notifications straight to the queue.
 *
 * An imported bucket is never written to by this stack: not its policy, not its notification
 * configuration (a bucket has one, shared by every owner; CDK's notification custom resource
 * rewrites it). Its events arrive through EventBridge (enabled on the bucket by its owner) or an
 * SNS topic the owner already publishes to.
 */
export class FlowLogBucket extends Construct {
  readonly bucket: s3.IBucket;
  readonly imported: boolean;
  /** Key prefix every delivered flow-log object starts with. */
  readonly logsPrefix: string;
  /** Set when events come through EventBridge: the rule that forwards flow-log ObjectCreated events. */
  eventRule?: events.Rule;
  private readonly topicArn?: string;
  private readonly keyArn?: string;

  constructor(scope: Construct, id: string, props: FlowLogBucketProps) {
    super(scope, id);
    this.logsPrefix = `${props.prefix}AWSLogs/`;
    this.imported = props.existingBucketName !== undefined;
    this.topicArn = props.existingTopicArn;
    this.keyArn = props.existingKeyArn;
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
      // Governance mode: no one overwrites or deletes a raw log before its retention ends, except a
      // principal explicitly granted s3:BypassGovernanceRetention (break-glass, logged in CloudTrail).
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(props.lockDays)),
      lifecycleRules: [
        {
          id: 'raw-flow-logs',
          prefix: this.logsPrefix,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(props.infrequentAccessDays),
            },
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(props.glacierDays),
            },
          ],
          expiration: Duration.days(props.expirationDays),
          noncurrentVersionExpiration: Duration.days(props.noncurrentExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: 'expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
    for (const statement of logDeliveryStatements(bucket.bucketArn, this.logsPrefix, props.memberAccountIds)) {
      bucket.addToResourcePolicy(statement);
    }
    this.bucket = bucket;
  }

  /**
   * Delivers the ObjectCreated events of flow-log objects to the ingest queue: S3 notifications
   * for a created bucket, else the owner's SNS topic, else an EventBridge rule.
   */
  deliverTo(queue: IngestQueue): void {
    if (!this.imported) {
      const destination = new ThisAccountQueueDestination(queue.queue);
      for (const suffix of FLOW_LOG_SUFFIXES) {
        this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix: this.logsPrefix, suffix });
      }
      // The notifications custom resource is a CDK singleton Lambda at stack level, under this fixed ID.
      const handler = Stack.of(this).node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
      if (handler) {
        acknowledge(
          handler,
          'CDK-provided handler of the bucket-notification custom resource; it only needs basic ' +
            'execution logging, which this AWS managed policy grants.',
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        );
      }
      return;
    }
    if (this.topicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'NotificationTopic', this.topicArn);
      topic.addSubscription(new subscriptions.SqsSubscription(queue.queue, { deadLetterQueue: queue.deadLetterQueue }));
      return;
    }
    // Wildcards for both key shapes and both suffixes. The Hive shape matches `=` in either form,
    // since whether EventBridge URL-encodes keys is not documented.
    const keys = FLOW_LOG_SUFFIXES.flatMap((suffix) => [
      `${this.logsPrefix}*/vpcflowlogs/*${suffix}`,
      `${this.logsPrefix}aws-account-id*/aws-service*vpcflowlogs/*${suffix}`,
    ]).map((wildcard) => ({ wildcard }));
    this.eventRule = new events.Rule(this, 'ObjectCreatedRule', {
      description: `ciphertrail: flow-log objects created in ${this.bucket.bucketName} -> ingest queue`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: keys } },
      },
      targets: [
        new targets.SqsQueue(queue.queue, {
          deadLetterQueue: queue.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }

  /** Read access to the flow-log objects only (both key shapes), and decryption with an imported bucket's key. */
  grantRead(role: iam.Role): void {
    const patterns = flowLogKeyPatterns(this.logsPrefix);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadFlowLogObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: patterns.map((p) => this.bucket.arnForObjects(p)),
      }),
    );
    if (this.keyArn) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptFlowLogObjects',
          actions: ['kms:Decrypt'],
          resources: [this.keyArn],
          // Only as S3 decrypts objects for this role, not for direct use of the key.
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    acknowledge(
      role,
      'Flow-log object keys carry account, region, date and flow-log id; reads are confined to the ' +
        'two flow-log key shapes under AWSLogs/ (plain and Hive), never CloudTrail or Config logs beside them.',
      ...patterns.map((p) => objectWildcardFinding(this.bucket, p)),
    );
  }
}

/**
 * S3 → SQS destination whose queue-policy grant names both the bucket (`aws:SourceArn`) and
 * this account (`aws:SourceAccount`): bucket names are global, so the account pins the owner.
 */
class ThisAccountQueueDestination implements s3.IBucketNotificationDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, bucket: s3.IBucketRef): s3.BucketNotificationDestinationConfig {
    this.queue.grantSendMessages(
      new iam.ServicePrincipal('s3.amazonaws.com', {
        conditions: {
          ArnLike: { 'aws:SourceArn': bucket.bucketRef.bucketArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    return { arn: this.queue.queueArn, type: s3.BucketNotificationDestinationType.QUEUE, dependencies: [this.queue] };
  }
}

/**
 * The statements of the AWS log-delivery bucket policy
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html), for the
 * deploying account plus the members: PutObject into each account's two flow-log key shapes with
 * `bucket-owner-full-control`, and GetBucketAcl with ListBucket (without ListBucket delivery
 * works but leaves AccessDenied entries in CloudTrail).
 */
function logDeliveryStatements(
  bucketArn: string,
  logsPrefix: string,
  members: readonly string[],
): iam.PolicyStatement[] {
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
      resources: accounts.flatMap((a) => flowLogKeyPatterns(logsPrefix, a).map((p) => `${bucketArn}/${p}`)),
      conditions: { ...source, StringEquals: { ...source.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }),
    new iam.PolicyStatement({
      sid: 'AWSLogDeliveryAclCheck',
      principals: [principal],
      actions: ['s3:GetBucketAcl', 's3:ListBucket'],
      resources: [bucketArn],
      conditions: source,
    }),
  ];
}

/** Early error when the member list would push the bucket policy past S3's 20 KB. */
function assertPolicyFits(logsPrefix: string, members: readonly string[]): void {
  const arn = `arn:aws:s3:::${'b'.repeat(63)}`;
  const accounts = ['123456789012', ...members];
  const perAccount = accounts
    .map(
      (a) =>
        `${flowLogKeyPatterns(logsPrefix, a)
          .map((p) => `"${arn}/${p}",`)
          .join('')}"${a}","${a}","arn:aws:logs:*:${a}:*","arn:aws:logs:*:${a}:*",`,
    )
    .join('');
  const estimate = perAccount.length + 1500; // statements, TLS deny and server-access-log statements
  if (estimate > BUCKET_POLICY_LIMIT) {
    throw new Error(
      `FlowLogBucket: ${members.length} member accounts make a bucket policy of about ${estimate} bytes, ` +
        `over S3's ${BUCKET_POLICY_LIMIT}. Import an existing bucket (context flowLogBucketName) whose policy ` +
        'allows delivery.logs.amazonaws.com by organization (aws:SourceOrgID), or split the accounts across deployments.',
    );
  }
}
