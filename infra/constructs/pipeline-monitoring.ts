import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
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
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms and a dashboard on the pipeline itself: function errors, dead-letter depth,
 * processing lag (age of the oldest queued notification), rejected objects and cleartext flows
 * per VPC. Alarms notify an operations topic, separate from the alert topic whose messages
 * follow the alert schema.
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
    props.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'], // in a key policy, "*" is this key
    }));

    const queue = props.queue.queue;
    const lag = queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' });
    const rejected = pipelineMetric('ObjectsRejected', 'Sum');
    const cleartextByVpc = new cloudwatch.MathExpression({
      expression: `SELECT SUM(CleartextFlows) FROM SCHEMA("${METRICS.namespace}", VpcId, service) ` +
        'GROUP BY VpcId ORDER BY SUM() DESC LIMIT 100',
      label: 'Cleartext flows per VPC',
      period: PERIOD,
    });

    const functions = [props.ingest, props.sync, ...(props.transform ? [props.transform] : [])];
    for (const fn of functions) {
      const name = fn === props.ingest ? 'Ingest' : fn === props.sync ? 'Sync' : 'Transform';
      this.alarm(`${name}ErrorsAlarm`, fn.metricErrors({ period: PERIOD, statistic: 'Sum' }), 1,
        `The ${name.toLowerCase()} function reported errors; its log group has each failing request.`);
    }
    this.alarms.push(props.queue.dlqDepthAlarm);
    this.alarm('ProcessingLagAlarm', lag, props.processingLagAlarmSeconds,
      'Flow-log notifications wait longer than expected: ingest is failing, throttled or under-provisioned.');
    this.alarm('RejectedObjectsAlarm', rejected, 1,
      'Flow-log objects were rejected (corrupt or unknown layout); quarantine records are under <curatedPrefix>rejects/.');
    this.alarm('CleartextFlowsPerVpcAlarm', cleartextByVpc, props.cleartextFlowsAlarmThreshold,
      'A VPC sent more cleartext flows than the threshold in 5 minutes (one contributor per VPC).');
    for (const alarm of this.alarms) alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Pipeline alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      graph('Ingest invocations and errors', [props.ingest.metricInvocations(), props.ingest.metricErrors(), props.ingest.metricThrottles()]),
      graph('Ingest duration (p50, p99)', [props.ingest.metricDuration({ statistic: 'p50' }), props.ingest.metricDuration({ statistic: 'p99' })]),
      graph('Queue', [queue.metricApproximateNumberOfMessagesVisible(), props.queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'DLQ depth' })]),
    );
    this.dashboard.addWidgets(
      graph('Processing lag (s)', [lag, pipelineMetric('ProcessingLagSeconds', 'Maximum')]),
      graph('Objects', [pipelineMetric('ObjectsIngested', 'Sum'), rejected, pipelineMetric('MalformedLines', 'Sum')]),
      graph('Alerts sent', [pipelineMetric('AlertsSent', 'Sum')]),
    );
    this.dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Cleartext flows per VPC', left: [cleartextByVpc], width: 24 }));
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    this.alarms.push(new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      alarmDescription: description,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
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

function graph(title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: 8 });
}
