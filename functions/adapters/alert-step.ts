import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { FINDINGS_TABLE } from '../../schemas/tables.js';
import { buildAlerts, classifyGroups, findingRows } from '../core/alerts/alert.js';
import { type AlertPublisher, type DedupStore, pageAlerts } from '../core/alerts/raise-alerts.js';
import type { AlertStep } from '../core/events/ingest-s3-object.js';
import type { AlertConfig } from './boundary-config.js';
import { DynamoDbDedupStore } from './dynamodb-dedup-store.js';
import type { ParquetTableSink } from './parquet-sink.js';
import { CachedPolicyLoader } from './policy-store.js';
import { SnsAlertPublisher } from './sns-alert-publisher.js';

export interface AlertStepDeps {
  readonly policy: CachedPolicyLoader;
  readonly dedup: DedupStore;
  readonly publisher: AlertPublisher;
  /** Where the `findings` rows of each object go (the curated tables); none when absent. */
  readonly findings?: ParquetTableSink;
  readonly suppressMinutes?: number;
  readonly now?: () => number;
}

/**
 * The ingest function's alerting step, after each object: classify its cleartext groups with the
 * cached policy, write its `findings` rows, page new violations. A message that fails after
 * retries throws (AlertPublishError), so the object's message is retried.
 */
export function createAlertStep(deps: AlertStepDeps): AlertStep {
  return {
    async raise(groups, origin) {
      const index = await deps.policy.get();
      const classified = classifyGroups(groups, index);
      // Also with nothing classified: the object's findings of an earlier run are then removed.
      if (deps.findings) {
        await deps.findings.writeTable(FINDINGS_TABLE, origin.identity, origin.object, findingRows(classified));
      }
      const result = await pageAlerts({
        alerts: buildAlerts(classified, 'violation', index), dedup: deps.dedup, publisher: deps.publisher,
        now: (deps.now ?? Date.now)(), suppressMinutes: deps.suppressMinutes,
      });
      return result.paged.length;
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
    ...(findings ? { findings } : {}),
  });
}
