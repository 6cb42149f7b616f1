import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface AlertingProps {
  readonly emails: readonly string[];
  readonly httpsEndpoints: readonly string[];
  /** Where the boundary policy the alert rules read lives (written by the boundary sync). */
  readonly policyBucket: s3.IBucket;
  readonly policyKey: string;
  readonly suppressMinutes: number;
}

/** Key schema of the dedup table (docs/deployment.md is the contract with the alert engine). */
const DEDUP_KEY = { partitionKey: 'pk', ttlAttribute: 'expires_at' } as const;

/**
 * Where alerts go and how they are deduplicated: a customer-managed KMS key (rotated), the
 * alert topic encrypted with it (TLS-only publishing, optional e-mail and HTTPS subscribers),
 * the DynamoDB dedup table (on-demand, TTL, point-in-time recovery), and the location of the
 * boundary policy the rules read.
 */
export class Alerting extends Construct {
  readonly key: kms.Key;
  readonly topic: sns.Topic;
  readonly dedupTable: dynamodb.Table;
  /** `s3://bucket/key` of the boundary policy file. */
  readonly policyUri: string;
  /** ARN of the boundary policy object. */
  readonly policyObjectArn: string;
  private readonly suppressMinutes: number;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.policyUri = `s3://${props.policyBucket.bucketName}/${props.policyKey}`;
    this.policyObjectArn = props.policyBucket.arnForObjects(props.policyKey);
    this.suppressMinutes = props.suppressMinutes;
    this.key = new kms.Key(this, 'Key', {
      description: 'ciphertrail: encrypts the alert and alarm topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'ciphertrail cleartext alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of props.httpsEndpoints) {
      this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }
    this.dedupTable = new dynamodb.Table(this, 'DedupTable', {
      partitionKey: { name: DEDUP_KEY.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: DEDUP_KEY.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /** Environment of a function that raises alerts (docs/deployment.md lists the contract). */
  get environment(): Record<string, string> {
    return {
      POLICY_S3_URI: this.policyUri,
      DEDUP_TABLE: this.dedupTable.tableName,
      ALERT_TOPIC_ARN: this.topic.topicArn,
      SUPPRESS_MINUTES: String(this.suppressMinutes),
    };
  }

  /** What an alerting function needs: read the policy, publish (with the key), write the dedup table. */
  grantAlerting(role: iam.Role): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBoundaryPolicy',
        actions: ['s3:GetObject'],
        resources: [this.policyObjectArn],
      }),
    );
    this.topic.grantPublish(role);
    this.key.grant(role, 'kms:GenerateDataKey*', 'kms:Decrypt');
    this.dedupTable.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    acknowledge(
      role,
      'SNS needs kms:GenerateDataKey* (both variants) on the alert key to publish encrypted messages.',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    );
  }
}
