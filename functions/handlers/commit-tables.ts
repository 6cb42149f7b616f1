import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { athenaRunner, type CommitConfig, commitConfig } from '../adapters/commit-config.js';
import { lazyHandler } from '../adapters/lambda-config.js';
import { LambdaTelemetry } from '../adapters/lambda-telemetry.js';
import { createS3Client } from '../adapters/s3-client.js';
import { S3BlobStore } from '../adapters/s3-store.js';
import { BlobWatermarkStore, S3LedgerSource } from '../adapters/staged-ledger-source.js';
import { type CommitReport, type HousekeepingReport, runCommit, runHousekeeping } from '../core/tables/commit-run.js';
import type { SqlRunner } from '../core/tables/sql-runner.js';

/** What each EventBridge schedule passes as its input (infra/constructs/table-committer.ts). */
export type CommitTask = 'commit' | 'optimize' | 'vacuum';

/** Time kept back from the function timeout: a statement is never started that cannot finish. */
const MARGIN_MS = 60_000;

/**
 * Scheduled (EventBridge) → one task on the committed Iceberg tables through Athena: `commit`
 * (every 15 minutes by default) merges what was staged since the watermark; `optimize` (hourly)
 * bin-packs the recent days; `vacuum` (daily) expires snapshots. One function with reserved
 * concurrency 1, so no two tasks ever run at once. A failed statement fails the invocation: the
 * watermark stays, the next schedule redoes the commit (idempotent), the error alarm fires.
 */
export function createCommitHandler(
  config: CommitConfig,
  s3: S3Client,
  sql: (deadlineMs: number | undefined) => SqlRunner = (d) => athenaRunner(config, d),
  telemetry = new LambdaTelemetry('commit-tables'),
) {
  return async (event?: { task?: unknown }, context?: Context): Promise<CommitReport | HousekeepingReport> => {
    if (context) telemetry.beginInvocation(context);
    const task = event?.task ?? 'commit';
    const deadline = context ? Math.max(1_000, context.getRemainingTimeInMillis() - MARGIN_MS) : undefined;
    const runner = sql(deadline);
    if (task === 'optimize' || task === 'vacuum') {
      const report = await runHousekeeping(
        runner,
        task === 'optimize' ? { kind: 'optimize', days: config.optimizeDays } : { kind: 'vacuum' },
      );
      telemetry.logger.info(`${task} done`, {
        statements: report.statements.length,
        bytesScanned: report.bytesScanned,
      });
      return report;
    }
    if (task !== 'commit') throw new Error(`unknown task ${JSON.stringify(task)}: commit, optimize or vacuum`);
    const store = new S3BlobStore(s3, config.curatedBucket, config.curatedPrefix);
    const report = await runCommit({
      ledger: new S3LedgerSource(store, s3, config.curatedBucket, config.curatedPrefix),
      sql: runner,
      watermark: new BlobWatermarkStore(store),
      stagingLocation: `s3://${config.curatedBucket}/${config.curatedPrefix}`,
      maxEntries: config.maxEntries,
      warn: (message) => telemetry.logger.warn(message),
    });
    telemetry.metrics.addMetric('CommittedObjects', 'Count', report.objects);
    telemetry.metrics.addMetric('CommitStatements', 'Count', report.statements);
    telemetry.metrics.addMetric('CommitBytesScanned', 'Bytes', report.bytesScanned);
    telemetry.metrics.publishStoredMetrics();
    telemetry.logger.info('commit done', { ...report });
    return report;
  };
}

export const handler = lazyHandler(() => {
  const config = commitConfig(process.env);
  return createCommitHandler(config, createS3Client(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}));
});
