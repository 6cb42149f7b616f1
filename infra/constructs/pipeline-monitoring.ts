import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRIC } from '../../functions/adapters/lambda-telemetry.js';
import { METRICS } from '../defaults.js';
import type { IngestQueue } from './ingest-queue.js';

export interface PipelineMonitoringProps {
  readonly queue: IngestQueue;
  readonly ingest: lambda.IFunction;
  readonly sync: lambda.IFunction;
  readonly transform?: lambda.IFunction;
  /** Key that encrypts the alarm topic (CloudWatch is allowed to use it). */
  readonly key: kms.Key;
  readonly alarmEmails: readonly string[];
  readonly processingLagAlarmSeconds: number;
  readonly cleartextFlowsAlarmThreshold: number;
  /** No flow-log object ingested for this many hours is an alarm. */
  readonly ingestHeartbeatHours: number;
  /** Boundary-policy state older than this many hours (or no sync report) is an alarm. */
  readonly boundaryPolicyMaxAgeHours: number;
  /** Alarms of other constructs that notify the same topic. */
  readonly extraAlarms?: readonly cloudwatch.Alarm[];
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms and a dashboard on the pipeline itself: function errors, dead-letter depth,
 * processing lag (age of the oldest queued notification), rejected objects, cleartext flows per
 * VPC, and the heartbeats that make silence alarm: nothing ingested for hours, and a boundary
 * policy whose state is too old (both treat missing data as breaching). Alarms notify an
 * operations topic, separate from the alert topic whose messages follow the alert schema.
 */
export class PipelineMonitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'ciphertrail pipeline alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    for (const email of props.alarmEmails) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    // A topic policy replaces SNS's default one, so CloudWatch must be allowed explicitly, for the
    // alarms of this account and region only (confused-deputy guard):
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
    const alarmsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
    };
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: alarmsOfThisAccount,
      }),
    );
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, "*" is this key
        conditions: alarmsOfThisAccount,
      }),
    );

    const queue = props.queue.queue;
    const lag = queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' });
    const rejected = pipelineMetric('ObjectsRejected', 'Sum');
    const cleartextByVpc = new cloudwatch.MathExpression({
      expression:
        `SELECT SUM(CleartextFlows) FROM SCHEMA("${METRICS.namespace}", VpcId, service) ` +
        'GROUP BY VpcId ORDER BY SUM() DESC LIMIT 100',
      label: 'Cleartext flows per VPC',
      period: PERIOD,
    });

    const functions = [props.ingest, props.sync, ...(props.transform ? [props.transform] : [])];
    for (const fn of functions) {
      const name = fn === props.ingest ? 'Ingest' : fn === props.sync ? 'Sync' : 'Transform';
      this.alarm(
        `${name}ErrorsAlarm`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        1,
        `The ${name.toLowerCase()} function reported errors; its log group has each failing request.`,
      );
    }
    this.alarms.push(props.queue.dlqDepthAlarm);
    this.alarm(
      'ProcessingLagAlarm',
      lag,
      props.processingLagAlarmSeconds,
      'Flow-log notifications wait longer than expected: ingest is failing, throttled or under-provisioned.',
    );
    this.alarm(
      'RejectedObjectsAlarm',
      rejected,
      1,
      'Flow-log objects were rejected (corrupt or unknown layout); quarantine records are under <curatedPrefix>rejects/.',
    );
    this.alarm(
      'CleartextFlowsPerVpcAlarm',
      cleartextByVpc,
      props.cleartextFlowsAlarmThreshold,
      'A VPC sent more cleartext flows than the threshold in 5 minutes (one contributor per VPC).',
    );

    // Heartbeats: silence is an alarm. One period of N hours, missing data breaching.
    const heartbeat = Duration.hours(props.ingestHeartbeatHours);
    this.heartbeat(
      'IngestHeartbeatAlarm',
      serviceMetric(METRIC.objects, METRICS.ingestService, 'Sum', heartbeat),
      `No flow-log object was ingested for ${props.ingestHeartbeatHours} h: delivery into the bucket, its ` +
        'notifications (S3, EventBridge or SNS) or the queue stopped. New flow logs deliver every 5 minutes.',
    );
    if (props.transform) {
      this.heartbeat(
        'FirehoseHeartbeatAlarm',
        serviceMetric(METRIC.firehoseOk, METRICS.transformService, 'Sum', heartbeat),
        `The Firehose transform returned no record for ${props.ingestHeartbeatHours} h: flow logs stopped reaching the stream.`,
      );
    }
    const maxAge = Duration.hours(props.boundaryPolicyMaxAgeHours);
    this.alarms.push(
      new cloudwatch.Alarm(this, 'BoundaryPolicyAgeAlarm', {
        metric: serviceMetric(METRIC.policyAge, METRICS.syncService, 'Maximum', maxAge),
        threshold: maxAge.toSeconds(),
        alarmDescription:
          `The boundary policy holds state older than ${props.boundaryPolicyMaxAgeHours} h, or no sync ` +
          'reported in that time: alerts classify against stale encryption controls. The sync log names each failing ' +
          'account and region ("account and region not synced"); the policy lists them under "accounts".',
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
    this.alarms.push(...(props.extraAlarms ?? []));
    for (const alarm of this.alarms) alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Pipeline alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      graph('Ingest invocations and errors', [
        props.ingest.metricInvocations(),
        props.ingest.metricErrors(),
        props.ingest.metricThrottles(),
      ]),
      graph('Ingest duration (p50, p99)', [
        props.ingest.metricDuration({ statistic: 'p50' }),
        props.ingest.metricDuration({ statistic: 'p99' }),
      ]),
      graph('Queue', [
        queue.metricApproximateNumberOfMessagesVisible(),
        props.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'DLQ depth' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Processing lag (s)', [lag, pipelineMetric('ProcessingLagSeconds', 'Maximum')]),
      graph('Objects', [pipelineMetric('ObjectsIngested', 'Sum'), rejected, pipelineMetric('MalformedLines', 'Sum')]),
      graph('Alerts sent', [pipelineMetric('AlertsSent', 'Sum')]),
    );
    this.dashboard.addWidgets(
      graph('Boundary policy age (s)', [
        serviceMetric(METRIC.policyAge, METRICS.syncService, 'Maximum', Duration.hours(1)),
      ]),
      graph('Boundary sync: accounts x regions', [
        serviceMetric(METRIC.syncOk, METRICS.syncService, 'Sum', Duration.hours(1)),
        serviceMetric(METRIC.syncFailed, METRICS.syncService, 'Sum', Duration.hours(1)),
      ]),
      graph('Boundary policy VPCs', [
        serviceMetric(METRIC.policyVpcs, METRICS.syncService, 'Maximum', Duration.hours(1)),
      ]),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Cleartext flows per VPC', left: [cleartextByVpc], width: 24 }),
    );
  }

  /** Fewer than one in the period, or no data at all, is an alarm. */
  private heartbeat(id: string, metric: cloudwatch.IMetric, description: string): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 1,
        alarmDescription: description,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        alarmDescription: description,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

/** An EMF metric of the ingest function (namespace and `service` dimension per docs/deployment.md). */
function pipelineMetric(metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { service: METRICS.ingestService },
    statistic,
    period: PERIOD,
  });
}

/** An EMF metric of one function (its `service` dimension). */
function serviceMetric(metricName: string, service: string, statistic: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { service },
    statistic,
    period,
  });
}

function graph(title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8 });
}
