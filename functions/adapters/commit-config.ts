import { AthenaClient } from '@aws-sdk/client-athena';
import { ConfigError } from '../core/errors.js';
import { AthenaSqlRunner } from './athena-sql-runner.js';
import { type Env, positive } from './lambda-config.js';
import { asFolder } from './s3-client.js';

/** Environment of the committer and of the table custom resource (docs/lambda.md, docs/tables.md). */
export interface CommitConfig {
  readonly curatedBucket: string;
  /** Prefix of the staged tables (the ingest's CURATED_PREFIX). */
  readonly curatedPrefix: string;
  /** `s3://bucket/prefix/` under which each Iceberg table has its folder. */
  readonly icebergLocation: string;
  readonly database: string;
  readonly workGroup: string;
  /** Days OPTIMIZE rewrites, today included (late objects land in earlier days). */
  readonly optimizeDays: number;
  readonly maxEntries: number;
  /** Athena and S3 endpoints (tests); the real services when absent. */
  readonly athenaEndpoint: string | undefined;
  readonly s3Endpoint: string | undefined;
}

export function commitConfig(env: Env): CommitConfig {
  const need = (name: string, what: string) => {
    const value = env[name];
    if (!value) throw new ConfigError(`${name} is required: ${what}`);
    return value;
  };
  const bucket = need('CURATED_BUCKET', 'the bucket of the staged and committed tables');
  const prefix = asFolder(env.CURATED_PREFIX ?? '');
  return {
    curatedBucket: bucket,
    curatedPrefix: prefix,
    icebergLocation: asFolder(env.ICEBERG_LOCATION || `s3://${bucket}/${prefix}iceberg/`),
    database: need('GLUE_DATABASE', 'the Glue database of the tables'),
    workGroup: need('ATHENA_WORKGROUP', 'the Athena workgroup the statements run in'),
    optimizeDays: Math.round(positive(env, 'OPTIMIZE_DAYS', 3)),
    maxEntries: Math.round(positive(env, 'COMMIT_MAX_ENTRIES', 20_000)),
    athenaEndpoint: env.ATHENA_ENDPOINT || undefined,
    s3Endpoint: env.S3_ENDPOINT || undefined,
  };
}

/** The Athena `SqlRunner` of a configuration. */
export function athenaRunner(config: CommitConfig, deadlineMs?: number): AthenaSqlRunner {
  const client = new AthenaClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(config.athenaEndpoint ? { endpoint: config.athenaEndpoint } : {}),
  });
  return new AthenaSqlRunner(client, {
    workGroup: config.workGroup,
    database: config.database,
    ...(deadlineMs !== undefined ? { timeoutMs: deadlineMs } : {}),
  });
}
