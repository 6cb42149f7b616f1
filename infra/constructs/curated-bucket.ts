import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface CuratedBucketProps {
  readonly accessLogs: s3.IBucket;
  /** Key prefix of Athena query results (expired after `resultsExpirationDays`). */
  readonly resultsPrefix: string;
  readonly resultsExpirationDays: number;
}

/**
 * The bucket of everything ciphertrail writes: the Parquet tables (`<curatedPrefix><table>/dt=…/`),
 * quarantined objects (`<curatedPrefix>rejects/`), the boundary policy file and Athena results.
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
      lifecycleRules: [
        { id: 'athena-results', prefix: props.resultsPrefix, expiration: Duration.days(props.resultsExpirationDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }
}
