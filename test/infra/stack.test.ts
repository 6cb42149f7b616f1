import { readdirSync, readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertConfig, syncConfig } from '../../functions/adapters/boundary-config.js';
import { ingestConfig, transformConfig } from '../../functions/adapters/lambda-config.js';
import { BOUNDARY_READ_ACTIONS } from '../../infra/constructs/boundary-sync.js';
import { DEFAULTS, RECOMMENDED_LOG_FORMAT } from '../../infra/defaults.js';
import { loadNamedQueries, QUERIES_DIR } from '../../schemas/queries.js';
import { OUTPUT_TABLES, stagedColumns, stagingTableName } from '../../schemas/tables.js';
import { logicalIdOf, roleStatements, type Synthesized, synthesize } from './synth.js';

const MEMBERS = ['111111111111', '222222222222'];

/** Everything switched on: created bucket, members, subscriptions, reserved concurrency, Firehose. */
let full: Synthesized;
/** An existing log-archive bucket with a folder prefix, defaults otherwise. */
let imported: Synthesized;

beforeAll(() => {
  full = synthesize({
    memberAccountIds: MEMBERS.join(','),
    alertEmails: 'secops@example.com',
    alertHttpsEndpoints: 'https://hooks.example.com/ciphertrail',
    alarmEmails: 'platform@example.com',
    ingestReservedConcurrency: 20,
    firehoseEnabled: true,
  });
  imported = synthesize({ flowLogBucketName: 'org-log-archive', flowLogPrefix: 'vpc/' });
});

const functionId = (s: Synthesized, service: string) =>
  logicalIdOf(s.template, 'AWS::Lambda::Function', `"POWERTOOLS_SERVICE_NAME":"${service}"`);
const roleOf = (s: Synthesized, service: string) =>
  (s.template.toJSON().Resources[functionId(s, service)].Properties.Role['Fn::GetAtt'] as string[])[0]!;
const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding in either configuration', () => {
    expect(full.nagFindings).toEqual([]);
    expect(imported.nagFindings).toEqual([]);
  });
});

describe('flow-log bucket', () => {
  it('is encrypted, private, TLS-only, with a lifecycle for the raw logs', () => {
    full.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Prefix: 'AWSLogs/',
            ExpirationInDays: DEFAULTS.rawLogExpirationDays,
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: DEFAULTS.rawLogInfrequentAccessDays },
              { StorageClass: 'GLACIER_IR', TransitionInDays: DEFAULTS.rawLogGlacierDays },
            ],
          }),
        ]),
      },
    });
  });

  it("lets delivery.logs.amazonaws.com write each member account's prefix, and nothing without TLS", () => {
    const bucket = logicalIdOf(full.template, 'AWS::S3::Bucket', '"Prefix":"AWSLogs/"');
    const arn = { 'Fn::GetAtt': [bucket, 'Arn'] };
    full.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'AWSLogDeliveryWrite',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Resource: Match.arrayWith([
              ...MEMBERS.map((a) => join(arn, `/AWSLogs/${a}/vpcflowlogs/*`)),
              ...MEMBERS.map((a) => join(arn, `/AWSLogs/aws-account-id=${a}/aws-service=vpcflowlogs/*`)),
            ]),
            Condition: {
              StringEquals: {
                's3:x-amz-acl': 'bucket-owner-full-control',
                'aws:SourceAccount': [{ Ref: 'AWS::AccountId' }, ...MEMBERS],
              },
              ArnLike: {
                'aws:SourceArn': Match.arrayWith(
                  MEMBERS.map((a) => join('arn:', { Ref: 'AWS::Partition' }, `:logs:*:${a}:*`)),
                ),
              },
            },
          },
          Match.objectLike({
            Sid: 'AWSLogDeliveryAclCheck',
            Action: ['s3:GetBucketAcl', 's3:ListBucket'],
            Resource: arn,
            Principal: { Service: 'delivery.logs.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('notifies the ingest queue of .log.gz and .parquet objects under AWSLogs/', () => {
    const queueArn = { 'Fn::GetAtt': [logicalIdOf(full.template, 'AWS::SQS::Queue', 'RedrivePolicy'), 'Arn'] };
    full.template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: ['.log.gz', '.parquet'].map((suffix) => ({
          Events: ['s3:ObjectCreated:*'],
          QueueArn: queueArn,
          Filter: {
            Key: {
              FilterRules: [
                { Name: 'suffix', Value: suffix },
                { Name: 'prefix', Value: 'AWSLogs/' },
              ],
            },
          },
        })),
      },
    });
  });

  it('imports an existing bucket by name without a policy, notification or any other resource on it', () => {
    imported.template.resourceCountIs('Custom::S3BucketNotifications', 0);
    const policies = JSON.stringify(imported.template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).not.toContain('delivery.logs.amazonaws.com');
    expect(policies).not.toContain('org-log-archive');
    expect(Object.keys(imported.template.findResources('AWS::S3::Bucket'))).toHaveLength(2); // access logs, curated
  });
});

describe('ingest queue and function', () => {
  it('waits 6× the function timeout plus the batch window, and dead-letters after maxReceiveCount', () => {
    const dlq = full.stack.getLogicalId(full.stack.queue.deadLetterQueue.node.defaultChild as CfnElement);
    full.template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: DEFAULTS.ingestTimeoutSeconds * 6 + DEFAULTS.ingestBatchWindowSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
        maxReceiveCount: DEFAULTS.ingestMaxReceiveCount,
      },
    });
    full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
    });
  });

  it('runs on arm64 Node 22 with the sizing defaults and the environment contract', () => {
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: DEFAULTS.ingestMemoryMb,
      Timeout: DEFAULTS.ingestTimeoutSeconds,
      ReservedConcurrentExecutions: 20,
      Environment: {
        Variables: Match.objectLike({
          CURATED_BUCKET: { Ref: Match.stringLikeRegexp('^CuratedBucket') },
          CURATED_PREFIX: 'tables/',
          POLICY_S3_URI: join('s3://', { Ref: Match.stringLikeRegexp('^CuratedBucket') }, '/config/boundaries.json'),
          DEDUP_TABLE: { Ref: Match.stringLikeRegexp('^AlertingDedupTable') },
          ALERT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^AlertingTopic') },
          SUPPRESS_MINUTES: '60',
          WINDOW_SECONDS: '300',
          // The queue's maxReceiveCount, so the last receive quarantines instead of dead-lettering silently.
          MAX_RECEIVE_COUNT: String(DEFAULTS.ingestMaxReceiveCount),
          POWERTOOLS_SERVICE_NAME: 'ingest',
          POWERTOOLS_METRICS_NAMESPACE: 'Ciphertrail',
        }),
      },
    });
    imported.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ingest' }) },
      ReservedConcurrentExecutions: DEFAULTS.ingestReservedConcurrency,
    });
  });

  it('reports batch item failures, batches with a window, and caps pollers at the reserved concurrency', () => {
    full.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId(full, 'ingest') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: DEFAULTS.ingestBatchSize,
      MaximumBatchingWindowInSeconds: DEFAULTS.ingestBatchWindowSeconds,
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });

  it('is triggered by the ingest queue only (the handler takes SQS events and nothing else), in both bucket set-ups', () => {
    for (const s of [full, imported]) {
      const resources = Object.values(s.template.toJSON().Resources) as { Type: string; Properties: any }[];
      const ingest = { Ref: functionId(s, 'ingest') };
      const mappings = resources.filter(
        (r) =>
          r.Type === 'AWS::Lambda::EventSourceMapping' &&
          JSON.stringify(r.Properties.FunctionName) === JSON.stringify(ingest),
      );
      expect(mappings.map((m) => m.Properties.EventSourceArn)).toEqual([
        { 'Fn::GetAtt': [logicalIdOf(s.template, 'AWS::SQS::Queue', '"maxReceiveCount"'), 'Arn'] },
      ]);
      // No S3, SNS or EventBridge invocation of the function itself: those deliver to the queue.
      const invokers = resources.filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          JSON.stringify(r.Properties.FunctionName).includes(functionId(s, 'ingest')),
      );
      expect(invokers).toEqual([]);
    }
  });

  it('may read flow logs, write only the tables prefix, prune its stale files, read the policy, alert, and consume its queue', () => {
    const statements = roleStatements(full.template, roleOf(full, 'ingest'));
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]).sort();
    expect(actions).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObject',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:ListBucket',
      's3:PutObject',
      'sns:Publish',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    const resourceOf = (sid: string) => JSON.stringify(statements.find((s) => s.Sid === sid)?.Resource);
    expect(resourceOf('ReadFlowLogObjects')).toMatch(/FlowLogsBucket.*"\/AWSLogs\/\*\/vpcflowlogs\/\*"/);
    expect(resourceOf('WriteCuratedTables')).toMatch(/CuratedBucket.*"\/tables\/\*"/);
    // Re-runs delete their stale files (parquet-sink.ts manifests): only table folders and manifests, never rejects/.
    const curatedTables = statements.find((s) => s.Sid === 'WriteCuratedTables');
    const curatedArn = (curatedTables!.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1][0];
    expect(JSON.stringify(curatedArn)).toMatch(/CuratedBucket/);
    const curatedObjects = (pattern: string) => join(curatedArn, pattern);
    expect(statements.find((s) => s.Sid === 'DeleteStaleTableFiles')).toEqual({
      Sid: 'DeleteStaleTableFiles',
      Effect: 'Allow',
      Action: 's3:DeleteObject',
      Resource: [...OUTPUT_TABLES.map((t) => `/tables/${t.name}/*`), '/tables/_manifests/*'].sort().map(curatedObjects),
    });
    expect(statements.find((s) => s.Sid === 'ReadOutputManifests')).toEqual({
      Sid: 'ReadOutputManifests',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: curatedObjects('/tables/_manifests/*'),
    });
    // Only so that GetObject of a missing manifest is a 404, not a 403.
    expect(statements.find((s) => s.Sid === 'ListCuratedKeys')).toEqual({
      Sid: 'ListCuratedKeys',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: curatedArn,
    });
    expect(resourceOf('ReadBoundaryPolicy')).toMatch(/CuratedBucket.*"\/config\/boundaries\.json"/);
    expect(JSON.stringify(roleStatements(imported.template, roleOf(imported, 'ingest')))).toContain(
      ':s3:::org-log-archive/vpc/AWSLogs/*/vpcflowlogs/*',
    );
  });
});

describe('curated data, Glue and Athena', () => {
  it('creates one Glue staging table per output table (suffix _staging), with partition projection on dt', () => {
    full.template.resourceCountIs('AWS::Glue::Database', 1);
    full.template.resourceCountIs('AWS::Glue::Table', OUTPUT_TABLES.length);
    for (const spec of OUTPUT_TABLES) {
      full.template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: DEFAULTS.glueDatabaseName,
        TableInput: Match.objectLike({
          Name: stagingTableName(spec),
          PartitionKeys: [Match.objectLike({ Name: 'dt', Type: 'string' })],
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.range': `${DEFAULTS.projectionStartDate},NOW`,
            'storage.location.template': join(
              's3://',
              { Ref: Match.stringLikeRegexp('^CuratedBucket') },
              `/tables/${spec.name}/dt=\${dt}/`,
            ),
          }),
          StorageDescriptor: Match.objectLike({
            Columns: stagedColumns(spec).map((c) => Match.objectLike({ Name: c.name })),
          }),
        }),
      });
    }
  });

  it('has an Athena workgroup with encrypted results and a scan cutoff', () => {
    full.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: DEFAULTS.athenaWorkgroupName,
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: DEFAULTS.athenaBytesScannedCutoffGb * 1e9,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: join('s3://', { Ref: Match.stringLikeRegexp('^CuratedBucket') }, '/athena-results/'),
        },
      }),
    });
  });

  it('deploys every schemas/queries/*.sql as a named query bound to the database', () => {
    const files = readdirSync(QUERIES_DIR).filter((f) => f.endsWith('.sql'));
    full.template.resourceCountIs('AWS::Athena::NamedQuery', files.length);
    for (const query of loadNamedQueries()) {
      full.template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: query.name,
        Database: DEFAULTS.glueDatabaseName,
        QueryString: query.sql,
        WorkGroup: { Ref: Match.stringLikeRegexp('^CatalogWorkgroup') },
      });
    }
  });
});

describe('alerting', () => {
  it('publishes to a KMS-encrypted topic with the configured subscriptions', () => {
    full.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'ciphertrail cleartext alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertingKey'), 'Arn'] },
    });
    full.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    full.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'secops@example.com',
    });
    full.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/ciphertrail',
    });
    imported.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('deduplicates in an on-demand DynamoDB table with TTL and point-in-time recovery', () => {
    full.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});

describe('boundary sync', () => {
  it('runs on a schedule, reads the members from its SSM parameter and writes only the policy file', () => {
    const fn = functionId(full, 'sync-boundaries');
    full.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: DEFAULTS.boundarySyncSchedule,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] } })],
    });
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MEMBER_ACCOUNTS_SOURCE: `ssm:${DEFAULTS.memberAccountsParameterName}`,
          MEMBER_ROLE_NAME: DEFAULTS.memberRoleName,
          SYNC_REGIONS: { Ref: 'AWS::Region' },
        }),
      },
    });
    const statements = roleStatements(full.template, roleOf(full, 'sync-boundaries'));
    expect(statements.find((s) => s.Sid === 'WriteBoundaryPolicy')?.Action).toBe('s3:PutObject');
    expect(roleStatements(imported.template, roleOf(imported, 'sync-boundaries')).map((s) => s.Sid)).not.toContain(
      'AssumeMemberRoles',
    );
    imported.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MEMBER_ACCOUNTS_SOURCE: 'none' }) },
    });
  });

  it('reads the interfaces it lists as excluded, and runs once at deployment so ingest has a policy at once', () => {
    const describe = roleStatements(full.template, roleOf(full, 'sync-boundaries')).find(
      (s) => s.Sid === 'DescribeEncryptionControls',
    );
    expect([...((describe?.Action ?? []) as string[])].sort()).toEqual([...BOUNDARY_READ_ACTIONS]);
    full.template.hasResourceProperties('Custom::Trigger', {
      HandlerArn: Match.anyValue(),
      InvocationType: 'Event',
    });
  });
});

describe('Firehose path (optional)', () => {
  it('converts transformed rows to Parquet with the summary table schema, partitioned by dt', () => {
    full.template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: 'tables/summary/dt=!{partitionKeyFromLambda:dt}/',
        DynamicPartitioningConfiguration: Match.objectLike({ Enabled: true }),
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            Match.objectLike({
              Type: 'Lambda',
              Parameters: Match.arrayWith([
                {
                  ParameterName: 'LambdaArn',
                  ParameterValue: { 'Fn::GetAtt': [functionId(full, 'firehose-transform'), 'Arn'] },
                },
              ]),
            }),
          ],
        },
        DataFormatConversionConfiguration: Match.objectLike({
          Enabled: true,
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: Match.anyValue() } },
          SchemaConfiguration: Match.objectLike({
            DatabaseName: DEFAULTS.glueDatabaseName,
            TableName: 'summary_staging',
          }),
        }),
      }),
    });
    full.template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: DEFAULTS.transformTimeoutSeconds,
      Environment: { Variables: Match.objectLike({ FLOW_LOG_FORMAT: DEFAULTS.firehoseLogFormat }) },
    });
    imported.template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
  });
});

describe('monitoring', () => {
  it('alarms on errors, DLQ depth, processing lag, rejected objects and cleartext flows per VPC', () => {
    const topic = { Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') };
    for (const service of ['ingest', 'sync-boundaries', 'firehose-transform']) {
      full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        AlarmActions: [topic],
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(full, service) } }],
      });
    }
    full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: DEFAULTS.processingLagAlarmSeconds,
      AlarmActions: [topic],
    });
    full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ciphertrail',
      MetricName: 'ObjectsRejected',
      Dimensions: [{ Name: 'service', Value: 'ingest' }],
      Threshold: 1,
    });
    full.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: DEFAULTS.cleartextFlowsAlarmThreshold,
      Metrics: [Match.objectLike({ Expression: Match.stringLikeRegexp('SUM\\(CleartextFlows\\).*GROUP BY VpcId') })],
    });
    // + the heartbeats (ingest, Firehose), the boundary-policy age, the foreign-write alarm and the committer's errors.
    full.template.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    imported.template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
    full.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    full.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform@example.com',
    });
  });
});

describe('documentation', () => {
  const doc = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

  it('lists every environment variable the functions get in the docs/deployment.md contract', () => {
    const functions = Object.values(full.template.findResources('AWS::Lambda::Function'));
    const names = new Set(functions.flatMap((f) => Object.keys(f.Properties.Environment?.Variables ?? {})));
    expect(names.size).toBeGreaterThan(10);
    const contract = doc('docs/deployment.md');
    for (const name of names) expect(contract, name).toContain(`| \`${name}\` |`);
  });

  it('gives the recommended flow-log format, with encryption-status, in README and docs', () => {
    expect(RECOMMENDED_LOG_FORMAT).toContain('${encryption-status}');
    expect(doc('README.md')).toContain(`--log-format '${RECOMMENDED_LOG_FORMAT}'`);
    expect(doc('docs/deployment.md')).toContain(`--log-format '${RECOMMENDED_LOG_FORMAT}'`);
  });
});

describe('handler environment contract', () => {
  /** A function's environment with CloudFormation references replaced by plausible deployed values. */
  const environmentOf = (service: string): Record<string, string> => {
    const resolve = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const v = value as Record<string, any>;
      if (v.Ref === 'AWS::Region') return 'eu-west-1';
      if (v.Ref)
        return String(v.Ref).startsWith('AlertingTopic')
          ? `arn:aws:sns:eu-west-1:123456789012:${v.Ref}`
          : String(v.Ref).toLowerCase();
      if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(resolve).join(v['Fn::Join'][0]);
      throw new Error(`unresolvable ${JSON.stringify(value)}`);
    };
    const resource = full.template.toJSON().Resources[functionId(full, service)];
    return Object.fromEntries(
      Object.entries(resource.Properties.Environment.Variables as Record<string, unknown>).map(([k, v]) => [
        k,
        resolve(v),
      ]),
    );
  };

  it('configures the ingest handler, alerting included', () => {
    const env = environmentOf('ingest');
    expect(ingestConfig(env)).toMatchObject({ curatedPrefix: 'tables/', windowSeconds: DEFAULTS.windowSeconds });
    expect(alertConfig(env)).toMatchObject({
      policyUri: expect.stringMatching(/^s3:\/\/curatedbucket.*\/config\/boundaries\.json$/),
      suppressMinutes: DEFAULTS.suppressMinutes,
    });
  });

  it('configures the Firehose transform, alerting included', () => {
    const env = environmentOf('firehose-transform');
    expect(transformConfig(env).format.fields.length).toBeGreaterThan(10);
    expect(alertConfig(env)).toBeDefined();
  });

  it('configures the boundary sync with the member-account parameter and the fixed member role name', () => {
    expect(syncConfig(environmentOf('sync-boundaries'))).toMatchObject({
      members: { kind: 'ssm', parameterName: DEFAULTS.memberAccountsParameterName },
      memberRoleName: DEFAULTS.memberRoleName,
      regions: ['eu-west-1'],
      policyUri: expect.stringMatching(/\/config\/boundaries\.json$/),
    });
  });
});
