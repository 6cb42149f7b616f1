import { ConfigError } from '../core/errors.js';
import {
  DEFAULT_MEMBER_ROLE_NAME,
  type MemberAccountsSource,
  MemberAccountsSourceError,
  parseMemberAccountsSource,
} from '../core/policy/member-accounts-source.js';
import { type Env, positive } from './lambda-config.js';

/** Environment of the sync-boundaries function (docs/deployment.md lists the contract). */
export interface SyncConfig {
  /** `s3://bucket/key` the policy is written to (and the last known state is read from). */
  readonly policyUri: string;
  readonly regions: string[];
  /** Where the member accounts are listed (`MEMBER_ACCOUNTS_SOURCE`). */
  readonly members: MemberAccountsSource;
  /** The role every member account has for the sync (`MEMBER_ROLE_NAME`). */
  readonly memberRoleName: string;
  readonly includeCaller: boolean;
  /** EC2/STS endpoint override (tests). */
  readonly awsEndpoint: string | undefined;
  readonly s3Endpoint: string | undefined;
  /** Failed control states page here (`ALERT_TOPIC_ARN` with `DEDUP_TABLE`); unset: they are only logged. */
  readonly alerts?: { readonly topicArn: string; readonly dedupTable: string; readonly suppressMinutes: number };
}

/** Environment of the alerting step inside the ingest function; absent POLICY_S3_URI turns alerting off. */
export interface AlertConfig {
  readonly policyUri: string;
  readonly topicArn: string;
  readonly dedupTable: string;
  readonly suppressMinutes: number;
  readonly policyCacheMs: number;
}

/** `POLICY_S3_URI` is the infra contract (docs/deployment.md). */
const policyUriOf = (env: Env) => env.POLICY_S3_URI;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function syncConfig(env: Env): SyncConfig {
  const policyUri = policyUriOf(env);
  if (!policyUri?.startsWith('s3://'))
    throw new ConfigError('POLICY_S3_URI must be s3://bucket/key: where the policy is written');
  const regions = list(env.SYNC_REGIONS ?? env.AWS_REGION);
  if (regions.length === 0) throw new ConfigError('SYNC_REGIONS (comma-separated) or AWS_REGION is required');
  let members: MemberAccountsSource;
  try {
    members = parseMemberAccountsSource(env.MEMBER_ACCOUNTS_SOURCE);
  } catch (err) {
    if (err instanceof MemberAccountsSourceError) throw new ConfigError(`MEMBER_ACCOUNTS_SOURCE: ${err.message}`);
    throw err;
  }
  const memberRoleName = env.MEMBER_ROLE_NAME || DEFAULT_MEMBER_ROLE_NAME;
  if (!/^[\w+=,.@-]{1,64}$/.test(memberRoleName))
    throw new ConfigError(`MEMBER_ROLE_NAME "${memberRoleName}" is not an IAM role name`);
  return {
    policyUri,
    regions,
    members,
    memberRoleName,
    includeCaller: env.SYNC_MEMBERS_ONLY !== 'true',
    awsEndpoint: env.AWS_ENDPOINT || undefined,
    s3Endpoint: env.S3_ENDPOINT || undefined,
    ...syncAlerts(env),
  };
}

function syncAlerts(env: Env): Pick<SyncConfig, 'alerts'> {
  if (!env.ALERT_TOPIC_ARN && !env.DEDUP_TABLE) return {};
  if (!env.ALERT_TOPIC_ARN || !env.DEDUP_TABLE)
    throw new ConfigError('ALERT_TOPIC_ARN and DEDUP_TABLE go together: failed control states page through both');
  return {
    alerts: {
      topicArn: env.ALERT_TOPIC_ARN,
      dedupTable: env.DEDUP_TABLE,
      suppressMinutes: positive(env, 'SUPPRESS_MINUTES', 60),
    },
  };
}

export function alertConfig(env: Env): AlertConfig | undefined {
  const policyUri = policyUriOf(env);
  if (!policyUri) return undefined;
  if (!policyUri.startsWith('s3://')) throw new ConfigError('POLICY_S3_URI must be s3://bucket/key');
  if (!env.ALERT_TOPIC_ARN) throw new ConfigError('ALERT_TOPIC_ARN is required with POLICY_S3_URI');
  if (!env.DEDUP_TABLE) throw new ConfigError('DEDUP_TABLE is required with POLICY_S3_URI');
  return {
    policyUri,
    topicArn: env.ALERT_TOPIC_ARN,
    dedupTable: env.DEDUP_TABLE,
    suppressMinutes: positive(env, 'SUPPRESS_MINUTES', 60),
    policyCacheMs: positive(env, 'POLICY_CACHE_SECONDS', 300) * 1000,
  };
}
