// First: the GC setting must be in place before the ingest work allocates (see gc-tuning.ts).
import '../adapters/gc-tuning.js';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { alertStepFromConfig } from '../adapters/alert-step.js';
import { alertConfig } from '../adapters/boundary-config.js';
import { type IngestConfig, ingestConfig, lazyHandler } from '../adapters/lambda-config.js';
import { LambdaTelemetry } from '../adapters/lambda-telemetry.js';
import { readParquetFlowLog } from '../adapters/parquet-flow-log-reader.js';
import { ParquetTableSink } from '../adapters/parquet-sink.js';
import { BlobQuarantine } from '../adapters/quarantine.js';
import { createS3Client } from '../adapters/s3-client.js';
import { resolveS3Object } from '../adapters/s3-source.js';
import { S3BlobStore } from '../adapters/s3-store.js';
import { type AlertStep, giveUpObject, ingestS3Object, type S3ObjectPorts } from '../core/events/ingest-s3-object.js';
import { messagesOfInvocation } from '../core/events/invocation.js';
import { processMessages } from '../core/events/process-messages.js';

export interface IngestHandlerDeps {
  readonly config: IngestConfig;
  readonly s3: S3Client;
  readonly telemetry: LambdaTelemetry;
  readonly alerts?: AlertStep;
}

type IngestHandler = (event: unknown, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * S3 ObjectCreated → (SQS | SNS | EventBridge | direct) → ingest. SQS batches answer with
 * `batchItemFailures`; the asynchronous triggers fail the invocation so Lambda retries it.
 */
export function createIngestHandler(deps: IngestHandlerDeps): IngestHandler {
  const { config, s3, telemetry } = deps;
  const store = new S3BlobStore(s3, config.curatedBucket, config.curatedPrefix);
  const ports: S3ObjectPorts = {
    resolve: (ref) => resolveS3Object(s3, ref),
    sink: new ParquetTableSink(store, '', { ledger: true }),
    quarantine: new BlobQuarantine(store),
    ...(deps.alerts ? { alerts: deps.alerts } : {}),
    now: Date.now,
  };
  return async (event, context) => {
    telemetry.beginInvocation(context);
    const invocation = messagesOfInvocation(event);
    // Checked while each object streams: the commit, the alert step and the response need the margin.
    const options = {
      format: config.format,
      windowSeconds: config.windowSeconds,
      parquetReader: readParquetFlowLog,
      maxTextBytes: config.maxTextBytes,
      expired: () => context.getRemainingTimeInMillis() < config.time.marginMs,
    };
    const outcome = await processMessages(
      invocation.messages,
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
    if (invocation.partialBatch) return { batchItemFailures: outcome.retry.map((id) => ({ itemIdentifier: id })) };
    if (outcome.retry.length > 0)
      throw new Error(
        `${outcome.retry.length} of ${invocation.messages.length} messages failed; retrying the invocation`,
      );
    return undefined;
  };
}

export const handler = lazyHandler(() => {
  const config = ingestConfig(process.env);
  const alerting = alertConfig(process.env);
  const s3 = createS3Client({ ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}) });
  const tables = new ParquetTableSink(new S3BlobStore(s3, config.curatedBucket, config.curatedPrefix), '', {
    ledger: true,
  });
  return createIngestHandler({
    config,
    s3,
    telemetry: new LambdaTelemetry('ingest'),
    ...(alerting ? { alerts: alertStepFromConfig(alerting, s3, tables) } : {}),
  });
});
