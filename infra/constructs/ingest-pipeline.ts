import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MANIFEST_FOLDER, OUTPUT_TABLES } from '../../schemas/tables.js';
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
 * read flow-log objects (their two key shapes only), write only under the curated prefix (tables and rejects), delete only
 * stale table files and manifests, read the boundary policy, publish alerts and write the dedup
 * table; nothing else.
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
        // On the last receive before the dead-letter queue, an object that still fails (a timeout)
        // is quarantined with its reason instead of vanishing into the DLQ unexplained.
        MAX_RECEIVE_COUNT: String(props.queue.maxReceiveCount),
        ...props.alerting.environment,
      },
    });
    const role = this.handler.role;
    props.flowLogs.grantRead(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteCuratedTables',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [curated.arnForObjects(`${props.curatedPrefix}*`)],
      }),
    );
    // A re-run of an object deletes the table files its earlier run wrote and this one does not,
    // as listed in the object's manifest (parquet-sink.ts): deletes only in the table folders and
    // the manifests, never the quarantine records beside them.
    const manifests = `${props.curatedPrefix}${MANIFEST_FOLDER}*`;
    const pruned = [...OUTPUT_TABLES.map((t) => `${props.curatedPrefix}${t.name}/*`), manifests];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOutputManifests',
        actions: ['s3:GetObject'],
        resources: [curated.arnForObjects(manifests)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DeleteStaleTableFiles',
        actions: ['s3:DeleteObject'],
        resources: pruned.map((pattern) => curated.arnForObjects(pattern)),
      }),
    );
    // Without ListBucket, S3 answers GetObject of a missing key (an object's first run: no
    // manifest yet) with 403 AccessDenied instead of 404, and the two cannot be told apart.
    // Key names only; an s3:prefix condition would not apply to GetObject's 404 check.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListCuratedKeys',
        actions: ['s3:ListBucket'],
        resources: [curated.bucketArn],
      }),
    );
    props.alerting.grantAlerting(role);

    this.handler.function.addEventSource(
      new SqsEventSource(props.queue.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.batchWindowSeconds > 0 ? Duration.seconds(props.batchWindowSeconds) : undefined,
        reportBatchItemFailures: true,
        // With reserved concurrency, cap the pollers to it so throttled batches do not burn receives.
        maxConcurrency: props.reservedConcurrency,
      }),
    );

    acknowledge(
      role,
      'Output keys derive from each source object; writes are confined to the curated tables prefix.',
      objectWildcardFinding(curated, `${props.curatedPrefix}*`),
    );
    acknowledge(
      role,
      'A re-run deletes the stale files of its own object; the keys derive from each source object, ' +
        'so deletes are confined to the table folders and manifests.',
      ...pruned.map((p) => objectWildcardFinding(curated, p)),
    );
  }
}
