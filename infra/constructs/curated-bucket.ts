import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface CuratedBucketProps {
  readonly accessLogs: s3.IBucket;
  /** Key prefix of Athena query results (expired after `resultsExpirationDays`). */
  readonly resultsPrefix: string;
  readonly resultsExpirationDays: number;
  /** Days an overwritten or deleted object version is kept. */
  readonly noncurrentExpirationDays: number;
}

/**
 * The bucket of everything ciphertrail writes: the Parquet tables (`<curatedPrefix><table>/dt=…/`),
 * quarantined objects (`<curatedPrefix>rejects/`), the boundary policy file and Athena results.
 * Versioned: every earlier boundary policy and table file stays readable for
 * `noncurrentExpirationDays` after it is replaced.
 */
export class CuratedBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly resultsPrefix: string;

  constructor(scope: Construct, id: string, props: CuratedBucketProps) {
    super(scope, id);
    this.resultsPrefix = props.resultsPrefix;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'curated/',
      versioned: true,
      lifecycleRules: [
        { id: 'athena-results', prefix: props.resultsPrefix, expiration: Duration.days(props.resultsExpirationDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          id: 'noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentExpirationDays),
          expiredObjectDeleteMarker: true,
        },
      ],
    });
  }

  /**
   * Only `writer` may write or delete the object at `key`: a bucket-policy Deny for every other
   * principal of any account, the account root and administrators included (an explicit Deny
   * beats any Allow). Changing that takes s3:PutBucketPolicy, itself logged by CloudTrail.
   */
  restrictWriters(id: string, key: string, writer: iam.IRole): void {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: id,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects(key)],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': writer.roleArn } },
      }),
    );
  }
}
