import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import type { BlobStore } from '../adapters/blob-store.js';
import { FileDedupStore } from '../adapters/file-dedup-store.js';
import { findingsWriter } from '../adapters/findings-writer.js';
import type { ParquetTableSink } from '../adapters/parquet-sink.js';
import { readPolicy } from '../adapters/policy-store.js';
import type { Alert } from '../core/alerts/alert.js';
import { ALERT_FILES, type AlertRunOutcome, runAlerts } from '../core/alerts/alert-run.js';
import { AlertPublishError } from '../core/alerts/page-alerts.js';
import type { ObjectReport } from '../core/ingest-object.js';
import { BoundaryIndex } from '../core/policy/boundary-index.js';
import { BoundaryPolicyError } from '../core/policy/policy-document.js';
import type { SourceObject } from '../core/ports.js';
import { formatBytes, formatCount } from '../report/format.js';
import { UsageError } from './usage.js';

export { ALERT_FILES };

export interface AlertingSettings {
  readonly boundaries: string;
  /** The output folder or S3 prefix of the tables (`--out`): the run records and dedup file go there too. */
  readonly store: BlobStore;
  readonly snsTopicArn?: string | undefined;
  readonly suppressMinutes: number;
  readonly now?: number;
}

export interface AlertingOutcome extends AlertRunOutcome {
  readonly policySource: string;
  readonly files: NonNullable<AlertRunOutcome['files']>;
  readonly topicArn?: string;
  /** Set when some SNS message failed after retries (its alerts will page on the next run). */
  readonly publishError?: string;
}

/** Loads the policy for `--boundaries`; a missing or invalid file is a usage error. */
export async function loadBoundaries(location: string): Promise<BoundaryPolicy> {
  try {
    return await readPolicy(location);
  } catch (err) {
    if (err instanceof BoundaryPolicyError) throw new UsageError(err.message);
    throw new UsageError(`--boundaries ${location}: ${(err as Error).message}`);
  }
}

/**
 * Runs once after the ingest loop, over every accepted object (however the loop ran: workers, S3
 * inputs): the alerting run of core/alerts/alert-run.ts with the file dedup store, the optional
 * SNS publisher and no deadline, writing `findings`, alerts.jsonl, readiness.jsonl, the policy
 * copy and the dedup file through the output store.
 */
export async function runAlerting(
  ingested: readonly { object: SourceObject; report: ObjectReport }[],
  policy: BoundaryPolicy,
  sink: ParquetTableSink,
  settings: AlertingSettings,
): Promise<AlertingOutcome> {
  const now = settings.now ?? Date.now();
  const index = new BoundaryIndex(policy);
  const dedup = await FileDedupStore.open(settings.store, ALERT_FILES.dedup);
  // The SNS SDK loads only when publishing: local runs never pay for it.
  const publisher = settings.snsTopicArn
    ? new (await import('../adapters/sns-alert-publisher.js')).SnsAlertPublisher(settings.snsTopicArn)
    : undefined;
  const objects = ingested.flatMap(({ object, report }) =>
    report.status === 'accepted' && report.cleartext
      ? [{ origin: { object: object.key, identity: object.identity }, groups: report.cleartext }]
      : [],
  );
  let outcome: AlertRunOutcome;
  try {
    outcome = await runAlerts(
      objects,
      {
        policy: { get: async () => index },
        dedup,
        ...(publisher ? { publisher } : {}),
        findings: findingsWriter(sink),
        records: settings.store,
        clock: () => now,
      },
      { suppressMinutes: settings.suppressMinutes },
    );
  } finally {
    await dedup.save(now);
  }
  const { failures } = outcome.paging;
  return {
    policySource: settings.boundaries,
    vpcs: outcome.vpcs,
    findings: outcome.findings,
    paging: outcome.paging,
    findingsFiles: outcome.findingsFiles,
    files: outcome.files!,
    ...(settings.snsTopicArn ? { topicArn: settings.snsTopicArn } : {}),
    ...(failures.length > 0 ? { publishError: new AlertPublishError(failures, outcome.paging).message } : {}),
  };
}

export function renderAlertingSummary(outcome: AlertingOutcome): string {
  const f = outcome.findings;
  const { paged, suppressed, capped, unconfirmed } = outcome.paging;
  const volume = (list: readonly Alert[]) =>
    `${formatCount(list.reduce((n, a) => n + a.flows, 0))} flows, ${formatBytes(list.reduce((n, a) => n + a.bytes, 0))}`;
  const over =
    capped.length > 0
      ? `, ${capped.length} over the per-VPC limit (counted in the message; a later run may page them)`
      : '';
  const lines = [
    `  boundaries   ${outcome.policySource}: ${outcome.vpcs.enforce} enforced, ${outcome.vpcs.monitor} monitor-mode VPCs`,
    `  violations   ${f.violation.length} (${volume(f.violation)}): ${paged.length} paged, ` +
      `${suppressed.length} suppressed (already paged)${over} -> ${outcome.files.alerts}`,
    `  blocked      ${f.blocked.length} EC-rejected (${volume(f.blocked)})`,
    `  readiness    ${f.readiness.length} in monitor-mode VPCs (${volume(f.readiness)}) -> ${outcome.files.readiness}`,
    `  excluded     ${f.excluded.length} allowed by an enabled exclusion (${volume(f.excluded)})`,
  ];
  for (const a of paged.slice(0, 10)) {
    lines.push(
      `  PAGE         ${a.severity.toUpperCase()} ${a.rule} ${a.vpc_id ?? '-'} ${a.interface_id ?? '-'} ` +
        `${a.srcaddr ?? '-'} -> ${a.dstaddr ?? '-'} ${a.protocol_name}/${a.port ?? '-'}: ` +
        `${formatCount(a.flows)} flows, ${formatBytes(a.bytes)}`,
    );
  }
  if (paged.length > 10) lines.push(`  PAGE         ... ${paged.length - 10} more in ${ALERT_FILES.alerts}`);
  if (outcome.topicArn) {
    lines.push(`  sns          ${outcome.paging.messages.length} message(s) to ${outcome.topicArn}`);
  }
  if (outcome.publishError) lines.push(`  SNS FAILED   ${outcome.publishError}`);
  if (unconfirmed.length > 0) {
    lines.push(`  dedup        ${unconfirmed.length} sent alert(s) not recorded as sent: ${unconfirmed[0]!.reason}`);
  }
  return lines.join('\n');
}
