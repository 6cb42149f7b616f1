import { createHash } from 'node:crypto';
import { Aws, CustomResource, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { icebergTableDdl } from '../../functions/core/tables/iceberg-sql.js';
import {
  COMMIT_STATE_FOLDER,
  MANIFEST_FOLDER,
  OUTPUT_TABLES,
  STAGED_LEDGER_FOLDER,
  stagingTableName,
} from '../../schemas/tables.js';
import { acknowledge, objectWildcardFinding } from '../nag.js';
import type { AnalyticsCatalog } from './analytics-catalog.js';
import { HandlerFunction } from './handler-function.js';

export interface TableCommitterProps {
  readonly bucket: s3.Bucket;
  /** Prefix of the staged tables (`<prefix><table>/dt=…/`), the ledger and the watermark. */
  readonly curatedPrefix: string;
  readonly catalog: AnalyticsCatalog;
  readonly commitSchedule: string;
  readonly optimizeSchedule: string;
  readonly vacuumSchedule: string;
  readonly optimizeDays: number;
  readonly stagingExpirationDays: number;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
}

/** Folder of the Iceberg tables under the curated prefix: `<prefix>iceberg/<table>/`. */
const ICEBERG_FOLDER = 'iceberg/';

/**
 * The committed tables (docs/tables.md): the Iceberg tables `summary`, `unencrypted`, `findings`,
 * created at deploy time by a custom resource running Athena DDL generated from schemas/tables.ts;
 * the committer Lambda on three EventBridge schedules (commit, OPTIMIZE, VACUUM) with reserved
 * concurrency 1, so no two of them ever run at once; and the staging lifecycle.
 */
export class TableCommitter extends Construct {
  readonly committer: HandlerFunction;
  readonly tablesFunction: HandlerFunction;
  readonly tables: CustomResource;
  readonly rules: events.Rule[] = [];
  readonly icebergLocation: string;
  /** Key prefix of the Iceberg tables' files in the curated bucket. */
  readonly icebergPrefix: string;
  /** Any failed task: the watermark stays and the next schedule redoes the commit, but someone should look. */
  readonly errorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TableCommitterProps) {
    super(scope, id);
    const { bucket, catalog } = props;
    const prefix = props.curatedPrefix;
    const icebergPrefix = `${prefix}${ICEBERG_FOLDER}`;
    this.icebergPrefix = icebergPrefix;
    this.icebergLocation = `s3://${bucket.bucketName}/${icebergPrefix}`;
    const environment = {
      CURATED_BUCKET: bucket.bucketName,
      CURATED_PREFIX: prefix,
      ICEBERG_LOCATION: this.icebergLocation,
      GLUE_DATABASE: catalog.databaseName,
      ATHENA_WORKGROUP: catalog.workgroup.ref,
      OPTIMIZE_DAYS: String(props.optimizeDays),
    };

    this.tablesFunction = new HandlerFunction(this, 'Tables', {
      entry: 'functions/handlers/iceberg-tables.ts',
      description: 'ciphertrail: create the Iceberg tables (Athena DDL from schemas/tables.ts) at deploy time',
      memoryMb: 256,
      timeoutSeconds: 300,
      environment,
      serviceName: 'iceberg-tables',
      logRetentionDays: props.logRetentionDays,
    });
    this.committer = new HandlerFunction(this, 'Committer', {
      entry: 'functions/handlers/commit-tables.ts',
      description: 'ciphertrail: commit staged rows into the Iceberg tables (MERGE), OPTIMIZE and VACUUM them',
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      environment,
      serviceName: 'commit-tables',
      logRetentionDays: props.logRetentionDays,
      // Never two tasks at once: a second schedule firing during a long commit waits (Lambda retries
      // throttled asynchronous invocations) instead of running a MERGE beside it.
      reservedConcurrency: 1,
    });

    const icebergNames = OUTPUT_TABLES.map((t) => t.name);
    const stagingNames = OUTPUT_TABLES.map(stagingTableName);
    const glue = (names: readonly string[]) => [
      `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:catalog`,
      `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:database/${catalog.databaseName}`,
      ...names.map(
        (n) => `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${catalog.databaseName}/${n}`,
      ),
    ];
    const results = `${catalog.resultsPrefix}*`;
    const icebergObjects = `${icebergPrefix}*`;
    for (const fn of [this.tablesFunction, this.committer]) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'RunAthenaStatements',
          actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
          resources: [catalog.workgroupArn()],
        }),
      );
      // Athena writes and reads a statement's results with the caller's permissions.
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'AthenaResults',
          actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
          resources: [bucket.arnForObjects(results)],
        }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'LocateBucket',
          actions: ['s3:GetBucketLocation'],
          resources: [bucket.bucketArn],
        }),
      );
    }
    this.tablesFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CreateIcebergTables',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable'],
        resources: glue(icebergNames),
      }),
    );
    // CREATE TABLE writes the first metadata file of each table under its location.
    this.tablesFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteIcebergMetadata',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [bucket.arnForObjects(icebergObjects)],
      }),
    );
    this.tablesFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListIcebergAndResults',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [icebergObjects, results] } },
      }),
    );

    const committerRole = this.committer.role;
    committerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CommitIcebergTables',
        // UpdateTable: every Iceberg commit (MERGE, OPTIMIZE, VACUUM) moves the table's metadata pointer.
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:UpdateTable'],
        resources: glue(icebergNames),
      }),
    );
    committerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadStagingTables',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: glue(stagingNames),
      }),
    );
    const stagedObjects = [...OUTPUT_TABLES.map((t) => `${prefix}${t.name}/*`), `${prefix}${STAGED_LEDGER_FOLDER}*`];
    committerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadStagedFilesAndLedger',
        actions: ['s3:GetObject'],
        resources: stagedObjects.map((p) => bucket.arnForObjects(p)),
      }),
    );
    const watermark = `${prefix}${COMMIT_STATE_FOLDER}*`;
    committerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'Watermark',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects(watermark)],
      }),
    );
    // MERGE and OPTIMIZE write data, delete and metadata files; VACUUM deletes expired ones.
    committerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteIcebergFiles',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(icebergObjects)],
      }),
    );
    committerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListStagedAndIceberg',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: {
          StringLike: {
            's3:prefix': [...stagedObjects, watermark, icebergObjects, results, `${prefix}${COMMIT_STATE_FOLDER}`],
          },
        },
      }),
    );
    const reason =
      'Athena, the staged files, the ledger and the Iceberg tables name their own keys under these fixed prefixes; ' +
      'each grant is confined to one prefix of the curated bucket.';
    for (const fn of [this.tablesFunction, this.committer])
      acknowledge(
        fn.role,
        reason,
        ...[results, icebergObjects, watermark, ...stagedObjects].map((p) => objectWildcardFinding(bucket, p)),
      );

    // The committed tables and the watermark are written by the committer alone (the ingest role may
    // write the whole tables prefix): a bucket-policy Deny for every other principal, as for the policy file.
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CommittedTablesWrittenByCommitterOnly',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [bucket.arnForObjects(icebergObjects), bucket.arnForObjects(watermark)],
        conditions: {
          ArnNotEquals: { 'aws:PrincipalArn': [this.committer.role.roleArn, this.tablesFunction.role.roleArn] },
        },
      }),
    );

    // Deploy time: the tables, from the same DDL the tests check. The hash re-runs it when the DDL changes.
    const ddl = OUTPUT_TABLES.map((t) => icebergTableDdl(t, `s3://bucket/${icebergPrefix}${t.name}/`)).join('\n');
    this.tables = new CustomResource(this, 'IcebergTables', {
      serviceToken: this.tablesFunction.function.functionArn,
      resourceType: 'Custom::CiphertrailIcebergTables',
      properties: { DdlHash: createHash('sha256').update(ddl).digest('hex').slice(0, 16) },
    });
    this.tables.node.addDependency(catalog.database, catalog.workgroup);
    catalog.addQueryDependency(this.tables);

    const schedule = (name: string, expression: string, task: string) => {
      const rule = new events.Rule(this, name, {
        description: `ciphertrail: ${task} the Iceberg tables`,
        schedule: events.Schedule.expression(expression),
        targets: [
          new targets.LambdaFunction(this.committer.function, {
            event: events.RuleTargetInput.fromObject({ task }),
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
        ],
      });
      rule.node.addDependency(this.tables);
      this.rules.push(rule);
    };
    schedule('CommitSchedule', props.commitSchedule, 'commit');
    schedule('OptimizeSchedule', props.optimizeSchedule, 'optimize');
    schedule('VacuumSchedule', props.vacuumSchedule, 'vacuum');

    this.errorsAlarm = new cloudwatch.Alarm(this, 'CommitterErrorsAlarm', {
      alarmDescription:
        'ciphertrail: a commit, OPTIMIZE or VACUUM failed. The committed tables lag the staging tables until one succeeds; ' +
        'the committer log names the failed statement and Athena query id.',
      metric: this.committer.function.metricErrors({ period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Staged files, their ledger entries and manifests expire once long committed (never the Iceberg tables).
    for (const folder of [...OUTPUT_TABLES.map((t) => `${t.name}/`), STAGED_LEDGER_FOLDER, MANIFEST_FOLDER]) {
      bucket.addLifecycleRule({
        id: `staging-${folder.replace(/\W/g, '')}`,
        prefix: `${prefix}${folder}`,
        expiration: Duration.days(props.stagingExpirationDays),
      });
    }
  }
}
