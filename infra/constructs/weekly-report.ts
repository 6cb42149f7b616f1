import { Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OUTPUT_TABLES } from '../../schemas/tables.js';
import { acknowledge, objectWildcardFinding } from '../nag.js';
import type { Alerting } from './alerting.js';
import type { AnalyticsCatalog } from './analytics-catalog.js';
import { HandlerFunction } from './handler-function.js';

export interface WeeklyReportProps {
  readonly bucket: s3.Bucket;
  readonly catalog: AnalyticsCatalog;
  /** Key prefix of the Iceberg tables' files in `bucket` (TableCommitter.icebergPrefix). */
  readonly icebergPrefix: string;
  readonly alerting: Alerting;
  readonly schedule: string;
  /** Also send the report's S3 location to the alert topic. */
  readonly notify: boolean;
  readonly logRetentionDays: number;
}

/** Where the pages go in the curated bucket: `reports/coverage-<day>.html`. */
const REPORTS_PREFIX = 'reports/';

/**
 * The weekly HTML coverage report (docs/reports.md): a function on an EventBridge schedule runs the
 * report's named queries on the committed tables through Athena and writes the self-contained page
 * to the curated bucket; with `notify`, its location goes to the alert topic. It may read the tables
 * and the boundary policy, run Athena in the workgroup, and write only `reports/`.
 */
export class WeeklyReport extends Construct {
  readonly handler: HandlerFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: WeeklyReportProps) {
    super(scope, id);
    const { bucket, catalog, alerting } = props;
    this.handler = new HandlerFunction(this, 'Report', {
      entry: 'functions/handlers/weekly-report.ts',
      description: 'ciphertrail: the weekly HTML encryption coverage report of the committed tables',
      memoryMb: 512,
      timeoutSeconds: 600,
      environment: {
        CURATED_BUCKET: bucket.bucketName,
        GLUE_DATABASE: catalog.databaseName,
        ATHENA_WORKGROUP: catalog.workgroup.ref,
        REPORTS_PREFIX,
        POLICY_S3_URI: alerting.policyUri,
        ...(props.notify ? { REPORT_TOPIC_ARN: alerting.topic.topicArn } : {}),
      },
      serviceName: 'weekly-report',
      logRetentionDays: props.logRetentionDays,
    });
    const role = this.handler.role;
    const glue = [
      `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:catalog`,
      `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:database/${catalog.databaseName}`,
      ...OUTPUT_TABLES.map(
        (t) => `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${catalog.databaseName}/${t.name}`,
      ),
    ];
    const results = `${catalog.resultsPrefix}*`;
    const tables = `${props.icebergPrefix}*`;
    const reports = `${REPORTS_PREFIX}*`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RunAthenaQueries',
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
        resources: [catalog.workgroupArn()],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCommittedTableDefinitions',
        actions: ['glue:GetDatabase', 'glue:GetTable'],
        resources: glue,
      }),
    );
    // Athena reads the tables' files and writes the results with the caller's permissions.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCommittedTables',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(tables)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AthenaResults',
        actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(results)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListTablesAndResults',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteReports',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(reports)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBoundaryPolicy',
        actions: ['s3:GetObject'],
        resources: [alerting.policyObjectArn],
      }),
    );
    if (props.notify) {
      alerting.topic.grantPublish(role);
      alerting.key.grant(role, 'kms:GenerateDataKey*', 'kms:Decrypt');
    }
    acknowledge(
      role,
      'Athena names its result and table files under these fixed prefixes, and the pages are named by day; ' +
        'each grant is confined to one prefix of the curated bucket.' +
        (props.notify ? ' SNS needs kms:GenerateDataKey* on the alert key to publish encrypted messages.' : ''),
      ...[results, tables, reports].map((p) => objectWildcardFinding(bucket, p)),
      ...(props.notify ? ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]'] : []),
    );
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'ciphertrail: the weekly HTML coverage report',
      schedule: events.Schedule.expression(props.schedule),
      targets: [
        new targets.LambdaFunction(this.handler.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) }),
      ],
    });
  }
}
