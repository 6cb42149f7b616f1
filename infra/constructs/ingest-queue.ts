import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface IngestQueueProps {
  /** Timeout of the consuming function, seconds: the visibility timeout is 6× it plus the batch window. */
  readonly consumerTimeoutSeconds: number;
  readonly batchWindowSeconds: number;
  /** Receives before a message is moved to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/**
 * The queue between S3 notifications and the ingest function, with its dead-letter queue and
 * an alarm on DLQ depth. Visibility timeout ≥ 6 × the function timeout (+ batching window), as
 * Lambda's SQS guidance asks, so a message is never redelivered while a slow invocation still
 * works on it. SSE-SQS (S3 notifications can publish to it without a key policy) and TLS-only.
 */
export class IngestQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly dlqDepthAlarm: cloudwatch.Alarm;
  /** Receives before the dead-letter queue; the consumer quarantines an object on its last one. */
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: IngestQueueProps) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledge(
      this.deadLetterQueue,
      'This queue is the dead-letter queue of the ingest queue; its depth is alarmed.',
      'AwsSolutions-SQS3',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(props.consumerTimeoutSeconds * 6 + props.batchWindowSeconds),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
    this.dlqDepthAlarm = new cloudwatch.Alarm(this, 'DlqDepthAlarm', {
      alarmDescription:
        'Flow-log notifications failed ingest repeatedly and sit in the dead-letter queue. ' +
        'Read the ingest logs for the object keys, fix the cause, then redrive the DLQ.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
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
