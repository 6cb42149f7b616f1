/**
 * Issue 14 in the CDK app: the member role and the sync role may call exactly the EC2 reads the
 * inventory needs (the actions are derived from the commands ec2-boundary-source.ts sends), and
 * the sync function pages failed control states through the alert topic and dedup table.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOUNDARY_READ_ACTIONS } from '../../infra/constructs/boundary-sync.js';
import { logicalIdOf, roleStatements, type Synthesized, synthesize } from './synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize({ memberAccountIds: '222222222222', organizationId: 'o-a1b2c3d4e5' });
});

const syncFunction = () =>
  logicalIdOf(app.template, 'AWS::Lambda::Function', '"POWERTOOLS_SERVICE_NAME":"sync-boundaries"');

describe('issue 14: inventory permissions and failed-state paging', () => {
  it('the member role allows the inventory calls: blocking resources, account control, TGWs, instances', () => {
    const source = readFileSync(new URL('../../functions/adapters/ec2-boundary-source.ts', import.meta.url), 'utf8');
    const ec2Import = /import \{([^}]+)\} from '@aws-sdk\/client-ec2'/.exec(source)![1]!;
    const sent = [...ec2Import.matchAll(/(\w+)Command\b/g)].map((m) => `ec2:${m[1]}`).sort();
    expect([...BOUNDARY_READ_ACTIONS]).toEqual(sent);
    for (const action of [
      'ec2:GetVpcResourcesBlockingEncryptionEnforcement',
      'ec2:DescribeAccountVpcEncryptionControl',
      'ec2:DescribeTransitGateways',
      'ec2:DescribeInstances',
    ])
      expect(BOUNDARY_READ_ACTIONS).toContain(action);
    const role = Object.values(app.memberTemplate.findResources('AWS::IAM::Role'))[0]!;
    const statements = role.Properties.Policies[0].PolicyDocument.Statement;
    expect(statements).toEqual([
      { Sid: 'DescribeEncryptionControls', Effect: 'Allow', Action: [...BOUNDARY_READ_ACTIONS], Resource: '*' },
    ]);
    expect(app.memberNagFindings).toEqual([]);
  });

  it('the sync role has the same reads, and may publish to the alert topic and claim in the dedup table', () => {
    const fn = app.template.toJSON().Resources[syncFunction()];
    const roleId = (fn.Properties.Role['Fn::GetAtt'] as string[])[0]!;
    const statements = roleStatements(app.template, roleId);
    const reads = statements.find((s) => s.Sid === 'DescribeEncryptionControls');
    expect(reads?.Action).toEqual([...BOUNDARY_READ_ACTIONS]);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(expect.arrayContaining(['sns:Publish', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
    const env = fn.Properties.Environment.Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['ALERT_TOPIC_ARN', 'DEDUP_TABLE', 'SUPPRESS_MINUTES']));
    expect(app.nagFindings).toEqual([]);
  });
});
