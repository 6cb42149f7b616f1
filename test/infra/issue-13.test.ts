/**
 * Issue 13 in the CDK app: the Iceberg tables' custom resource, the committer and its schedules,
 * least-privilege grants and the staging lifecycle, each on the synthesized template.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../infra/defaults.js';
import { logicalIdOf, roleStatements, type Synthesized, synthesize } from './synth.js';

let app: Synthesized;
let tuned: Synthesized;

beforeAll(() => {
  app = synthesize({});
  tuned = synthesize({ commitSchedule: 'rate(5 minutes)', stagingExpirationDays: 3 });
});

const functionOf = (s: Synthesized, service: string) =>
  logicalIdOf(s.template, 'AWS::Lambda::Function', `"POWERTOOLS_SERVICE_NAME":"${service}"`);
const roleOf = (s: Synthesized, service: string) =>
  s.template.findResources('AWS::Lambda::Function')[functionOf(s, service)]!.Properties.Role['Fn::GetAtt'][0] as string;

describe('Iceberg tables at deploy time', () => {
  it('creates them with a custom resource served by the tables function; the named queries wait for it', () => {
    const resources = app.template.findResources('Custom::CiphertrailIcebergTables');
    const [id, resource] = Object.entries(resources)[0]!;
    expect(Object.keys(resources)).toHaveLength(1);
    expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [functionOf(app, 'iceberg-tables'), 'Arn'] });
    expect(resource.Properties.DdlHash).toMatch(/^[0-9a-f]{16}$/);
    const named = Object.values(app.template.findResources('AWS::Athena::NamedQuery'));
    expect(named.length).toBeGreaterThanOrEqual(3);
    for (const query of named) expect(query.DependsOn).toContain(id);
    // The staging tables are Glue tables; the Iceberg ones are not CfnTables (Athena DDL creates them).
    const glueNames = Object.values(app.template.findResources('AWS::Glue::Table')).map(
      (t) => t.Properties.TableInput.Name,
    );
    expect(glueNames.sort()).toEqual(['findings_staging', 'summary_staging', 'unencrypted_staging']);
  });

  it('the tables function may create exactly the three Iceberg tables, nothing else in Glue', () => {
    const statements = roleStatements(app.template, roleOf(app, 'iceberg-tables'));
    const glue = statements.find((s) => s.Sid === 'CreateIcebergTables')!;
    expect([...glue.Action].sort()).toEqual(['glue:CreateTable', 'glue:GetDatabase', 'glue:GetTable']);
    const tables = JSON.stringify(glue.Resource);
    for (const name of ['summary', 'unencrypted', 'findings'])
      expect(tables).toContain(`:table/${DEFAULTS.glueDatabaseName}/${name}"`);
    expect(tables).not.toContain('_staging');
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('glue:DeleteTable');
  });
});

describe('the committer', () => {
  it('runs alone (reserved concurrency 1) with Lambda’s longest timeout and its configuration', () => {
    app.template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Timeout: DEFAULTS.committerTimeoutSeconds,
      MemorySize: DEFAULTS.committerMemoryMb,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'commit-tables',
          CURATED_PREFIX: DEFAULTS.curatedPrefix,
          GLUE_DATABASE: DEFAULTS.glueDatabaseName,
          OPTIMIZE_DAYS: String(DEFAULTS.optimizeDays),
        }),
      },
    });
  });

  it('has three schedules, each passing its task, every 15 minutes / hour / day by default and from context', () => {
    const committer = functionOf(app, 'commit-tables');
    const rules = Object.values(app.template.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(committer),
    );
    const byTask = Object.fromEntries(
      rules.map((r) => [JSON.parse(r.Properties.Targets[0].Input).task, r.Properties.ScheduleExpression]),
    );
    expect(byTask).toEqual({ commit: 'rate(15 minutes)', optimize: 'rate(1 hour)', vacuum: 'rate(1 day)' });
    tuned.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ task: 'commit' }) })],
    });
  });

  it('grants Athena on its workgroup only, Glue on its six tables, and S3 by prefix (deletes only in iceberg/)', () => {
    const statements = roleStatements(app.template, roleOf(app, 'commit-tables'));
    const all = JSON.stringify(statements);
    expect(all).not.toMatch(/"Resource":"\*"/);
    const athena = statements.find((s) => s.Sid === 'RunAthenaStatements')!;
    expect([...athena.Action].sort()).toEqual([
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
    ]);
    expect(JSON.stringify(athena.Resource)).toContain(':workgroup/');
    const deletes = statements.filter((s) => [s.Action].flat().includes('s3:DeleteObject'));
    expect(deletes.map((s) => s.Sid)).toEqual(['WriteIcebergFiles']);
    expect(JSON.stringify(deletes[0]!.Resource)).toContain(`/${DEFAULTS.curatedPrefix}iceberg/*`);
    const writes = statements
      .filter((s) => [s.Action].flat().includes('s3:PutObject'))
      .map((s) => s.Sid)
      .sort();
    expect(writes).toEqual(['AthenaResults', 'Watermark', 'WriteIcebergFiles']);
    const staged = statements.find((s) => s.Sid === 'ReadStagedFilesAndLedger')!;
    expect(staged.Action).toBe('s3:GetObject');
    const glue = statements.filter((s) => JSON.stringify(s.Action).includes('glue:'));
    expect(glue.find((s) => s.Sid === 'CommitIcebergTables')!.Action).toContain('glue:UpdateTable');
    expect(JSON.stringify(glue.find((s) => s.Sid === 'ReadStagingTables'))).not.toContain('UpdateTable');
  });

  it('is the only writer of the committed tables and the watermark (bucket-policy Deny for everyone else)', () => {
    const policies = Object.values(app.template.findResources('AWS::S3::BucketPolicy'));
    const deny = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>)
      .find((s) => s.Sid === 'CommittedTablesWrittenByCommitterOnly')!;
    expect(deny.Effect).toBe('Deny');
    expect(deny.Principal).toEqual({ AWS: '*' });
    expect([deny.Action].flat().sort()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject']);
    expect(JSON.stringify(deny.Resource)).toContain(`/${DEFAULTS.curatedPrefix}iceberg/*`);
    expect(JSON.stringify(deny.Resource)).toContain(`/${DEFAULTS.curatedPrefix}_commit/*`);
    expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([
      { 'Fn::GetAtt': [roleOf(app, 'commit-tables'), 'Arn'] },
      { 'Fn::GetAtt': [roleOf(app, 'iceberg-tables'), 'Arn'] },
    ]);
  });

  it('raises an alarm when a task fails', () => {
    app.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionOf(app, 'commit-tables') } }],
      Threshold: 1,
    });
  });
});

describe('staging lifecycle', () => {
  const rulesOf = (s: Synthesized) =>
    Object.values(s.template.findResources('AWS::S3::Bucket'))
      .flatMap((b) => b.Properties.LifecycleConfiguration?.Rules ?? [])
      .filter((r: { Id?: string }) => r.Id?.startsWith('staging-'));

  it('expires staged files, ledger entries and manifests after stagingExpirationDays, never the Iceberg folder', () => {
    const rules = rulesOf(app);
    expect(rules.map((r: { Prefix: string }) => r.Prefix).sort()).toEqual(
      ['_manifests/', '_staged/', 'findings/', 'summary/', 'unencrypted/']
        .map((f) => `${DEFAULTS.curatedPrefix}${f}`)
        .sort(),
    );
    for (const rule of rules) expect(rule.ExpirationInDays).toBe(DEFAULTS.stagingExpirationDays);
    expect(JSON.stringify(rulesOf(app))).not.toContain('iceberg/');
    for (const rule of rulesOf(tuned)) expect(rule.ExpirationInDays).toBe(3);
  });
});

describe('cdk-nag', () => {
  it('has no unacknowledged AwsSolutions finding', () => {
    expect(app.nagFindings).toEqual([]);
    expect(tuned.nagFindings).toEqual([]);
  });
});
