import { Aws, CfnOutput, CfnParameter, DefaultStackSynthesizer, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { BOUNDARY_READ_ACTIONS } from './constructs/boundary-sync.js';
import { acknowledge } from './nag.js';

export interface MemberRoleStackProps extends StackProps {
  /** The read-only role's name (the sync assumes `arn:<partition>:iam::<member>:role/<name>`). */
  readonly memberRoleName: string;
  /** The sync function's role name in the log-archive account. */
  readonly syncRoleName: string;
}

/**
 * The member-account side of the boundary sync, deployed into every member account as a
 * CloudFormation StackSet (docs/deployment.md): one read-only role, assumable only by the sync
 * role of the log-archive account, only from inside the organisation, allowed exactly the EC2
 * read actions the sync calls.
 *
 * The template has no assets and no CDK bootstrap check, so it deploys into accounts that were
 * never bootstrapped; the log-archive account and the organisation are StackSet parameters.
 */
export class MemberRoleStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MemberRoleStackProps) {
    super(scope, id, { ...props, synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
    const logArchive = new CfnParameter(this, 'LogArchiveAccountId', {
      type: 'String',
      allowedPattern: '^\\d{12}$',
      description: 'The account the ciphertrail stack (and its boundary-sync role) runs in',
    });
    const organization = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      allowedPattern: '^o-[a-z0-9]{10,32}$',
      description: 'The AWS Organizations id (o-...): the sync role must belong to it',
    });
    const syncRoleArn = `arn:${Aws.PARTITION}:iam::${logArchive.valueAsString}:role/${props.syncRoleName}`;
    // The account as principal and the role in a condition: IAM accepts this before the sync role
    // exists, and it keeps working when that role is deleted and created again (a role ARN as
    // principal would turn into the deleted role's unique id).
    this.role = new iam.Role(this, 'BoundaryReadRole', {
      roleName: props.memberRoleName,
      description:
        'ciphertrail: the boundary sync reads VPC Encryption Controls, VPCs, blocking resources, transit gateways, network interfaces and instance types',
      assumedBy: new iam.AccountPrincipal(logArchive.valueAsString).withConditions({
        ArnEquals: { 'aws:PrincipalArn': syncRoleArn },
        StringEquals: { 'aws:PrincipalOrgID': organization.valueAsString },
      }),
      inlinePolicies: {
        ReadEncryptionControls: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'DescribeEncryptionControls',
              actions: [...BOUNDARY_READ_ACTIONS],
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'The EC2 read actions of the sync (Describe* and GetVpcResourcesBlockingEncryptionEnforcement) support no ' +
        'resource-level permissions; the role allows exactly those read actions and nothing else.',
      'AwsSolutions-IAM5[Resource::*]',
    );
    new CfnOutput(this, 'BoundaryReadRoleArn', { value: this.role.roleArn });
  }
}
