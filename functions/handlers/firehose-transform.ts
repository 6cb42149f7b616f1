import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { alertStepFromConfig } from '../adapters/alert-step.js';
import { alertConfig } from '../adapters/boundary-config.js';
import { lazyHandler, type TransformConfig, transformConfig } from '../adapters/lambda-config.js';
import { LambdaTelemetry } from '../adapters/lambda-telemetry.js';
import { createS3Client } from '../adapters/s3-client.js';
import type { AlertStep } from '../core/events/ingest-s3-object.js';
import { transformFirehoseRecords } from '../core/firehose/transform-records.js';

export interface TransformHandlerDeps {
  readonly config: TransformConfig;
  readonly telemetry: LambdaTelemetry;
  readonly alerts?: AlertStep;
}

type TransformHandler = (event: FirehoseTransformationEvent, context: Context) => Promise<FirehoseTransformationResult>;

/**
 * Firehose data transformation: flow-log lines in, `summary` rows out as NDJSON with a `dt`
 * partition key, one result per recordId. Cleartext findings go to the alert step; if that
 * fails the invocation fails and Firehose retries the batch (the dedup store keeps pages single).
 */
export function createTransformHandler(deps: TransformHandlerDeps): TransformHandler {
  const { config, telemetry } = deps;
  return async (event, context) => {
    telemetry.beginInvocation(context);
    const outcome = transformFirehoseRecords(event.records, {
      layout: config.format,
      windowSeconds: config.windowSeconds,
      ...(config.responseBudgetBytes ? { responseBudgetBytes: config.responseBudgetBytes } : {}),
    });
    const alertsSent =
      deps.alerts && outcome.cleartext.length > 0
        ? await deps.alerts.raise(
            outcome.cleartext,
            { object: event.deliveryStreamArn, identity: event.invocationId },
            () => context.getRemainingTimeInMillis(),
          )
        : 0;
    telemetry.recordFirehose(outcome, alertsSent);
    return { records: outcome.records };
  };
}

export const handler = lazyHandler(() => {
  const alerting = alertConfig(process.env);
  return createTransformHandler({
    config: transformConfig(process.env),
    telemetry: new LambdaTelemetry('firehose-transform'),
    ...(alerting
      ? {
          alerts: alertStepFromConfig(
            alerting,
            createS3Client(process.env.S3_ENDPOINT ? { endpoint: process.env.S3_ENDPOINT } : {}),
          ),
        }
      : {}),
  });
});
