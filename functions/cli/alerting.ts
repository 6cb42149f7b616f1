import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { FINDINGS_TABLE } from '../../schemas/tables.js';
import { type Alert, buildAlerts, classifyGroups, type ClassifiedGroup, findingRows } from '../core/alerts/alert.js';
import { AlertPublishError, pageAlerts, type PageResult } from '../core/alerts/raise-alerts.js';
import type { ObjectReport } from '../core/ingest-object.js';
import { BoundaryIndex } from '../core/policy/boundary-index.js';
import { BoundaryPolicyError } from '../core/policy/policy-document.js';
import type { Classification } from '../core/policy/rules.js';
import type { OutputFile, SourceObject } from '../core/ports.js';
import { FileDedupStore } from '../adapters/file-dedup-store.js';
import type { ParquetTableSink } from '../adapters/parquet-sink.js';
import { readPolicy, writePolicy } from '../adapters/policy-store.js';
import { formatBytes, formatCount, UsageError } from './usage.js';

/** Files of `<out>` the alerting step owns. */
export const ALERT_FILES = {
  alerts: 'alerts.jsonl',
  readiness: 'readiness.jsonl',
  dedup: 'alert-dedup.json',
  /** The policy the findings were classified with; `report` reads it. */
  policy: 'boundaries.json',
} as const;

export interface AlertingSettings {
  readonly boundaries: string;
  readonly out: string;
  readonly snsTopicArn?: string;
  readonly suppressMinutes: number;
  readonly now?: number;
}

export interface AlertingOutcome {
  readonly policySource: string;
  readonly vpcs: Record<'enforce' | 'monitor', number>;
  readonly findings: Record<Exclude<Classification, 'ok'>, Alert[]>;
  readonly paging: PageResult;
  readonly findingsFiles: readonly OutputFile[];
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
 * Runs after the ingest loop: classifies each accepted object's cleartext groups, writes the
 * `findings` table per object, pages new violations (file dedup in `<out>`, optional SNS) and
 * writes `alerts.jsonl` (appended: one line per page) and `readiness.jsonl` (this run's view).
 */
export async function runAlerting(ingested: readonly { object: SourceObject; report: ObjectReport }[],
  policy: BoundaryPolicy, sink: ParquetTableSink, settings: AlertingSettings): Promise<AlertingOutcome> {
  const now = settings.now ?? Date.now();
  const index = new BoundaryIndex(policy);
  const classified: ClassifiedGroup[] = [];
  const findingsFiles: OutputFile[] = [];
  for (const { object, report } of ingested) {
    if (report.status !== 'accepted' || !report.cleartext) continue;
    const groups = classifyGroups(report.cleartext, index);
    classified.push(...groups);
    // Also with no groups: the object's findings of an earlier run are then removed.
    findingsFiles.push(...await sink.writeTable(FINDINGS_TABLE, object.identity, object.key, findingRows(groups)));
  }
  const findings = {
    violation: buildAlerts(classified, 'violation', index),
    blocked: buildAlerts(classified, 'blocked', index),
    readiness: buildAlerts(classified, 'readiness', index),
    excluded: buildAlerts(classified, 'excluded', index),
  };

  await mkdir(settings.out, { recursive: true });
  await writePolicy(join(settings.out, ALERT_FILES.policy), policy);
  const dedup = await FileDedupStore.open(join(settings.out, ALERT_FILES.dedup));
  // The SNS SDK loads only when publishing: local runs never pay for it.
  const publisher = settings.snsTopicArn
    ? new (await import('../adapters/sns-alert-publisher.js')).SnsAlertPublisher(settings.snsTopicArn) : undefined;
  let paging: PageResult;
  let publishError: string | undefined;
  try {
    paging = await pageAlerts({ alerts: findings.violation, dedup, publisher, now, suppressMinutes: settings.suppressMinutes });
  } catch (err) {
    if (!(err instanceof AlertPublishError)) throw err;
    paging = err.result;
    publishError = err.message;
  } finally {
    await dedup.save(now);
  }
  await appendFile(join(settings.out, ALERT_FILES.alerts), jsonLines(paging.paged));
  await writeFile(join(settings.out, ALERT_FILES.readiness), jsonLines(findings.readiness));
  return {
    policySource: settings.boundaries, vpcs: index.countByMode(), findings, paging, findingsFiles,
    ...(settings.snsTopicArn ? { topicArn: settings.snsTopicArn } : {}), ...(publishError ? { publishError } : {}),
  };
}

const jsonLines = (alerts: readonly Alert[]) => alerts.map((a) => JSON.stringify(a) + '\n').join('');

export function renderAlertingSummary(outcome: AlertingOutcome, out: string): string {
  const f = outcome.findings;
  const volume = (list: readonly Alert[]) =>
    `${formatCount(list.reduce((n, a) => n + a.flows, 0))} flows, ${formatBytes(list.reduce((n, a) => n + a.bytes, 0))}`;
  const lines = [
    `  boundaries   ${outcome.policySource}: ${outcome.vpcs.enforce} enforced, ${outcome.vpcs.monitor} monitor-mode VPCs`,
    `  violations   ${f.violation.length} (${volume(f.violation)}): ${outcome.paging.paged.length} paged, ` +
      `${outcome.paging.suppressed.length} suppressed (already paged) -> ${join(out, ALERT_FILES.alerts)}`,
    `  blocked      ${f.blocked.length} EC-rejected (${volume(f.blocked)})`,
    `  readiness    ${f.readiness.length} in monitor-mode VPCs (${volume(f.readiness)}) -> ${join(out, ALERT_FILES.readiness)}`,
    `  excluded     ${f.excluded.length} allowed by an enabled exclusion (${volume(f.excluded)})`,
  ];
  const paged = outcome.paging.paged;
  for (const a of paged.slice(0, 10)) {
    lines.push(`  PAGE         ${a.severity.toUpperCase()} ${a.rule} ${a.vpc_id ?? '-'} ${a.interface_id ?? '-'} ` +
      `${a.srcaddr ?? '-'} -> ${a.dstaddr ?? '-'} ${a.protocol_name}/${a.port ?? '-'}: ` +
      `${formatCount(a.flows)} flows, ${formatBytes(a.bytes)}`);
  }
  if (paged.length > 10) lines.push(`  PAGE         ... ${paged.length - 10} more in ${ALERT_FILES.alerts}`);
  if (outcome.topicArn) {
    lines.push(`  sns          ${outcome.paging.messages.length} message(s) to ${outcome.topicArn}`);
  }
  if (outcome.publishError) lines.push(`  SNS FAILED   ${outcome.publishError}`);
  return lines.join('\n');
}
