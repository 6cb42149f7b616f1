/**
 * Issue 15's deployed part in the CDK app: the weekly HTML report function, its schedule, its
 * least-privilege grants and the optional notification, each on the synthesized template.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../infra/defaults.js';
import { logicalIdOf, roleStatements, type Synthesized, synthesize } from './synth.js';

let app: Synthesized;
let notifying: Synthesized;

beforeAll(() => {
  app = synthesize({});
  notifying = synthesize({ weeklyReportNotify: 'true', weeklyReportSchedule: 'cron(0 6 ? * FRI *)' });
});

const functionOf = (s: Synthesized) =>
  logicalIdOf(s.template, 'AWS::Lambda::Function', '"POWERTOOLS_SERVICE_NAME":"weekly-report"');
const roleOf = (s: Synthesized) =>
  s.template.findResources('AWS::Lambda::Function')[functionOf(s)]!.Properties.Role['Fn::GetAtt'][0] as string;
const actionsOf = (s: Synthesized) =>
  roleStatements(s.template, roleOf(s))
    .flatMap((st) => [st.Action].flat() as string[])
    .sort();

describe('the weekly HTML report', () => {
  it(`runs weekly (${DEFAULTS.weeklyReportSchedule} by default, from context) and writes to reports/`, () => {
    app.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: DEFAULTS.weeklyReportSchedule,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionOf(app), 'Arn'] } })],
    });
    notifying.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 ? * FRI *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionOf(notifying), 'Arn'] } })],
    });
    const env = app.template.findResources('AWS::Lambda::Function')[functionOf(app)]!.Properties.Environment.Variables;
    expect(env).toMatchObject({ REPORTS_PREFIX: 'reports/', GLUE_DATABASE: 'ciphertrail' });
  });

  it('may run Athena, read the committed tables and the policy, write only reports/, and publish nothing by default', () => {
    const statements = roleStatements(app.template, roleOf(app));
    const write = statements.find((s) => s.Sid === 'WriteReports')!;
    expect(write.Action).toBe('s3:PutObject');
    expect(JSON.stringify(write.Resource)).toContain('/reports/*');
    expect(actionsOf(app)).not.toContain('sns:Publish');
    expect(actionsOf(app).filter((a) => a.startsWith('athena:'))).toEqual([
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StartQueryExecution',
    ]);
    expect(actionsOf(app).some((a) => /Delete|glue:Create|glue:Update/.test(a))).toBe(false);
  });

  it('with weeklyReportNotify, sends the location to the alert topic (publish, and the key to encrypt)', () => {
    expect(actionsOf(notifying)).toEqual(expect.arrayContaining(['sns:Publish', 'kms:GenerateDataKey*']));
    const env =
      notifying.template.findResources('AWS::Lambda::Function')[functionOf(notifying)]!.Properties.Environment
        .Variables;
    expect(env.REPORT_TOPIC_ARN.Ref).toMatch(/^AlertingTopic/);
  });

  it('has no unacknowledged AwsSolutions finding', () => {
    expect(app.nagFindings).toEqual([]);
    expect(notifying.nagFindings).toEqual([]);
  });
});
