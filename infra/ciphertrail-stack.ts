import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SUMMARY_TABLE } from '../schemas/tables.js';
import type { CiphertrailConfig } from './config.js';
import { AccessLogsBucket } from './constructs/access-logs-bucket.js';
import { Alerting } from './constructs/alerting.js';
import { AnalyticsCatalog } from './constructs/analytics-catalog.js';
import { BoundarySync } from './constructs/boundary-sync.js';
import { CuratedBucket } from './constructs/curated-bucket.js';
import { FirehoseDelivery } from './constructs/firehose-delivery.js';
import { FlowLogBucket } from './constructs/flow-log-bucket.js';
import { IngestPipeline } from './constructs/ingest-pipeline.js';
import { IngestQueue } from './constructs/ingest-queue.js';
import { PipelineMonitoring } from './constructs/pipeline-monitoring.js';
import { PolicyWriteWatch } from './constructs/policy-write-watch.js';
import { TableCommitter } from './constructs/table-committer.js';
import { WeeklyReport } from './constructs/weekly-report.js';

export interface CiphertrailStackProps extends StackProps {
  readonly config: CiphertrailConfig;
}

/** Key prefix of Athena query results in the curated bucket. */
const ATHENA_RESULTS_PREFIX = 'athena-results/';

/** ciphertrail in a log-archive account: one construct per concern, wired together here. */
export class CiphertrailStack extends Stack {
  readonly flowLogs: FlowLogBucket;
  readonly queue: IngestQueue;
  readonly curated: CuratedBucket;
  readonly catalog: AnalyticsCatalog;
  readonly alerting: Alerting;
  readonly ingest: IngestPipeline;
  readonly boundarySync: BoundarySync;
  readonly firehose?: FirehoseDelivery;
  readonly policyWatch: PolicyWriteWatch;
  readonly monitoring: PipelineMonitoring;
  readonly committer: TableCommitter;
  readonly weeklyReport: WeeklyReport;

  constructor(scope: Construct, id: string, props: CiphertrailStackProps) {
    super(scope, id, props);
    const config = props.config;
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { expirationDays: config.rawLogExpirationDays });

    this.flowLogs = new FlowLogBucket(this, 'FlowLogs', {
      existingBucketName: config.flowLogBucketName,
      existingTopicArn: config.flowLogNotificationTopicArn,
      existingKeyArn: config.flowLogKmsKeyArn,
      memberAccountIds: config.memberAccountIds,
      prefix: config.flowLogPrefix,
      accessLogs: accessLogs.bucket,
      infrequentAccessDays: config.rawLogInfrequentAccessDays,
      glacierDays: config.rawLogGlacierDays,
      expirationDays: config.rawLogExpirationDays,
      lockDays: config.rawLogLockDays,
      noncurrentExpirationDays: config.noncurrentVersionExpirationDays,
    });
    this.queue = new IngestQueue(this, 'IngestQueue', {
      consumerTimeoutSeconds: config.ingestTimeoutSeconds,
      batchWindowSeconds: config.ingestBatchWindowSeconds,
      maxReceiveCount: config.ingestMaxReceiveCount,
    });
    this.flowLogs.deliverTo(this.queue);

    this.curated = new CuratedBucket(this, 'Curated', {
      accessLogs: accessLogs.bucket,
      resultsPrefix: ATHENA_RESULTS_PREFIX,
      resultsExpirationDays: config.athenaResultsExpirationDays,
      noncurrentExpirationDays: config.noncurrentVersionExpirationDays,
    });
    this.catalog = new AnalyticsCatalog(this, 'Catalog', {
      bucket: this.curated.bucket,
      tablesPrefix: config.curatedPrefix,
      resultsPrefix: ATHENA_RESULTS_PREFIX,
      databaseName: config.glueDatabaseName,
      workgroupName: config.athenaWorkgroupName,
      projectionStartDate: config.projectionStartDate,
      bytesScannedCutoffGb: config.athenaBytesScannedCutoffGb,
    });
    this.committer = new TableCommitter(this, 'Committed', {
      bucket: this.curated.bucket,
      curatedPrefix: config.curatedPrefix,
      catalog: this.catalog,
      commitSchedule: config.commitSchedule,
      optimizeSchedule: config.optimizeSchedule,
      vacuumSchedule: config.vacuumSchedule,
      optimizeDays: config.optimizeDays,
      stagingExpirationDays: config.stagingExpirationDays,
      memoryMb: config.committerMemoryMb,
      timeoutSeconds: config.committerTimeoutSeconds,
      logRetentionDays: config.logRetentionDays,
    });
    this.alerting = new Alerting(this, 'Alerting', {
      emails: config.alertEmails,
      httpsEndpoints: config.alertHttpsEndpoints,
      policyBucket: this.curated.bucket,
      policyKey: config.policyKey,
      suppressMinutes: config.suppressMinutes,
    });

    this.ingest = new IngestPipeline(this, 'IngestPipeline', {
      flowLogs: this.flowLogs,
      queue: this.queue,
      curatedBucket: this.curated.bucket,
      curatedPrefix: config.curatedPrefix,
      alerting: this.alerting,
      memoryMb: config.ingestMemoryMb,
      timeoutSeconds: config.ingestTimeoutSeconds,
      reservedConcurrency: config.ingestReservedConcurrency,
      batchSize: config.ingestBatchSize,
      batchWindowSeconds: config.ingestBatchWindowSeconds,
      windowSeconds: config.windowSeconds,
      logRetentionDays: config.logRetentionDays,
    });
    this.boundarySync = new BoundarySync(this, 'BoundarySync', {
      policyUri: this.alerting.policyUri,
      policyBucket: this.curated.bucket,
      policyKey: config.policyKey,
      memberAccountsSource: config.memberAccountsSource,
      memberAccountIds: config.memberAccountIds,
      memberAccountsParameterName: config.memberAccountsParameterName,
      memberRoleName: config.memberRoleName,
      syncRoleName: config.syncRoleName,
      organizationId: config.organizationId,
      regions: config.syncRegions,
      schedule: config.boundarySyncSchedule,
      memoryMb: config.syncMemoryMb,
      timeoutSeconds: config.syncTimeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      alerting: this.alerting,
    });
    // Who gets paged is decided by the policy file: only the sync writes it, and any other writer shows.
    this.curated.restrictWriters('BoundaryPolicyWrittenBySyncOnly', config.policyKey, this.boundarySync.handler.role);
    this.policyWatch = new PolicyWriteWatch(this, 'PolicyWatch', {
      bucket: this.curated.bucket,
      key: config.policyKey,
      writerRoleName: config.syncRoleName,
      trailBucket: accessLogs.bucket,
    });
    if (config.firehoseEnabled) {
      this.firehose = new FirehoseDelivery(this, 'Firehose', {
        curatedBucket: this.curated.bucket,
        curatedPrefix: config.curatedPrefix,
        catalog: this.catalog,
        tableName: SUMMARY_TABLE.name,
        alerting: this.alerting,
        logFormat: config.firehoseLogFormat,
        windowSeconds: config.windowSeconds,
        bufferSeconds: config.firehoseBufferSeconds,
        memoryMb: config.transformMemoryMb,
        timeoutSeconds: config.transformTimeoutSeconds,
        logRetentionDays: config.logRetentionDays,
      });
    }
    this.weeklyReport = new WeeklyReport(this, 'WeeklyReport', {
      bucket: this.curated.bucket,
      catalog: this.catalog,
      icebergPrefix: this.committer.icebergPrefix,
      alerting: this.alerting,
      schedule: config.weeklyReportSchedule,
      notify: config.weeklyReportNotify,
      logRetentionDays: config.logRetentionDays,
    });
    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      queue: this.queue,
      ingest: this.ingest.handler.function,
      sync: this.boundarySync.handler.function,
      transform: this.firehose?.transform.function,
      key: this.alerting.key,
      alarmEmails: config.alarmEmails,
      processingLagAlarmSeconds: config.processingLagAlarmSeconds,
      cleartextFlowsAlarmThreshold: config.cleartextFlowsAlarmThreshold,
      ingestHeartbeatHours: config.ingestHeartbeatHours,
      boundaryPolicyMaxAgeHours: config.boundaryPolicyMaxAgeHours,
      extraAlarms: [this.policyWatch.alarm, this.committer.errorsAlarm],
    });

    new CfnOutput(this, 'FlowLogBucketName', {
      value: this.flowLogs.bucket.bucketName,
      description: 'Point new flow logs at s3://<this bucket>/<flowLogPrefix> (docs/deployment.md)',
    });
    new CfnOutput(this, 'CuratedBucketName', { value: this.curated.bucket.bucketName });
    new CfnOutput(this, 'GlueDatabase', { value: config.glueDatabaseName });
    new CfnOutput(this, 'AthenaWorkgroup', { value: config.athenaWorkgroupName });
    new CfnOutput(this, 'IcebergLocation', { value: this.committer.icebergLocation });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.topic.topicArn });
    new CfnOutput(this, 'IngestRoleArn', {
      value: this.ingest.handler.role.roleArn,
      description: 'A KMS-encrypted existing bucket: its key policy must let this role decrypt (docs/deployment.md)',
    });
    new CfnOutput(this, 'BoundarySyncFunctionName', {
      value: this.boundarySync.handler.function.functionName,
      description: 'Invoke once after the first deployment to write the boundary policy',
    });
    new CfnOutput(this, 'BoundarySyncRoleArn', {
      value: this.boundarySync.handler.role.roleArn,
      description: 'The member-role StackSet (template CiphertrailMemberRole) trusts this role by name',
    });
    if (this.boundarySync.memberAccountsParameter) {
      new CfnOutput(this, 'MemberAccountsParameter', {
        value: this.boundarySync.memberAccountsParameter.parameterName,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn });
    if (this.firehose) new CfnOutput(this, 'DeliveryStreamName', { value: this.firehose.stream.ref });
  }
}
