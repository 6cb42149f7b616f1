import { ConfigError } from '../functions/core/errors.js';
import { parseLogFormat } from '../functions/core/flow-log-format.js';
import { DEFAULTS } from './defaults.js';

/** Everything a deployment can vary, resolved from CDK context over DEFAULTS and validated. */
export interface CiphertrailConfig {
  /** Accounts whose flow logs deliver into the flow-log bucket (the deploying account is always added). */
  readonly memberAccountIds: readonly string[];
  /** Import this existing bucket instead of creating one (its owner keeps the bucket policy and notifications). */
  readonly flowLogBucketName?: string;
  /** An imported bucket's existing SNS topic of ObjectCreated notifications; without it, EventBridge. */
  readonly flowLogNotificationTopicArn?: string;
  /** KMS key an imported bucket encrypts its objects with (SSE-KMS): the ingest role may decrypt with it. */
  readonly flowLogKmsKeyArn?: string;
  readonly flowLogPrefix: string;
  readonly rawLogInfrequentAccessDays: number;
  readonly rawLogGlacierDays: number;
  readonly rawLogExpirationDays: number;
  readonly rawLogLockDays: number;
  readonly noncurrentVersionExpirationDays: number;
  readonly ingestMemoryMb: number;
  readonly ingestTimeoutSeconds: number;
  readonly ingestReservedConcurrency?: number;
  readonly ingestBatchSize: number;
  readonly ingestBatchWindowSeconds: number;
  readonly ingestMaxReceiveCount: number;
  readonly transformMemoryMb: number;
  readonly transformTimeoutSeconds: number;
  readonly syncMemoryMb: number;
  readonly syncTimeoutSeconds: number;
  readonly boundarySyncSchedule: string;
  /** Where the sync reads the member accounts: the SSM parameter of memberAccountIds, or AWS Organizations. */
  readonly memberAccountsSource: 'parameter' | 'organizations';
  readonly memberAccountsParameterName: string;
  /** The read-only role every member account has under this name (infra/member-role-stack.ts). */
  readonly memberRoleName: string;
  readonly syncRoleName: string;
  /** The organisation (o-...): conditions the member roles' trust and the sync's AssumeRole on it. */
  readonly organizationId?: string;
  /** Regions the boundary sync describes; empty means the deployment region. */
  readonly syncRegions: readonly string[];
  readonly logRetentionDays: number;
  readonly commitSchedule: string;
  readonly optimizeSchedule: string;
  readonly vacuumSchedule: string;
  readonly weeklyReportSchedule: string;
  readonly weeklyReportNotify: boolean;
  readonly optimizeDays: number;
  readonly stagingExpirationDays: number;
  readonly committerMemoryMb: number;
  readonly committerTimeoutSeconds: number;
  readonly windowSeconds: number;
  readonly curatedPrefix: string;
  readonly policyKey: string;
  readonly projectionStartDate: string;
  readonly athenaResultsExpirationDays: number;
  readonly glueDatabaseName: string;
  readonly athenaWorkgroupName: string;
  readonly athenaBytesScannedCutoffGb: number;
  readonly suppressMinutes: number;
  readonly alertEmails: readonly string[];
  readonly alertHttpsEndpoints: readonly string[];
  readonly alarmEmails: readonly string[];
  readonly processingLagAlarmSeconds: number;
  readonly cleartextFlowsAlarmThreshold: number;
  readonly ingestHeartbeatHours: number;
  readonly boundaryPolicyMaxAgeHours: number;
  readonly firehoseEnabled: boolean;
  readonly firehoseLogFormat: string;
  readonly firehoseBufferSeconds: number;
}

/** Raised at synth time when a context value is unusable; the message says which and how to fix it. */
export class ContextValueError extends ConfigError {
  constructor(key: string, problem: string, fix: string) {
    super(`ciphertrail context "${key}": ${problem}. ${fix}`);
    this.name = 'ContextValueError';
  }
}

/** Reads one context value; `tryGetContext` of a construct node fits. */
export type ContextReader = (key: string) => unknown;

const ACCOUNT_ID = /^\d{12}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
const WORKGROUP_NAME = /^[a-zA-Z0-9._-]{1,128}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** S3's safe key characters without `*`: the prefix lands in IAM and bucket-policy resources and EventBridge wildcards. */
const PREFIX = /^([A-Za-z0-9!_.'()-]+\/)*$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/[A-Za-z0-9-]+$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PARAMETER_NAME = /^\/?[A-Za-z0-9_./-]{1,1011}$/;
/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;

/** Resolves and validates the configuration; throws ConfigError on the first bad value. */
export function resolveConfig(read: ContextReader): CiphertrailConfig {
  const ctx = new ContextValues(read);
  if (read('memberRoleArns') !== undefined) {
    throw new ContextValueError(
      'memberRoleArns',
      "is no longer read (a list of role ARNs outgrew Lambda's 4 KB environment)",
      'List the accounts in memberAccountIds (or set memberAccountsSource=organizations); every member account has the ' +
        `role named by memberRoleName (default ${DEFAULTS.memberRoleName}), deployed by the member-role StackSet.`,
    );
  }
  const config: CiphertrailConfig = {
    memberAccountIds: ctx.list('memberAccountIds', ACCOUNT_ID, 'a 12-digit AWS account id'),
    flowLogBucketName: ctx.optionalString('flowLogBucketName', BUCKET_NAME, 'an S3 bucket name'),
    flowLogNotificationTopicArn: ctx.optionalString(
      'flowLogNotificationTopicArn',
      TOPIC_ARN,
      'an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
    ),
    flowLogKmsKeyArn: ctx.optionalString(
      'flowLogKmsKeyArn',
      KEY_ARN,
      'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    ),
    flowLogPrefix: ctx.string(
      'flowLogPrefix',
      PREFIX,
      'empty or a key prefix ending in "/" (not "AWSLogs/"), of letters, digits and !_.\'()- (no "*")',
    ),
    rawLogInfrequentAccessDays: ctx.int('rawLogInfrequentAccessDays', 30, 3650),
    rawLogGlacierDays: ctx.int('rawLogGlacierDays', 1, 3650),
    rawLogExpirationDays: ctx.int('rawLogExpirationDays', 1, 36500),
    rawLogLockDays: ctx.int('rawLogLockDays', 1, 36500),
    noncurrentVersionExpirationDays: ctx.int('noncurrentVersionExpirationDays', 1, 36500),
    ingestMemoryMb: ctx.int('ingestMemoryMb', 128, 10_240),
    ingestTimeoutSeconds: ctx.int('ingestTimeoutSeconds', 10, 900),
    ingestReservedConcurrency: ctx.intOrNone(
      'ingestReservedConcurrency',
      2,
      1000,
      'the SQS event source caps pollers at 2 or more',
    ),
    ingestBatchSize: ctx.int('ingestBatchSize', 1, 10_000),
    ingestBatchWindowSeconds: ctx.int('ingestBatchWindowSeconds', 0, 300),
    ingestMaxReceiveCount: ctx.int('ingestMaxReceiveCount', 1, 1000),
    transformMemoryMb: ctx.int('transformMemoryMb', 128, 10_240),
    transformTimeoutSeconds: ctx.int(
      'transformTimeoutSeconds',
      10,
      300,
      'Firehose invokes a transform for at most 300 s',
    ),
    syncMemoryMb: ctx.int('syncMemoryMb', 128, 10_240),
    syncTimeoutSeconds: ctx.int('syncTimeoutSeconds', 10, 900),
    boundarySyncSchedule: ctx.string(
      'boundarySyncSchedule',
      SCHEDULE,
      'an EventBridge rate(...) or cron(...) expression',
    ),
    memberAccountsSource: ctx.choice('memberAccountsSource', ['parameter', 'organizations'] as const),
    memberAccountsParameterName: ctx.string('memberAccountsParameterName', PARAMETER_NAME, 'an SSM parameter name'),
    memberRoleName: ctx.string('memberRoleName', ROLE_NAME, 'an IAM role name'),
    syncRoleName: ctx.string('syncRoleName', ROLE_NAME, 'an IAM role name'),
    organizationId: ctx.optionalString('organizationId', ORGANIZATION_ID, 'an organization id (o-...)'),
    syncRegions: ctx.list('syncRegions', /^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as eu-west-1'),
    logRetentionDays: ctx.oneOf('logRetentionDays', LOG_RETENTION_DAYS),
    commitSchedule: ctx.string('commitSchedule', SCHEDULE, 'an EventBridge rate(...) or cron(...) expression'),
    optimizeSchedule: ctx.string('optimizeSchedule', SCHEDULE, 'an EventBridge rate(...) or cron(...) expression'),
    vacuumSchedule: ctx.string('vacuumSchedule', SCHEDULE, 'an EventBridge rate(...) or cron(...) expression'),
    weeklyReportSchedule: ctx.string(
      'weeklyReportSchedule',
      SCHEDULE,
      'an EventBridge rate(...) or cron(...) expression',
    ),
    weeklyReportNotify: ctx.boolean('weeklyReportNotify'),
    optimizeDays: ctx.int('optimizeDays', 1, 30),
    stagingExpirationDays: ctx.int('stagingExpirationDays', 2, 3650),
    committerMemoryMb: ctx.int('committerMemoryMb', 128, 10_240),
    committerTimeoutSeconds: ctx.int('committerTimeoutSeconds', 60, 900),
    windowSeconds: ctx.int('windowSeconds', 60, 86_400),
    curatedPrefix: ctx.string('curatedPrefix', /^([A-Za-z0-9_.-]+\/)+$/, 'a key prefix ending in "/", e.g. tables/'),
    policyKey: ctx.string('policyKey', /^[A-Za-z0-9_./-]+\.json$/, 'an S3 key ending in .json'),
    projectionStartDate: ctx.string('projectionStartDate', DAY, 'a date yyyy-MM-dd'),
    athenaResultsExpirationDays: ctx.int('athenaResultsExpirationDays', 1, 3650),
    glueDatabaseName: ctx.string('glueDatabaseName', GLUE_NAME, 'lower-case letters, digits and underscores'),
    athenaWorkgroupName: ctx.string('athenaWorkgroupName', WORKGROUP_NAME, 'letters, digits, ".", "_" and "-"'),
    athenaBytesScannedCutoffGb: ctx.int('athenaBytesScannedCutoffGb', 1, 1_000_000),
    suppressMinutes: ctx.int('suppressMinutes', 1, 10_080),
    alertEmails: ctx.list('alertEmails', EMAIL, 'an e-mail address'),
    alertHttpsEndpoints: ctx.list('alertHttpsEndpoints', /^https:\/\/\S+$/, 'an https:// URL'),
    alarmEmails: ctx.list('alarmEmails', EMAIL, 'an e-mail address'),
    processingLagAlarmSeconds: ctx.int('processingLagAlarmSeconds', 60, 1_209_600),
    cleartextFlowsAlarmThreshold: ctx.int('cleartextFlowsAlarmThreshold', 1, Number.MAX_SAFE_INTEGER),
    // One alarm period of N hours; CloudWatch allows an evaluation range of at most 7 days.
    ingestHeartbeatHours: ctx.int('ingestHeartbeatHours', 1, 168, 'an alarm period of at most 7 days'),
    boundaryPolicyMaxAgeHours: ctx.int('boundaryPolicyMaxAgeHours', 1, 168, 'an alarm period of at most 7 days'),
    firehoseEnabled: ctx.boolean('firehoseEnabled'),
    firehoseLogFormat: ctx.string('firehoseLogFormat', /\S/, 'a flow-log format string'),
    firehoseBufferSeconds: ctx.int('firehoseBufferSeconds', 60, 900),
  };
  return crossCheck(config);
}

function crossCheck(config: CiphertrailConfig): CiphertrailConfig {
  if (config.flowLogPrefix.split('/').includes('AWSLogs')) {
    throw new ContextValueError(
      'flowLogPrefix',
      '"AWSLogs" cannot be a subfolder name for flow logs',
      'Give the folder in front of AWSLogs/, or leave it empty.',
    );
  }
  const { rawLogInfrequentAccessDays: ia, rawLogGlacierDays: glacier, rawLogExpirationDays: expire } = config;
  if (!(ia < glacier && glacier < expire)) {
    throw new ContextValueError(
      'rawLogGlacierDays',
      `lifecycle days must increase (IA ${ia} < Glacier ${glacier} < expiry ${expire})`,
      'Set rawLogInfrequentAccessDays < rawLogGlacierDays < rawLogExpirationDays.',
    );
  }
  if (config.rawLogLockDays > expire) {
    throw new ContextValueError(
      'rawLogLockDays',
      `Object Lock of ${config.rawLogLockDays} days outlasts the ${expire}-day expiry`,
      'Set rawLogLockDays <= rawLogExpirationDays.',
    );
  }
  const imported = config.flowLogBucketName !== undefined;
  if (!imported && (config.flowLogNotificationTopicArn || config.flowLogKmsKeyArn)) {
    throw new ContextValueError(
      config.flowLogNotificationTopicArn ? 'flowLogNotificationTopicArn' : 'flowLogKmsKeyArn',
      'applies to an imported bucket only',
      'Set flowLogBucketName too, or leave it out for the created bucket (SSE-S3, direct notifications).',
    );
  }
  if (config.policyKey.startsWith(config.curatedPrefix)) {
    throw new ContextValueError(
      'policyKey',
      `"${config.policyKey}" lies under curatedPrefix "${config.curatedPrefix}", where the ingest role writes`,
      'Keep the boundary policy outside the tables prefix (default config/boundaries.json).',
    );
  }
  const syncHours = rateHours(config.boundarySyncSchedule);
  if (syncHours !== undefined && syncHours >= config.boundaryPolicyMaxAgeHours) {
    throw new ContextValueError(
      'boundaryPolicyMaxAgeHours',
      `${config.boundaryPolicyMaxAgeHours} h does not exceed the sync schedule ` +
        `(${config.boundarySyncSchedule}), so a healthy sync would alarm`,
      "Set it above the schedule's interval.",
    );
  }
  if (config.ingestBatchSize > 10 && config.ingestBatchWindowSeconds < 1) {
    throw new ContextValueError(
      'ingestBatchSize',
      'SQS batches above 10 messages need a batching window',
      'Set ingestBatchWindowSeconds to at least 1.',
    );
  }
  if (config.firehoseEnabled) {
    try {
      const layout = parseLogFormat(config.firehoseLogFormat);
      if (!layout.positionOf.has('encryption_status')) throw new Error('it lacks ${encryption-status}');
    } catch (err) {
      throw new ContextValueError(
        'firehoseLogFormat',
        (err as Error).message,
        'Use the exact format string of the flow log that delivers to Firehose, including ${encryption-status}.',
      );
    }
  }
  return config;
}

/** Hours between runs of a `rate(...)` schedule; undefined for cron expressions. */
function rateHours(schedule: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2]!.startsWith('minute') ? n / 60 : match[2]!.startsWith('hour') ? n : n * 24;
}

/** Typed access to context values that may come from cdk.json (JSON types) or `-c key=value` (strings). */
class ContextValues {
  constructor(private readonly read: ContextReader) {}

  private raw(key: string): unknown {
    const value = this.read(key);
    return value === undefined || value === null || value === '' ? undefined : value;
  }

  private fallback(key: string): unknown {
    return (DEFAULTS as Record<string, unknown>)[key];
  }

  string(key: string, pattern: RegExp, expected: string): string {
    const value = this.raw(key) ?? this.fallback(key) ?? '';
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw new ContextValueError(key, `${JSON.stringify(value)} is not valid`, `Expected ${expected}.`);
    }
    return value;
  }

  optionalString(key: string, pattern: RegExp, expected: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw new ContextValueError(key, `${JSON.stringify(value)} is not valid`, `Expected ${expected}.`);
    }
    return value;
  }

  int(key: string, min: number, max: number, why?: string): number {
    const value = this.optionalInt(key, min, max, why) ?? this.fallback(key);
    if (typeof value !== 'number')
      throw new ContextValueError(key, 'no value and no default', 'Set it in cdk.json context.');
    return value;
  }

  optionalInt(key: string, min: number, max: number, why?: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ContextValueError(
        key,
        `${JSON.stringify(value)} is not an integer in ${min}..${max}${why ? ` (${why})` : ''}`,
        `Pass -c ${key}=<integer between ${min} and ${max}>.`,
      );
    }
    return n;
  }

  /** An integer, or `none` for "not set" (a default that can be switched off). */
  intOrNone(key: string, min: number, max: number, why?: string): number | undefined {
    if (this.raw(key) === 'none') return undefined;
    return this.optionalInt(key, min, max, why) ?? (this.fallback(key) as number | undefined);
  }

  choice<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.raw(key) ?? this.fallback(key);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw new ContextValueError(key, `${JSON.stringify(value)} is not allowed`, `Use one of ${allowed.join(', ')}.`);
    }
    return value as T;
  }

  oneOf(key: string, allowed: readonly number[]): number {
    const value = this.int(key, Math.min(...allowed), Math.max(...allowed));
    if (!allowed.includes(value)) {
      throw new ContextValueError(key, `${value} is not allowed`, `Use one of ${allowed.join(', ')}.`);
    }
    return value;
  }

  boolean(key: string): boolean {
    const value = this.raw(key) ?? this.fallback(key) ?? false;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new ContextValueError(
      key,
      `${JSON.stringify(value)} is not a boolean`,
      `Pass -c ${key}=true or -c ${key}=false.`,
    );
  }

  /** A JSON array, or a comma-separated string (what `-c key=a,b` gives). */
  list(key: string, pattern: RegExp, expected: string): string[] {
    const value = this.raw(key);
    if (value === undefined) return [];
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
    const out: string[] = [];
    for (const item of items) {
      const text = typeof item === 'number' ? String(item) : item;
      if (typeof text !== 'string' || !pattern.test(text.trim())) {
        throw new ContextValueError(
          key,
          `${JSON.stringify(item)} is not valid`,
          `Each entry must be ${expected} (a JSON string in cdk.json); separate entries with commas on the command line.`,
        );
      }
      if (!out.includes(text.trim())) out.push(text.trim());
    }
    return out;
  }
}
