import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { METRICS } from '../defaults.js';
import { acknowledge, objectWildcardFinding } from '../nag.js';
import type { Alerting } from './alerting.js';
import type { FlowLogBucket } from './flow-log-bucket.js';
import { HandlerFunction } from './handler-function.js';
import type { IngestQueue } from './ingest-queue.js';

export interface IngestPipelineProps {
  readonly flowLogs: FlowLogBucket;
  readonly queue: IngestQueue;
  readonly curatedBucket: s3.IBucket;
  readonly curatedPrefix: string;
  readonly alerting: Alerting;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
  readonly batchSize: number;
  readonly batchWindowSeconds: number;
  readonly windowSeconds: number;
  readonly logRetentionDays: number;
}

/**
 * S3 ObjectCreated → SQS → the ingest function, with partial batch responses. The function may
 * read flow-log objects, write only under the curated prefix (tables and rejects), read the
 * boundary policy, publish alerts and write the dedup table; nothing else.
 */
export class IngestPipeline extends Construct {
  readonly handler: HandlerFunction;

  constructor(scope: Construct, id: string, props: IngestPipelineProps) {
    super(scope, id);
    const curated = props.curatedBucket;
    this.handler = new HandlerFunction(this, 'Ingest', {
      entry: 'functions/handlers/s3-ingest.ts',
      description: 'ciphertrail: ingest flow-log objects into Parquet tables and raise cleartext alerts',
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      reservedConcurrency: props.reservedConcurrency,
      serviceName: METRICS.ingestService,
      logRetentionDays: props.logRetentionDays,
      environment: {
        CURATED_BUCKET: curated.bucketName,
        CURATED_PREFIX: props.curatedPrefix,
        WINDOW_SECONDS: String(props.windowSeconds),
        ...props.alerting.environment,
      },
    });
    const role = this.handler.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadFlowLogObjects',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [props.flowLogs.bucket.arnForObjects(`${props.flowLogs.logsPrefix}*`)],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteCuratedTables',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [curated.arnForObjects(`${props.curatedPrefix}*`)],
    }));
    props.alerting.grantAlerting(role);

    this.handler.function.addEventSource(new SqsEventSource(props.queue.queue, {
      batchSize: props.batchSize,
      maxBatchingWindow: props.batchWindowSeconds > 0 ? Duration.seconds(props.batchWindowSeconds) : undefined,
      reportBatchItemFailures: true,
      // With reserved concurrency, cap the pollers to it so throttled batches do not burn receives.
      maxConcurrency: props.reservedConcurrency,
    }));

    acknowledge(role, 'Flow-log object keys are not known in advance; reads are confined to the AWSLogs/ prefix.',
      objectWildcardFinding(props.flowLogs.bucket, `${props.flowLogs.logsPrefix}*`));
    acknowledge(role, 'Output keys derive from each source object; writes are confined to the curated tables prefix.',
      objectWildcardFinding(curated, `${props.curatedPrefix}*`));
  }
}
