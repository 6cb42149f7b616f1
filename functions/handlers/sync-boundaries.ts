import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { SyncedAccount } from '../../schemas/boundary-policy.js';
import { type SyncConfig, syncConfig } from '../adapters/boundary-config.js';
import { type BoundarySyncRun, runBoundarySync } from '../adapters/boundary-sync.js';
import { DynamoDbDedupStore } from '../adapters/dynamodb-dedup-store.js';
import { lazyHandler } from '../adapters/lambda-config.js';
import { LambdaTelemetry } from '../adapters/lambda-telemetry.js';
import { createS3Client } from '../adapters/s3-client.js';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher.js';
import { assertComplete } from '../core/alerts/page-alerts.js';

export interface SyncResult {
  readonly location: string;
  readonly vpcs: number;
  readonly bytes: number;
  readonly accounts: number;
  readonly failures: readonly SyncedAccount[];
  readonly ageSeconds: number;
  readonly notes: readonly string[];
}

/** Time kept back from the function timeout for writing the policy and publishing metrics. */
const WRITE_MARGIN_MS = 30_000;

/**
 * Scheduled (EventBridge) → rebuild the boundary policy from the EC2 API of every account and
 * region → write it to S3. Failed accounts and regions keep their last known state and are
 * counted (`BoundarySyncFailures`); the run fails only when nothing at all could be read, so the
 * function's error alarm fires then while partial failures wait for the policy-age alarm.
 */
export function createSyncBoundariesHandler(
  config: SyncConfig,
  s3: S3Client,
  telemetry = new LambdaTelemetry('sync-boundaries'),
  /** Paging of failed control states (DynamoDB dedup, SNS); the Lambda builds it from config.alerts. */
  alerts?: Omit<NonNullable<BoundarySyncRun['alerts']>, 'clock' | 'remainingMs'>,
) {
  return async (_event?: unknown, context?: Context): Promise<SyncResult> => {
    if (context) telemetry.beginInvocation(context);
    const report = await runBoundarySync({
      location: config.policyUri,
      regions: config.regions,
      members: config.members,
      memberRoleName: config.memberRoleName,
      includeCaller: config.includeCaller,
      s3,
      ...(config.awsEndpoint ? { endpoint: config.awsEndpoint } : {}),
      ...(context ? { deadline: Date.now() + context.getRemainingTimeInMillis() - WRITE_MARGIN_MS } : {}),
      ...(alerts
        ? {
            alerts: {
              ...alerts,
              clock: () => Date.now(),
              ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
            },
          }
        : {}),
    });
    telemetry.recordSync(report);
    // The policy is written either way; a failed page leaves its state unmarked, so the next run pages it.
    if (report.controlAlerts) assertComplete(report.controlAlerts.paging);
    if (report.accounts.length > 0 && report.failures.length === report.accounts.length) {
      throw new Error(
        `sync-boundaries: every account and region failed (${report.failures.length}); the policy at ` +
          `${report.location} keeps its last known state. First error: ${report.failures[0]!.error}`,
      );
    }
    return {
      location: report.location,
      vpcs: Object.keys(report.policy.vpcs).length,
      bytes: report.bytes,
      accounts: report.accounts.length,
      failures: report.failures,
      ageSeconds: report.ageSeconds,
      notes: report.notes,
    };
  };
}

export const handler = lazyHandler((): ((event: unknown, context: Context) => Promise<SyncResult>) => {
  const config = syncConfig(process.env);
  const s3 = createS3Client(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {});
  if (!config.alerts) return createSyncBoundariesHandler(config, s3);
  const endpoint = config.awsEndpoint ? { endpoint: config.awsEndpoint } : {};
  return createSyncBoundariesHandler(config, s3, undefined, {
    dedup: new DynamoDbDedupStore(new DynamoDBClient(endpoint), config.alerts.dedupTable),
    publisher: new SnsAlertPublisher(config.alerts.topicArn, { clientConfig: endpoint }),
    suppressMinutes: config.alerts.suppressMinutes,
  });
});
