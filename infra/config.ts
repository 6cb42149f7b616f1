import { parseLogFormat } from '../functions/core/flow-log-format.js';
import { DEFAULTS } from './defaults.js';

/** Everything a deployment can vary, resolved from CDK context over DEFAULTS and validated. */
export interface CiphertrailConfig {
  /** Accounts whose flow logs deliver into the flow-log bucket (the deploying account is always added). */
  readonly memberAccountIds: readonly string[];
  /** Import this existing bucket instead of creating one (its owner keeps the bucket policy). */
  readonly flowLogBucketName?: string;
  readonly flowLogPrefix: string;
  readonly rawLogInfrequentAccessDays: number;
  readonly rawLogGlacierDays: number;
  readonly rawLogExpirationDays: number;
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
  /** Roles in member accounts the boundary sync assumes (DescribeVpcEncryptionControls, DescribeVpcs, DescribeNetworkInterfaces). */
  readonly memberRoleArns: readonly string[];
  /** Regions the boundary sync describes; empty means the deployment region. */
  readonly syncRegions: readonly string[];
  readonly logRetentionDays: number;
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
  readonly firehoseEnabled: boolean;
  readonly firehoseLogFormat: string;
  readonly firehoseBufferSeconds: number;
}

/** Raised at synth time when a context value is unusable; the message says which and how to fix it. */
export class ConfigError extends Error {
  constructor(key: string, problem: string, fix: string) {
    super(`ciphertrail context "${key}": ${problem}. ${fix}`);
    this.name = 'ConfigError';
  }
}

/** Reads one context value; `tryGetContext` of a construct node fits. */
export type ContextReader = (key: string) => unknown;

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
const WORKGROUP_NAME = /^[a-zA-Z0-9._-]{1,128}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^([A-Za-z0-9!_.*'()-]+\/)*$/;
/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
  3288, 3653];
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;

/** Resolves and validates the configuration; throws ConfigError on the first bad value. */
export function resolveConfig(read: ContextReader): CiphertrailConfig {
  const ctx = new ContextValues(read);
  const config: CiphertrailConfig = {
    memberAccountIds: ctx.list('memberAccountIds', ACCOUNT_ID, 'a 12-digit AWS account id'),
    flowLogBucketName: ctx.optionalString('flowLogBucketName', BUCKET_NAME, 'an S3 bucket name'),
    flowLogPrefix: ctx.string('flowLogPrefix', PREFIX, 'empty or a key prefix ending in "/" (not "AWSLogs/")'),
    rawLogInfrequentAccessDays: ctx.int('rawLogInfrequentAccessDays', 30, 3650),
    rawLogGlacierDays: ctx.int('rawLogGlacierDays', 1, 3650),
    rawLogExpirationDays: ctx.int('rawLogExpirationDays', 1, 36500),
    ingestMemoryMb: ctx.int('ingestMemoryMb', 128, 10_240),
    ingestTimeoutSeconds: ctx.int('ingestTimeoutSeconds', 10, 900),
    ingestReservedConcurrency: ctx.optionalInt('ingestReservedConcurrency', 2, 1000),
    ingestBatchSize: ctx.int('ingestBatchSize', 1, 10_000),
    ingestBatchWindowSeconds: ctx.int('ingestBatchWindowSeconds', 0, 300),
    ingestMaxReceiveCount: ctx.int('ingestMaxReceiveCount', 1, 1000),
    transformMemoryMb: ctx.int('transformMemoryMb', 128, 10_240),
    transformTimeoutSeconds: ctx.int('transformTimeoutSeconds', 10, 300, 'Firehose invokes a transform for at most 300 s'),
    syncMemoryMb: ctx.int('syncMemoryMb', 128, 10_240),
    syncTimeoutSeconds: ctx.int('syncTimeoutSeconds', 10, 900),
    boundarySyncSchedule: ctx.string('boundarySyncSchedule', SCHEDULE, 'an EventBridge rate(...) or cron(...) expression'),
    memberRoleArns: ctx.list('memberRoleArns', ROLE_ARN, 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)'),
    syncRegions: ctx.list('syncRegions', /^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as eu-west-1'),
    logRetentionDays: ctx.oneOf('logRetentionDays', LOG_RETENTION_DAYS),
    windowSeconds: ctx.int('windowSeconds', 60, 86_400),
    curatedPrefix: ctx.string('curatedPrefix', /^([A-Za-z0-9_.-]+\/)+$/, 'a key prefix ending in "/", e.g. tables/'),
    policyKey: ctx.string('policyKey', /^[A-Za-z0-9_.\/-]+\.json$/, 'an S3 key ending in .json'),
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
    firehoseEnabled: ctx.boolean('firehoseEnabled'),
    firehoseLogFormat: ctx.string('firehoseLogFormat', /\S/, 'a flow-log format string'),
    firehoseBufferSeconds: ctx.int('firehoseBufferSeconds', 60, 900),
  };
  return crossCheck(config);
}

function crossCheck(config: CiphertrailConfig): CiphertrailConfig {
  if (config.flowLogPrefix.split('/').includes('AWSLogs')) {
    throw new ConfigError('flowLogPrefix', '"AWSLogs" cannot be a subfolder name for flow logs',
      'Give the folder in front of AWSLogs/, or leave it empty.');
  }
  const { rawLogInfrequentAccessDays: ia, rawLogGlacierDays: glacier, rawLogExpirationDays: expire } = config;
  if (!(ia < glacier && glacier < expire)) {
    throw new ConfigError('rawLogGlacierDays', `lifecycle days must increase (IA ${ia} < Glacier ${glacier} < expiry ${expire})`,
      'Set rawLogInfrequentAccessDays < rawLogGlacierDays < rawLogExpirationDays.');
  }
  if (config.ingestBatchSize > 10 && config.ingestBatchWindowSeconds < 1) {
    throw new ConfigError('ingestBatchSize', 'SQS batches above 10 messages need a batching window',
      'Set ingestBatchWindowSeconds to at least 1.');
  }
  if (config.firehoseEnabled) {
    try {
      const layout = parseLogFormat(config.firehoseLogFormat);
      if (!layout.positionOf.has('encryption_status')) throw new Error('it lacks ${encryption-status}');
    } catch (err) {
      throw new ConfigError('firehoseLogFormat', (err as Error).message,
        'Use the exact format string of the flow log that delivers to Firehose, including ${encryption-status}.');
    }
  }
  return config;
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
      throw new ConfigError(key, `${JSON.stringify(value)} is not valid`, `Expected ${expected}.`);
    }
    return value;
  }

  optionalString(key: string, pattern: RegExp, expected: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw new ConfigError(key, `${JSON.stringify(value)} is not valid`, `Expected ${expected}.`);
    }
    return value;
  }

  int(key: string, min: number, max: number, why?: string): number {
    const value = this.optionalInt(key, min, max, why) ?? this.fallback(key);
    if (typeof value !== 'number') throw new ConfigError(key, 'no value and no default', 'Set it in cdk.json context.');
    return value;
  }

  optionalInt(key: string, min: number, max: number, why?: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(key, `${JSON.stringify(value)} is not an integer in ${min}..${max}${why ? ` (${why})` : ''}`,
        `Pass -c ${key}=<integer between ${min} and ${max}>.`);
    }
    return n;
  }

  oneOf(key: string, allowed: readonly number[]): number {
    const value = this.int(key, Math.min(...allowed), Math.max(...allowed));
    if (!allowed.includes(value)) {
      throw new ConfigError(key, `${value} is not allowed`, `Use one of ${allowed.join(', ')}.`);
    }
    return value;
  }

  boolean(key: string): boolean {
    const value = this.raw(key) ?? this.fallback(key) ?? false;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new ConfigError(key, `${JSON.stringify(value)} is not a boolean`, `Pass -c ${key}=true or -c ${key}=false.`);
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
        throw new ConfigError(key, `${JSON.stringify(item)} is not valid`,
          `Each entry must be ${expected} (a JSON string in cdk.json); separate entries with commas on the command line.`);
      }
      if (!out.includes(text.trim())) out.push(text.trim());
    }
    return out;
  }
}
