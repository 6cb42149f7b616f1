import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { stagingTableName } from '../../schemas/tables.js';
import { METRICS } from '../defaults.js';
import { acknowledge, objectWildcardFinding } from '../nag.js';
import type { Alerting } from './alerting.js';
import type { AnalyticsCatalog } from './analytics-catalog.js';
import { HandlerFunction } from './handler-function.js';

/** Folder under the curated prefix where Firehose writes records it could not deliver. */
const FIREHOSE_ERRORS_FOLDER = 'firehose-errors/';

export interface FirehoseDeliveryProps {
  readonly curatedBucket: s3.IBucket;
  readonly curatedPrefix: string;
  readonly catalog: AnalyticsCatalog;
  /** Table the stream's Parquet conversion writes (its Glue schema is the record schema). */
  readonly tableName: string;
  readonly alerting: Alerting;
  readonly logFormat: string;
  readonly windowSeconds: number;
  readonly bufferSeconds: number;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
}

/**
 * Optional path for flow logs delivered to Firehose (Direct PUT): the transform function turns
 * flow-log lines into one JSON row per summary group with `metadata.partitionKeys.dt`; Firehose
 * converts the rows to Parquet with the Glue `summary` schema and writes them into that table's
 * own partitions, so Athena sees one table whichever path the logs took.
 */
export class FirehoseDelivery extends Construct {
  readonly transform: HandlerFunction;
  readonly stream: firehose.CfnDeliveryStream;

  constructor(scope: Construct, id: string, props: FirehoseDeliveryProps) {
    super(scope, id);
    const curated = props.curatedBucket;
    this.transform = new HandlerFunction(this, 'Transform', {
      entry: 'functions/handlers/firehose-transform.ts',
      description: 'ciphertrail: Firehose transform from flow-log lines to summary rows',
      memoryMb: props.memoryMb,
      timeoutSeconds: props.timeoutSeconds,
      serviceName: METRICS.transformService,
      logRetentionDays: props.logRetentionDays,
      environment: {
        FLOW_LOG_FORMAT: props.logFormat,
        WINDOW_SECONDS: String(props.windowSeconds),
        ...props.alerting.environment,
      },
    });
    props.alerting.grantAlerting(this.transform.role);

    const logGroup = new logs.LogGroup(this, 'DeliveryLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logStream = logGroup.addStream('S3Delivery');
    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
      }),
      description: 'ciphertrail: Firehose delivery into the curated summary table',
    });
    // Only the folders the stream writes: its table's partitions and its error records.
    const folders = [`${props.curatedPrefix}${props.tableName}/*`, `${props.curatedPrefix}${FIREHOSE_ERRORS_FOLDER}*`];
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteSummaryObjects',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: folders.map((f) => curated.arnForObjects(f)),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LocateBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [curated.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSummarySchema',
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: props.catalog.tableArns(stagingTableName({ name: props.tableName })),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTransform',
        actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
        resources: [this.transform.function.functionArn],
      }),
    );
    logGroup.grantWrite(role);

    this.stream = new firehose.CfnDeliveryStream(this, 'Stream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: curated.bucketArn,
        roleArn: role.roleArn,
        prefix: `${props.curatedPrefix}${props.tableName}/dt=!{partitionKeyFromLambda:dt}/`,
        errorOutputPrefix: `${props.curatedPrefix}${FIREHOSE_ERRORS_FOLDER}!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        // Record-format conversion needs a buffer of at least 64 MB.
        bufferingHints: { intervalInSeconds: props.bufferSeconds, sizeInMBs: 128 },
        compressionFormat: 'UNCOMPRESSED',
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'Lambda',
              parameters: [
                { parameterName: 'LambdaArn', parameterValue: this.transform.function.functionArn },
                { parameterName: 'BufferSizeInMBs', parameterValue: '1' },
                { parameterName: 'BufferIntervalInSeconds', parameterValue: '60' },
                { parameterName: 'NumberOfRetries', parameterValue: '3' },
              ],
            },
          ],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          // One JSON object per row keyed by the summary column names; timestamps `yyyy-MM-dd HH:mm:ss.SSS`
          // (UTC), which the Hive JSON SerDe parses by default (java.sql.Timestamp.valueOf).
          inputFormatConfiguration: { deserializer: { hiveJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
          schemaConfiguration: {
            catalogId: Aws.ACCOUNT_ID,
            databaseName: props.catalog.databaseName,
            // The staging table's schema (the Glue table of the folder it writes to).
            tableName: stagingTableName({ name: props.tableName }),
            region: Aws.REGION,
            roleArn: role.roleArn,
            versionId: 'LATEST',
          },
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    this.stream.node.addDependency(role);
    const table = props.catalog.tables.get(stagingTableName({ name: props.tableName }));
    if (!table) throw new Error(`FirehoseDelivery: no Glue table "${props.tableName}" in the catalog.`);
    this.stream.node.addDependency(table);

    acknowledge(
      role,
      "Firehose generates the object keys it writes; writes are confined to its table's folder and " +
        'its error folder.',
      ...folders.map((f) => objectWildcardFinding(curated, f)),
    );
  }
}
