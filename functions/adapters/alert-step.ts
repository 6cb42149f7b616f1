import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AlertPublisher, DedupStore, FindingsWriter, PolicySource } from '../core/alerts/alert-ports.js';
import { type AlertRunSettings, runAlerts } from '../core/alerts/alert-run.js';
import { assertComplete } from '../core/alerts/page-alerts.js';
import type { AlertStep } from '../core/events/ingest-s3-object.js';
import type { AlertConfig } from './boundary-config.js';
import { DynamoDbDedupStore } from './dynamodb-dedup-store.js';
import { findingsWriter } from './findings-writer.js';
import type { ParquetTableSink } from './parquet-sink.js';
import { CachedPolicyLoader } from './policy-store.js';
import { SnsAlertPublisher } from './sns-alert-publisher.js';

export interface AlertStepDeps extends AlertRunSettings {
  readonly policy: PolicySource;
  readonly dedup: DedupStore;
  readonly publisher: AlertPublisher;
  /** Where the `findings` rows of each object go (the curated tables); none when absent. */
  readonly findings?: FindingsWriter;
  readonly now?: () => number;
}

/**
 * The ingest function's alerting step, after each object: the alerting run (core/alerts/alert-run.ts)
 * over the object's groups, with the invocation's remaining time as its deadline. A message that
 * fails after retries (AlertPublishError), or alerts the deadline left unchecked (AlertDeadlineError),
 * throw, so the object's message is retried and the retry pages what this run could not.
 */
export function createAlertStep(deps: AlertStepDeps): AlertStep {
  const { policy, dedup, publisher, findings, now, ...settings } = deps;
  return {
    async raise(groups, origin, remainingMs) {
      const outcome = await runAlerts(
        [{ origin, groups }],
        {
          policy,
          dedup,
          publisher,
          clock: now ?? Date.now,
          ...(findings ? { findings } : {}),
          ...(remainingMs ? { remainingMs } : {}),
        },
        settings,
      );
      const { paging } = outcome;
      for (const u of paging.unconfirmed) {
        // The page went out; only its suppression is at risk, so this is worth a line, not a retry.
        console.warn(
          JSON.stringify({
            level: 'WARN',
            message: 'alert sent but its dedup claim was not confirmed',
            object: origin.object,
            dedupKey: u.dedupKey,
            reason: u.reason,
          }),
        );
      }
      assertComplete(paging, settings.reserveMs);
      return paging.paged.length;
    },
  };
}

/** The alert step from environment (boundary-config.ts `alertConfig`), with real AWS clients. */
export function alertStepFromConfig(config: AlertConfig, s3: S3Client, findings?: ParquetTableSink): AlertStep {
  return createAlertStep({
    policy: CachedPolicyLoader.forLocation(config.policyUri, s3, config.policyCacheMs),
    dedup: new DynamoDbDedupStore(new DynamoDBClient({}), config.dedupTable),
    publisher: new SnsAlertPublisher(config.topicArn),
    suppressMinutes: config.suppressMinutes,
    ...(findings ? { findings: findingsWriter(findings) } : {}),
  });
}
