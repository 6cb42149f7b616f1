// First: the GC setting must be in place before the ingest work allocates (see gc-tuning.ts).
import '../adapters/gc-tuning.js';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { alertStepFromConfig } from '../adapters/alert-step.js';
import { alertConfig } from '../adapters/boundary-config.js';
import { inflatePlacement } from '../adapters/inflate-placement.js';
import { type IngestConfig, ingestConfig, lazyHandler } from '../adapters/lambda-config.js';
import { LambdaTelemetry } from '../adapters/lambda-telemetry.js';
import { readParquetFlowLog } from '../adapters/parquet-flow-log-reader.js';
import { ParquetTableSink } from '../adapters/parquet-sink.js';
import { BlobQuarantine } from '../adapters/quarantine.js';
import { createS3Client } from '../adapters/s3-client.js';
import { resolveS3Object } from '../adapters/s3-source.js';
import { S3BlobStore } from '../adapters/s3-store.js';
import { type AlertStep, giveUpObject, ingestS3Object, type S3ObjectPorts } from '../core/events/ingest-s3-object.js';
import { messagesOfSqsBatch } from '../core/events/invocation.js';
import { processMessages } from '../core/events/process-messages.js';

export interface IngestHandlerDeps {
  readonly config: IngestConfig;
  readonly s3: S3Client;
  readonly telemetry: LambdaTelemetry;
  /** The alert step, given the sink the tables go to (its findings are written beside them, in the same run). */
  readonly alerts?: (tables: ParquetTableSink) => AlertStep;
}

type IngestHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * The ingest queue → ingest, the one trigger infra deploys (an SQS event source with
 * `ReportBatchItemFailures`): each message names created flow-log objects, as an S3 notification
 * (S3 → SQS), an SNS envelope around one (the owner's topic → SQS) or an EventBridge "Object
 * Created" event (a rule on an imported bucket → SQS). The batch answers with the messages to retry.
 */
export function createIngestHandler(deps: IngestHandlerDeps): IngestHandler {
  const { config, s3, telemetry } = deps;
  const store = new S3BlobStore(s3, config.curatedBucket, config.curatedPrefix);
  // One sink over the curated prefix: the tables, their manifests and the alert step's findings,
  // with a staged-ledger entry per change for the table committer (docs/tables.md).
  const sink = new ParquetTableSink(store, '', { ledger: true });
  const inflateOn = inflatePlacement(1);
  const ports: S3ObjectPorts = {
    resolve: (ref) => resolveS3Object(s3, ref),
    sink,
    quarantine: new BlobQuarantine(store),
    ...(deps.alerts ? { alerts: deps.alerts(sink) } : {}),
    now: Date.now,
  };
  return async (event, context) => {
    telemetry.beginInvocation(context);
    const messages = messagesOfSqsBatch(event.Records);
    // Checked while each object streams: the commit, the alert step and the response need the margin.
    const options = {
      format: config.format,
      windowSeconds: config.windowSeconds,
      parquetReader: readParquetFlowLog,
      maxTextBytes: config.maxTextBytes,
      expired: () => context.getRemainingTimeInMillis() < config.time.marginMs,
      // One object at a time: a second vCPU (3,008 MB and up) inflates while this thread aggregates.
      inflateOn,
    };
    const outcome = await processMessages(
      messages,
      {
        ingest: async (ref) => {
          const remainingMs = () => context.getRemainingTimeInMillis();
          await telemetry.aroundObject(ref, () => ingestS3Object(ref, { ...ports, remainingMs }, options));
        },
        remainingMs: () => context.getRemainingTimeInMillis(),
        giveUp: async (ref, reason) => {
          await giveUpObject(ref, reason, ports);
        },
      },
      config.time,
    );
    telemetry.endInvocation(outcome);
    return { batchItemFailures: outcome.retry.map((id) => ({ itemIdentifier: id })) };
  };
}

export const handler = lazyHandler(() => {
  const config = ingestConfig(process.env);
  const alerting = alertConfig(process.env);
  const s3 = createS3Client({ ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}) });
  return createIngestHandler({
    config,
    s3,
    telemetry: new LambdaTelemetry('ingest'),
    ...(alerting ? { alerts: (tables: ParquetTableSink) => alertStepFromConfig(alerting, s3, tables) } : {}),
  });
});
