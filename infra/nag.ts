import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on a construct and everything under it (cdk-nag v3 reads CDK's
 * `Validations` acknowledgements). Every acknowledgement carries the specific reason.
 */
export function acknowledge(scope: IConstruct, reason: string, ...ruleIds: string[]): void {
  Validations.of(scope).acknowledge(...ruleIds.map((id) => ({ id, reason })));
}

/**
 * The AwsSolutions-IAM5 finding id of an object wildcard on a bucket, e.g. a grant on
 * `<bucket arn>/tables/*`, in the form cdk-nag prints it: `Resource::<LogicalId.Arn>/tables/*`
 * for a bucket of this stack, `Resource::arn:<AWS::Partition>:s3:::name/tables/*` for an import.
 */
export function objectWildcardFinding(bucket: s3.IBucket, keyPattern: string): string {
  const cfn = bucket.node.defaultChild as CfnElement | undefined;
  const arn = cfn ? `<${Stack.of(bucket).getLogicalId(cfn)}.Arn>` : `arn:<AWS::Partition>:s3:::${bucket.bucketName}`;
  return `AwsSolutions-IAM5[Resource::${arn}/${keyPattern}]`;
}
