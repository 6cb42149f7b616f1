import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { DeadlineError } from '../core/errors.js';
import type { S3ObjectOutcome } from '../core/events/ingest-s3-object.js';
import type { MessagesOutcome } from '../core/events/process-messages.js';
import { type S3ObjectRef, s3Url } from '../core/events/s3-object-ref.js';
import type { FirehoseTransformOutcome } from '../core/firehose/transform-records.js';
import type { CleartextGroup } from '../core/flow-log-aggregator.js';
import { parseFlowLogKey } from '../core/s3-key.js';
import type { BoundarySyncReport } from './boundary-sync.js';

/**
 * Metric names (EMF, namespace `POWERTOOLS_METRICS_NAMESPACE`, dimension `service`).
 * `CleartextFlows` is also emitted per VPC with a `VpcId` dimension.
 */
export const METRIC = {
  objects: 'ObjectsIngested',
  rejected: 'ObjectsRejected',
  records: 'FlowRecords',
  bytesIn: 'BytesIn',
  cleartext: 'CleartextFlows',
  malformed: 'MalformedLines',
  alerts: 'AlertsSent',
  lag: 'ProcessingLagSeconds',
  transient: 'TransientFailures',
  released: 'MessagesReleased',
  timedOut: 'ObjectsTimedOut',
  invalid: 'InvalidMessages',
  firehoseOk: 'FirehoseRecordsOk',
  firehoseDropped: 'FirehoseRecordsDropped',
  firehoseFailed: 'FirehoseRecordsFailed',
  /** sync-boundaries: age of the oldest state in the written policy (the boundary-policy age alarm). */
  policyAge: 'BoundaryPolicyAgeSeconds',
  syncOk: 'BoundarySyncAccountsOk',
  /** Account-region pairs that failed, plus one when the member accounts could not be listed. */
  syncFailed: 'BoundarySyncFailures',
  policyVpcs: 'BoundaryPolicyVpcs',
} as const;

/**
 * Powertools logger and EMF metrics for one Lambda function. Every log line carries the request
 * id; lines written while an object is processed also carry its key. Metrics are published once
 * per invocation.
 */
export class LambdaTelemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;

  constructor(
    service: string,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? service });
    this.metrics = new Metrics({
      namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ciphertrail',
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? service,
    });
  }

  beginInvocation(context: Context): void {
    this.logger.addContext(context);
  }

  /** Runs the work for one object with its key on every log line; records metrics of the outcome. */
  async aroundObject(ref: S3ObjectRef, work: () => Promise<S3ObjectOutcome>): Promise<S3ObjectOutcome> {
    this.logger.appendKeys({ object_key: ref.key, object: s3Url(ref.bucket, ref.key) });
    try {
      const outcome = await work();
      this.recordObject(outcome);
      return outcome;
    } catch (error) {
      // Running out of time is counted by endInvocation (ObjectsTimedOut), not as a transient failure.
      if (!(error instanceof DeadlineError)) {
        this.metrics.addMetric(METRIC.transient, MetricUnit.Count, 1);
        this.logger.warn('transient failure: the message will be retried', { error: error as Error });
      }
      throw error;
    } finally {
      this.logger.removeKeys(['object_key', 'object']);
    }
  }

  endInvocation(outcome: MessagesOutcome): void {
    if (outcome.released.length) this.metrics.addMetric(METRIC.released, MetricUnit.Count, outcome.released.length);
    if (outcome.invalid.length) this.metrics.addMetric(METRIC.invalid, MetricUnit.Count, outcome.invalid.length);
    for (const invalid of outcome.invalid)
      this.logger.error('unrecognised message: retried until the DLQ takes it', { ...invalid });
    if (outcome.released.length) {
      this.logger.warn('not enough time left: messages released for retry', { messageIds: outcome.released });
    }
    const timedOut = outcome.timedOut.length + outcome.gaveUp.length;
    if (timedOut) this.metrics.addMetric(METRIC.timedOut, MetricUnit.Count, timedOut);
    for (const t of outcome.timedOut)
      this.logger.warn('out of time inside an object: its message will be retried', { ...t });
    for (const g of outcome.gaveUp)
      this.logger.error('out of time on the last receive: the object is quarantined', { ...g });
    this.logger.info('batch done', {
      objects: outcome.objects,
      retry: outcome.retry.length,
      testEvents: outcome.testEvents,
      skipped: outcome.skipped,
    });
    this.metrics.publishStoredMetrics();
  }

  recordFirehose(outcome: FirehoseTransformOutcome, alertsSent: number): void {
    const s = outcome.stats;
    this.metrics.addMetric(METRIC.firehoseOk, MetricUnit.Count, s.ok);
    this.metrics.addMetric(METRIC.firehoseDropped, MetricUnit.Count, s.dropped);
    this.metrics.addMetric(METRIC.firehoseFailed, MetricUnit.Count, s.failed);
    this.metrics.addMetric(METRIC.records, MetricUnit.Count, s.flowRecords);
    this.metrics.addMetric(METRIC.bytesIn, MetricUnit.Bytes, s.bytesIn);
    this.addCleartext(s.cleartextRecords, outcome.cleartext);
    this.metrics.addMetric(METRIC.malformed, MetricUnit.Count, s.malformed);
    this.metrics.addMetric(METRIC.alerts, MetricUnit.Count, alertsSent);
    for (const failure of outcome.failures) this.logger.error('record failed processing', { ...failure });
    for (const sample of s.malformedSamples) this.logger.warn('malformed line', { ...sample });
    this.logger.info('transform done', { ...s, malformedSamples: s.malformedSamples.length, alertsSent });
    this.metrics.publishStoredMetrics();
  }

  /** One boundary sync: its metrics (the policy-age alarm reads them) and one log line per failure. */
  recordSync(report: BoundarySyncReport): void {
    this.metrics.addMetric(METRIC.policyAge, MetricUnit.Seconds, report.ageSeconds);
    this.metrics.addMetric(METRIC.syncOk, MetricUnit.Count, report.accounts.length - report.failures.length);
    this.metrics.addMetric(
      METRIC.syncFailed,
      MetricUnit.Count,
      report.failures.length + (report.memberListError ? 1 : 0),
    );
    this.metrics.addMetric(METRIC.policyVpcs, MetricUnit.Count, Object.keys(report.policy.vpcs).length);
    if (report.memberListError) this.logger.error('member accounts not listed', { error: report.memberListError });
    for (const failure of report.failures)
      this.logger.error('account and region not synced: last known state kept', { ...failure });
    this.logger.info('boundary policy written', {
      location: report.location,
      bytes: report.bytes,
      vpcs: Object.keys(report.policy.vpcs).length,
      accounts: report.accounts.length,
      failures: report.failures.length,
      ageSeconds: report.ageSeconds,
      notes: report.notes,
    });
    this.metrics.publishStoredMetrics();
  }

  /** The total, and per VPC (the per-VPC alarm reads `SCHEMA(namespace, VpcId, service)`). */
  private addCleartext(total: number, groups: readonly CleartextGroup[]): void {
    this.metrics.addMetric(METRIC.cleartext, MetricUnit.Count, total);
    const byVpc = new Map<string, number>();
    for (const g of groups) {
      if (g.encryption_status === 0)
        byVpc.set(g.vpc_id ?? 'unknown', (byVpc.get(g.vpc_id ?? 'unknown') ?? 0) + Number(g.flows ?? 0n));
    }
    for (const [vpc, flows] of byVpc) {
      const single = this.metrics.singleMetric();
      single.addDimension('VpcId', vpc);
      single.addMetric(METRIC.cleartext, MetricUnit.Count, flows);
    }
  }

  private recordObject(outcome: S3ObjectOutcome): void {
    const { report } = outcome;
    const parse = report.parse;
    if (report.status === 'accepted') this.metrics.addMetric(METRIC.objects, MetricUnit.Count, 1);
    else this.metrics.addMetric(METRIC.rejected, MetricUnit.Count, 1);
    this.metrics.addMetric(METRIC.records, MetricUnit.Count, parse?.records ?? 0);
    this.metrics.addMetric(METRIC.bytesIn, MetricUnit.Bytes, report.stream?.bytesIn ?? 0);
    this.addCleartext(parse?.cleartextRecords ?? 0, report.cleartext ?? []);
    this.metrics.addMetric(METRIC.malformed, MetricUnit.Count, parse?.malformed ?? 0);
    this.metrics.addMetric(METRIC.alerts, MetricUnit.Count, outcome.alertsSent);
    const fileTimeMs = parseFlowLogKey(outcome.ref.key).fileTimeMs;
    if (fileTimeMs !== undefined)
      this.metrics.addMetric(METRIC.lag, MetricUnit.Seconds, Math.max(0, (this.now() - fileTimeMs) / 1000));

    if (report.status === 'rejected') {
      this.logger.error('object rejected and quarantined', {
        reason: report.reason,
        quarantine: outcome.quarantinedAt,
        samples: report.samples,
      });
      return;
    }
    for (const sample of parse?.malformedSamples ?? []) this.logger.warn('malformed line', { ...sample });
    this.logger.info('object ingested', {
      records: parse?.records,
      malformed: parse?.malformed,
      cleartextRecords: parse?.cleartextRecords,
      bytesIn: report.stream?.bytesIn,
      outputs: report.outputs.map((o) => o.key),
      alertsSent: outcome.alertsSent,
      elapsedMs: report.elapsedMs,
      warnings: parse?.warnings,
    });
  }
}
