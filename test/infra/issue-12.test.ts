/**
 * The security review of the CDK app (issue 12), one test per point, each on the exact statement,
 * condition or property in the synthesized template. Undo a point and its test fails.
 */
import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContextValueError, resolveConfig } from '../../infra/config.js';
import { BOUNDARY_READ_ACTIONS } from '../../infra/constructs/boundary-sync.js';
import { DEFAULTS } from '../../infra/defaults.js';
import { logicalIdOf, roleStatements, type Synthesized, synthesize } from './synth.js';

const MEMBERS = ['111111111111', '222222222222'];
const ORG = 'o-a1b2c3d4e5';
const KEY_ARN = 'arn:aws:kms:eu-west-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:999999999999:log-archive-objects';

/** A created bucket with members, alarm e-mail and the Firehose path. */
let created: Synthesized;
/** An existing bucket (SSE-KMS, folder prefix): events through EventBridge. */
let bridged: Synthesized;
/** An existing bucket whose owner's SNS topic carries the events; members from AWS Organizations. */
let topic: Synthesized;

beforeAll(() => {
  created = synthesize({
    memberAccountIds: MEMBERS.join(','),
    alarmEmails: 'platform@example.com',
    firehoseEnabled: true,
  });
  bridged = synthesize({ flowLogBucketName: 'org-log-archive', flowLogPrefix: 'vpc/', flowLogKmsKeyArn: KEY_ARN });
  topic = synthesize({
    flowLogBucketName: 'aws-controltower-logs-999999999999-eu-west-1',
    flowLogNotificationTopicArn: TOPIC_ARN,
    memberAccountsSource: 'organizations',
    organizationId: ORG,
  });
});

const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const idOf = (s: Synthesized, element: { node: { defaultChild?: unknown } }) =>
  s.stack.getLogicalId(element.node.defaultChild as CfnElement);
const ref = (s: Synthesized, element: { node: { defaultChild?: unknown } }) => ({ Ref: idOf(s, element) });
const arnOf = (s: Synthesized, element: { node: { defaultChild?: unknown } }) => ({
  'Fn::GetAtt': [idOf(s, element), 'Arn'],
});
const functionId = (s: Synthesized, service: string) =>
  logicalIdOf(s.template, 'AWS::Lambda::Function', `"POWERTOOLS_SERVICE_NAME":"${service}"`);
const roleOf = (s: Synthesized, service: string) =>
  (s.template.toJSON().Resources[functionId(s, service)].Properties.Role['Fn::GetAtt'] as string[])[0]!;
const statement = (s: Synthesized, service: string, sid: string) =>
  roleStatements(s.template, roleOf(s, service)).find((x) => x.Sid === sid);
const alarmOf = (s: Synthesized, alarm: { node: { defaultChild?: unknown } }) =>
  s.template.toJSON().Resources[idOf(s, alarm)].Properties;
const thisAccountAlarms = {
  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
  ArnLike: {
    'aws:SourceArn': join(
      'arn:',
      { Ref: 'AWS::Partition' },
      ':cloudwatch:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':alarm:*',
    ),
  },
};

describe('alarms reach someone', () => {
  it('the alarm topic lets CloudWatch alarms of this account and region publish (a topic policy replaces the default one)', () => {
    created.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(created, created.stack.monitoring.alarmTopic)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: ref(created, created.stack.monitoring.alarmTopic),
            Condition: thisAccountAlarms,
          },
        ]),
      },
    });
  });

  it("the alarm topic's KMS key lets CloudWatch encrypt only for alarms of this account and region", () => {
    const key = created.template.toJSON().Resources[idOf(created, created.stack.alerting.key)].Properties.KeyPolicy;
    expect(key.Statement).toContainEqual({
      Sid: 'CloudWatchAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: thisAccountAlarms,
    });
  });

  it('every alarm notifies the alarm topic', () => {
    const topicRef = ref(created, created.stack.monitoring.alarmTopic);
    const alarms = Object.values(created.template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBe(created.stack.monitoring.alarms.length);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
  });
});

describe('silence alarms', () => {
  it(`no flow-log object ingested for ingestHeartbeatHours (default ${DEFAULTS.ingestHeartbeatHours}) is an alarm, missing data breaching`, () => {
    const alarm = (s: Synthesized) =>
      Object.values(s.template.findResources('AWS::CloudWatch::Alarm'))
        .map((a) => a.Properties)
        .find((p) => p.MetricName === 'ObjectsIngested');
    expect(alarm(created)).toMatchObject({
      Namespace: 'Ciphertrail',
      Dimensions: [{ Name: 'service', Value: 'ingest' }],
      Statistic: 'Sum',
      Period: DEFAULTS.ingestHeartbeatHours * 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(alarm(synthesize({ ingestHeartbeatHours: 12 }))).toMatchObject({ Period: 12 * 3600 });
  });

  it('with Firehose, no record through the transform for ingestHeartbeatHours is an alarm too', () => {
    created.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ciphertrail',
      MetricName: 'FirehoseRecordsOk',
      Dimensions: [{ Name: 'service', Value: 'firehose-transform' }],
      Statistic: 'Sum',
      Period: DEFAULTS.ingestHeartbeatHours * 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it(`a boundary policy with state older than boundaryPolicyMaxAgeHours (default ${DEFAULTS.boundaryPolicyMaxAgeHours}), or no sync report, is an alarm`, () => {
    // The sync publishes BoundaryPolicyAgeSeconds on every run (test/policy/policy-store.test.ts).
    const seconds = DEFAULTS.boundaryPolicyMaxAgeHours * 3600;
    created.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ciphertrail',
      MetricName: 'BoundaryPolicyAgeSeconds',
      Dimensions: [{ Name: 'service', Value: 'sync-boundaries' }],
      Statistic: 'Maximum',
      Period: seconds,
      EvaluationPeriods: 1,
      Threshold: seconds,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
    });
  });
});

describe('an existing log-archive bucket', () => {
  it('is never written to: no notification custom resource, no bucket policy, no notification role', () => {
    for (const s of [bridged, topic]) {
      s.template.resourceCountIs('Custom::S3BucketNotifications', 0);
      expect(JSON.stringify(s.template.findResources('AWS::S3::BucketPolicy'))).not.toMatch(
        /org-log-archive|aws-controltower-logs/,
      );
      expect(JSON.stringify(s.template.findResources('AWS::IAM::Policy'))).not.toContain('s3:PutBucketNotification');
    }
  });

  it('sends its flow-log ObjectCreated events to the ingest queue through EventBridge, with the DLQ behind the target', () => {
    const queue = bridged.stack.queue;
    bridged.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: ['org-log-archive'] },
          object: {
            key: [
              { wildcard: 'vpc/AWSLogs/*/vpcflowlogs/*.log.gz' },
              { wildcard: 'vpc/AWSLogs/aws-account-id*/aws-service*vpcflowlogs/*.log.gz' },
              { wildcard: 'vpc/AWSLogs/*/vpcflowlogs/*.parquet' },
              { wildcard: 'vpc/AWSLogs/aws-account-id*/aws-service*vpcflowlogs/*.parquet' },
            ],
          },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: arnOf(bridged, queue.queue),
          DeadLetterConfig: { Arn: arnOf(bridged, queue.deadLetterQueue) },
        }),
      ],
    });
    bridged.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(bridged, queue.queue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnEquals: { 'aws:SourceArn': arnOf(bridged, bridged.stack.flowLogs.eventRule!) } },
          }),
        ]),
      },
    });
  });

  it('with flowLogNotificationTopicArn, subscribes the ingest queue to that topic instead of EventBridge', () => {
    topic.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: TOPIC_ARN,
      Protocol: 'sqs',
      Endpoint: arnOf(topic, topic.stack.queue.queue),
      RedrivePolicy: { deadLetterTargetArn: arnOf(topic, topic.stack.queue.deadLetterQueue) },
    });
    topic.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } },
          }),
        ]),
      },
    });
    expect(topic.stack.flowLogs.eventRule).toBeUndefined();
  });

  it('with flowLogKmsKeyArn, the ingest role may decrypt with that key, and only through S3', () => {
    expect(statement(bridged, 'ingest', 'DecryptFlowLogObjects')).toEqual({
      Sid: 'DecryptFlowLogObjects',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': join('s3.', { Ref: 'AWS::Region' }, '.amazonaws.com') } },
    });
    expect(statement(topic, 'ingest', 'DecryptFlowLogObjects')).toBeUndefined();
  });
});

describe('least privilege on shared buckets', () => {
  it('the ingest role reads only the two flow-log key shapes, not the CloudTrail or Config logs beside them', () => {
    const bucket = (s: string) => join('arn:', { Ref: 'AWS::Partition' }, `:s3:::org-log-archive/${s}`);
    expect(statement(bridged, 'ingest', 'ReadFlowLogObjects')).toEqual({
      Sid: 'ReadFlowLogObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: [
        bucket('vpc/AWSLogs/*/vpcflowlogs/*'),
        bucket('vpc/AWSLogs/aws-account-id=*/aws-service=vpcflowlogs/*'),
      ],
    });
    const arn = arnOf(created, created.stack.flowLogs.bucket);
    expect(statement(created, 'ingest', 'ReadFlowLogObjects')?.Resource).toEqual([
      join(arn, '/AWSLogs/*/vpcflowlogs/*'),
      join(arn, '/AWSLogs/aws-account-id=*/aws-service=vpcflowlogs/*'),
    ]);
  });

  it('log delivery may write only the two flow-log key shapes of each account', () => {
    const arn = arnOf(created, created.stack.flowLogs.bucket);
    const write = created.template
      .toJSON()
      .Resources[idOf(created, created.stack.flowLogs.bucket.policy!)].Properties.PolicyDocument.Statement.find(
        (s: { Sid?: string }) => s.Sid === 'AWSLogDeliveryWrite',
      );
    const expected = [{ Ref: 'AWS::AccountId' }, ...MEMBERS].flatMap((a) =>
      [
        join(arn, '/AWSLogs/', a, '/vpcflowlogs/*'),
        join(arn, '/AWSLogs/aws-account-id=', a, '/aws-service=vpcflowlogs/*'),
      ].map((j) => normalizeJoin(j)),
    );
    expect(write.Resource).toHaveLength(expected.length);
    expect(write.Resource).toEqual(expect.arrayContaining(expected));
  });

  it('the delivery ACL-check statement also allows s3:ListBucket, under the same source conditions', () => {
    const accounts = [{ Ref: 'AWS::AccountId' }, ...MEMBERS];
    created.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AWSLogDeliveryAclCheck',
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: ['s3:GetBucketAcl', 's3:ListBucket'],
            Resource: arnOf(created, created.stack.flowLogs.bucket),
            Condition: {
              StringEquals: { 'aws:SourceAccount': accounts },
              ArnLike: {
                'aws:SourceArn': accounts.map((a) =>
                  normalizeJoin(join('arn:', { Ref: 'AWS::Partition' }, ':logs:*:', a, ':*')),
                ),
              },
            },
          },
        ]),
      },
    });
  });

  it('the Firehose delivery role writes only the summary table folder and its error folder', () => {
    const role = created.stack.firehose!.stream.extendedS3DestinationConfiguration as { roleArn: unknown };
    const roleId = (created.stack.resolve(role.roleArn) as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const curated = arnOf(created, created.stack.curated.bucket);
    expect(roleStatements(created.template, roleId).find((s) => s.Sid === 'WriteSummaryObjects')).toEqual({
      Sid: 'WriteSummaryObjects',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      Resource: [join(curated, '/tables/firehose-errors/*'), join(curated, '/tables/summary/*')],
    });
  });

  it('the queue policy for S3 names both the bucket and this account', () => {
    created.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(created, created.stack.queue.queue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
            Resource: arnOf(created, created.stack.queue.queue),
            Condition: {
              ArnLike: { 'aws:SourceArn': arnOf(created, created.stack.flowLogs.bucket) },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  it('the flow-log prefix may not hold "*", which would widen every pattern built from it', () => {
    expect(() => resolveConfig((k) => (({ flowLogPrefix: 'logs*/' }) as Record<string, unknown>)[k])).toThrow(
      ContextValueError,
    );
    expect(
      resolveConfig((k) => (({ flowLogPrefix: "org-1/vpc_(prod)!'.x/" }) as Record<string, unknown>)[k]).flowLogPrefix,
    ).toBe("org-1/vpc_(prod)!'.x/");
  });
});

describe('evidence that cannot be changed quietly', () => {
  it(`the created flow-log bucket is versioned with Object Lock in governance mode for rawLogLockDays (default ${DEFAULTS.rawLogLockDays})`, () => {
    const props = (s: Synthesized) => s.template.toJSON().Resources[idOf(s, s.stack.flowLogs.bucket)].Properties;
    expect(props(created)).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: DEFAULTS.rawLogLockDays } },
      },
    });
    expect(
      props(synthesize({ rawLogLockDays: 2555, rawLogExpirationDays: 2555 })).ObjectLockConfiguration.Rule
        .DefaultRetention.Days,
    ).toBe(2555);
  });

  it('the curated bucket (tables, boundary policy) is versioned', () => {
    const props = created.template.toJSON().Resources[idOf(created, created.stack.curated.bucket)].Properties;
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it(`noncurrent versions expire after noncurrentVersionExpirationDays (default ${DEFAULTS.noncurrentVersionExpirationDays}) in both buckets`, () => {
    const rules = (bucket: { node: { defaultChild?: unknown } }) =>
      created.template.toJSON().Resources[idOf(created, bucket)].Properties.LifecycleConfiguration.Rules as Array<
        Record<string, unknown>
      >;
    const days = { NoncurrentDays: DEFAULTS.noncurrentVersionExpirationDays };
    expect(rules(created.stack.flowLogs.bucket)).toContainEqual(
      expect.objectContaining({ Prefix: 'AWSLogs/', NoncurrentVersionExpiration: days }),
    );
    expect(rules(created.stack.curated.bucket)).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: days, ExpiredObjectDeleteMarker: true }),
    );
    expect(rules(created.stack.curated.bucket).find((r) => r.NoncurrentVersionExpiration)).not.toHaveProperty('Prefix');
  });

  it('only the sync role may write or delete the boundary policy: a bucket-policy Deny for every other principal', () => {
    const curated = created.stack.curated.bucket;
    created.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(created, curated),
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'BoundaryPolicyWrittenBySyncOnly',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject'],
            Resource: join(arnOf(created, curated), '/config/boundaries.json'),
            Condition: {
              ArnNotEquals: { 'aws:PrincipalArn': arnOf(created, created.stack.boundarySync.handler.role) },
            },
          },
        ]),
      },
    });
    // And the ingest role, which writes the tables, cannot be given the policy key by configuration.
    expect(() => resolveConfig((k) => (({ policyKey: 'tables/config.json' }) as Record<string, unknown>)[k])).toThrow(
      /policyKey/,
    );
  });

  it('a write (or denied attempt) on the boundary policy by another principal is recorded and alarms', () => {
    const watch = created.stack.policyWatch;
    const policyArn = join(arnOf(created, created.stack.curated.bucket), '/config/boundaries.json');
    // The trail records the write data events of that key.
    created.template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      EnableLogFileValidation: true,
      EventSelectors: [
        {
          ReadWriteType: 'WriteOnly',
          IncludeManagementEvents: false,
          DataResources: [{ Type: 'AWS::S3::Object', Values: [policyArn] }],
        },
      ],
    });
    // EventBridge keeps those whose caller is not a session of the sync role...
    created.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['s3.amazonaws.com'],
          readOnly: [false],
          resources: { ARN: [policyArn] },
          userIdentity: {
            arn: [
              {
                'anything-but': {
                  prefix: join(
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':sts::',
                    { Ref: 'AWS::AccountId' },
                    `:assumed-role/${DEFAULTS.syncRoleName}/`,
                  ),
                },
              },
            ],
          },
        },
      },
      Targets: [Match.objectLike({ Arn: arnOf(created, watch.auditQueue) })],
    });
    // ...in an audit queue whose depth alarms.
    expect(alarmOf(created, watch.alarm)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(created, watch.auditQueue), 'QueueName'] } }],
      AlarmActions: [ref(created, created.stack.monitoring.alarmTopic)],
    });
    // The trail may deliver into its bucket only for trails of this account.
    created.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudTrailWrite',
            Condition: Match.objectLike({
              ArnLike: {
                'aws:SourceArn': join(
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudtrail:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':trail/*',
                ),
              },
            }),
          }),
        ]),
      },
    });
  });
});

describe('boundary sync at organisation scale', () => {
  it(`the sync role has the fixed name ${DEFAULTS.syncRoleName}`, () => {
    created.template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: DEFAULTS.syncRoleName,
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
    });
    expect(roleOf(created, 'sync-boundaries')).toBe(idOf(created, created.stack.boundarySync.handler.role));
  });

  it('member accounts come from an SSM parameter the sync may read, not from the environment', () => {
    const parameter = created.stack.boundarySync.memberAccountsParameter!;
    created.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: DEFAULTS.memberAccountsParameterName,
      Type: 'StringList',
      Value: MEMBERS.join(','),
      Tier: 'Standard',
    });
    const env =
      created.template.toJSON().Resources[functionId(created, 'sync-boundaries')].Properties.Environment.Variables;
    expect(env).not.toHaveProperty('MEMBER_ROLE_ARNS');
    expect(env).toMatchObject({
      MEMBER_ACCOUNTS_SOURCE: `ssm:${DEFAULTS.memberAccountsParameterName}`,
      MEMBER_ROLE_NAME: DEFAULTS.memberRoleName,
    });
    const read = roleStatements(created.template, roleOf(created, 'sync-boundaries')).find((s) =>
      JSON.stringify(s.Action).includes('ssm:GetParameter'),
    );
    expect(read?.Resource).toEqual(
      join(
        'arn:',
        { Ref: 'AWS::Partition' },
        ':ssm:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':parameter',
        ref(created, parameter),
      ),
    );
    // Hundreds of accounts fit: an advanced parameter takes 8 KB.
    const big = Array.from({ length: 400 }, (_, i) => String(100000000000 + i)).join(',');
    synthesize({ memberAccountIds: big, flowLogBucketName: 'org-log-archive' }).template.hasResourceProperties(
      'AWS::SSM::Parameter',
      { Tier: 'Advanced' },
    );
  });

  it('with memberAccountsSource=organizations, the sync lists ACTIVE accounts through AWS Organizations', () => {
    topic.template.resourceCountIs('AWS::SSM::Parameter', 0);
    topic.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'sync-boundaries',
          MEMBER_ACCOUNTS_SOURCE: 'organizations',
        }),
      },
    });
    expect(statement(topic, 'sync-boundaries', 'ListMemberAccounts')).toEqual({
      Sid: 'ListMemberAccounts',
      Effect: 'Allow',
      Action: 'organizations:ListAccounts',
      Resource: '*',
    });
  });

  it('the sync may assume only the member role of the fixed name, and with organizationId only inside the organisation', () => {
    const roleArn = join('arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${DEFAULTS.memberRoleName}`);
    expect(statement(created, 'sync-boundaries', 'AssumeMemberRoles')).toEqual({
      Sid: 'AssumeMemberRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: roleArn,
    });
    expect(statement(topic, 'sync-boundaries', 'AssumeMemberRoles')).toEqual({
      Sid: 'AssumeMemberRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: roleArn,
      Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
    });
  });

  it('the sync reads back the policy it wrote last (the state failed accounts keep)', () => {
    const policy = join(arnOf(created, created.stack.curated.bucket), '/config/boundaries.json');
    expect(statement(created, 'sync-boundaries', 'ReadLastBoundaryPolicy')).toEqual({
      Sid: 'ReadLastBoundaryPolicy',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: policy,
    });
    expect(statement(created, 'sync-boundaries', 'WriteBoundaryPolicy')).toEqual({
      Sid: 'WriteBoundaryPolicy',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: policy,
    });
  });
});

describe('the member-account role (StackSet template)', () => {
  it('trusts only the sync role of the log-archive account, and only from inside the organisation', () => {
    created.memberTemplate.hasResourceProperties('AWS::IAM::Role', {
      RoleName: DEFAULTS.memberRoleName,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: {
              AWS: join('arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'LogArchiveAccountId' }, ':root'),
            },
            Condition: {
              ArnEquals: {
                'aws:PrincipalArn': join(
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':iam::',
                  { Ref: 'LogArchiveAccountId' },
                  `:role/${DEFAULTS.syncRoleName}`,
                ),
              },
              StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
            },
          },
        ],
      },
    });
  });

  it('allows exactly the EC2 read actions the sync calls, and nothing else', () => {
    // The actions the sync code sends: every EC2 command ec2-boundary-source.ts imports.
    const source = readFileSync(new URL('../../functions/adapters/ec2-boundary-source.ts', import.meta.url), 'utf8');
    const ec2Import = /import \{([^}]+)\} from '@aws-sdk\/client-ec2'/.exec(source)![1]!;
    const calls = [...ec2Import.matchAll(/(\w+)Command\b/g)].map((m) => `ec2:${m[1]}`).sort();
    expect(calls).toEqual([...BOUNDARY_READ_ACTIONS]);
    const role = Object.values(created.memberTemplate.findResources('AWS::IAM::Role'))[0]!;
    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'ReadEncryptionControls',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'DescribeEncryptionControls', Effect: 'Allow', Action: calls, Resource: '*' }],
        },
      },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    created.memberTemplate.resourceCountIs('AWS::IAM::Policy', 0);
  });

  it('deploys as a StackSet into accounts never bootstrapped: parameters only, no assets, no bootstrap check', () => {
    const template = created.memberTemplate.toJSON();
    expect(Object.keys(template.Parameters)).toEqual(['LogArchiveAccountId', 'OrganizationId']);
    expect(template.Rules).toBeUndefined();
    expect(Object.keys(template.Resources).map((id) => template.Resources[id].Type)).toEqual(['AWS::IAM::Role']);
    created.memberTemplate.templateMatches({
      Parameters: {
        LogArchiveAccountId: { Type: 'String', AllowedPattern: '^\\d{12}$' },
        OrganizationId: { Type: 'String', AllowedPattern: '^o-[a-z0-9]{10,32}$' },
      },
    });
  });
});

describe('operations defaults', () => {
  it(`ingest reserves ${DEFAULTS.ingestReservedConcurrency} concurrent executions by default (and its pollers follow); "none" removes it`, () => {
    bridged.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ingest' }) },
      ReservedConcurrentExecutions: DEFAULTS.ingestReservedConcurrency,
    });
    bridged.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: DEFAULTS.ingestReservedConcurrency },
    });
    synthesize({ ingestReservedConcurrency: 'none' }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ingest' }) },
      ReservedConcurrentExecutions: Match.absent(),
    });
  });

  it('pins the CDK CLI as an exact devDependency (a registry tarball) with no install script, no dependency and no phoning home', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.devDependencies['aws-cdk']).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
    const entry = lock.packages['node_modules/aws-cdk'];
    expect(entry).toMatchObject({ version: pkg.devDependencies['aws-cdk'], dev: true });
    expect(entry.integrity).toMatch(/^sha512-/);
    expect(entry.hasInstallScript).toBeUndefined();
    expect(entry.dependencies).toBeUndefined();
    // cdk.json: no notices download and no telemetry upload when the CLI runs.
    const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
    expect(cdkJson.notices).toBe(false);
    expect(cdkJson.context['cli-telemetry']).toBe(false);
  });

  it('documents bootstrapping with a restricted execution policy and --trust', () => {
    const doc = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
    expect(doc).toMatch(
      /npx cdk bootstrap aws:\/\/<log-archive-account>\/<region> \\\n\s+--trust <pipeline-account>[^\n]*\\\n\s+--cloudformation-execution-policies arn:aws:iam::<log-archive-account>:policy\/ciphertrail-cfn-exec/,
    );
    expect(doc).not.toContain('npx aws-cdk@2');
  });

  it("keeps every function's log group when the stack is deleted", () => {
    const groups = Object.values(created.template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const group of groups)
      expect(group).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding in any configuration, the member-role stack included', () => {
    for (const s of [created, bridged, topic]) {
      expect(s.nagFindings).toEqual([]);
      expect(s.memberNagFindings).toEqual([]);
    }
  });
});

/** `Fn::Join` with adjacent literal parts merged, as CDK writes it. */
function normalizeJoin(value: { 'Fn::Join': unknown[] }): unknown {
  const parts: unknown[] = [];
  for (const part of value['Fn::Join'][1] as unknown[]) {
    if (typeof part === 'string' && typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] += part;
    else parts.push(part);
  }
  return { 'Fn::Join': ['', parts] };
}
