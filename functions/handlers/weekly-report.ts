import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import type { BlobStore } from '../adapters/blob-store.js';
import { athenaRunner, commitConfig } from '../adapters/commit-config.js';
import { lazyHandler } from '../adapters/lambda-config.js';
import { LambdaTelemetry } from '../adapters/lambda-telemetry.js';
import { readPolicy } from '../adapters/policy-store.js';
import { createS3Client } from '../adapters/s3-client.js';
import { S3BlobStore } from '../adapters/s3-store.js';
import type { SqlRunner } from '../core/tables/sql-runner.js';
import { athenaTables } from '../report/athena-tables.js';
import { renderReportHtml } from '../report/html/report-html.js';
import { buildReportData } from '../report/report-data.js';
import { parseSince } from '../report/since.js';

/** The window of the weekly page: 30 days, so its daily trend shows this week against the weeks before. */
const WINDOW = parseSince('30d');

export interface WeeklyReportDeps {
  readonly sql: SqlRunner;
  readonly database: string;
  /** The curated bucket's store; the page goes to `<reportsPrefix>coverage-<day>.html`. */
  readonly store: BlobStore;
  readonly reportsPrefix: string;
  readonly policy: () => Promise<BoundaryPolicy | undefined>;
  /** Tells the alert topic's subscribers where the page is; absent when notifying is off. */
  readonly notify?: (subject: string, message: string) => Promise<void>;
  readonly now?: () => Date;
  readonly telemetry?: LambdaTelemetry;
}

/**
 * Scheduled (EventBridge, weekly by default) → the HTML coverage report of the deployed tables:
 * the same named queries through Athena and the same page as `ciphertrail report --athena
 * --since 30d --html`, written to the curated bucket (a self-contained file to forward or keep
 * as evidence), and its S3 location sent to the alert topic when `notify` is on.
 */
export function createWeeklyReportHandler(deps: WeeklyReportDeps) {
  return async (): Promise<{ key: string; bytes: number }> => {
    const now = (deps.now ?? (() => new Date()))();
    const { runner, window } = await athenaTables(deps.sql, deps.database, WINDOW);
    const policy = await deps.policy();
    const label = `Athena database ${deps.database}`;
    const report = await buildReportData({ athena: label, ...(policy ? { policy } : {}) }, runner, window, {
      trend: true,
      now,
    });
    const html = Buffer.from(renderReportHtml(report, { source: label }));
    const key = `${deps.reportsPrefix}coverage-${now.toISOString().slice(0, 10)}.html`;
    await deps.store.put(key, html, 'text/html; charset=utf-8');
    deps.telemetry?.logger.info('weekly report written', { location: deps.store.describe(key), bytes: html.length });
    await deps.notify?.(
      'ciphertrail: weekly encryption coverage report',
      `The encryption coverage report for ${window.fromDay ?? 'all days'} to ${window.lastDay ?? 'no data'} is at ` +
        `${deps.store.describe(key)} (one HTML file: download it and open it in a browser).`,
    );
    return { key, bytes: html.length };
  };
}

export const handler = lazyHandler(() => {
  const config = commitConfig(process.env);
  const s3 = createS3Client({ ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}) });
  const topicArn = process.env.REPORT_TOPIC_ARN || undefined;
  const policyUri = process.env.POLICY_S3_URI || undefined;
  const sns = topicArn ? new SNSClient({}) : undefined;
  const run = createWeeklyReportHandler({
    sql: athenaRunner(config),
    database: config.database,
    store: new S3BlobStore(s3, config.curatedBucket, ''),
    reportsPrefix: process.env.REPORTS_PREFIX ?? 'reports/',
    policy: async () => (policyUri ? readPolicy(policyUri, s3) : undefined),
    ...(sns && topicArn
      ? {
          notify: async (subject: string, message: string) => {
            await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
          },
        }
      : {}),
    telemetry: new LambdaTelemetry('weekly-report'),
  });
  return async () => run();
});
