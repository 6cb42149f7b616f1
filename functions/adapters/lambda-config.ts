import { ConfigError } from '../core/errors.js';
import type { TimeBudget } from '../core/events/process-messages.js';
import { type FlowLogLayout, parseLogFormat } from '../core/flow-log-format.js';
import { asFolder } from './s3-client.js';

/** Environment of the Lambda functions (docs/lambda.md lists every variable). */
export type Env = Readonly<Record<string, string | undefined>>;

export interface IngestConfig {
  readonly curatedBucket: string;
  readonly curatedPrefix: string;
  /** Layout of headerless objects; objects with a header line bind their own. */
  readonly format: FlowLogLayout | undefined;
  readonly windowSeconds: number;
  readonly time: TimeBudget;
  /** Text one object may inflate to before it is quarantined (a gzip bomb cannot use up the invocation). */
  readonly maxTextBytes: number;
  /** S3-compatible endpoint (tests); real S3 when absent. */
  readonly s3Endpoint: string | undefined;
}

export interface TransformConfig {
  readonly format: FlowLogLayout;
  readonly windowSeconds: number;
  readonly responseBudgetBytes: number | undefined;
}

export function ingestConfig(env: Env): IngestConfig {
  const bucket = env.CURATED_BUCKET;
  if (!bucket) throw new ConfigError('CURATED_BUCKET is required: the bucket the tables are written to');
  return {
    curatedBucket: bucket,
    curatedPrefix: asFolder(env.CURATED_PREFIX ?? ''),
    format: env.FLOW_LOG_FORMAT ? layout(env.FLOW_LOG_FORMAT) : undefined,
    windowSeconds: positive(env, 'WINDOW_SECONDS', 300),
    time: {
      marginMs: positive(env, 'TIME_MARGIN_MS', 30_000),
      msPerMiB: positive(env, 'MS_PER_MIB', 2_000),
      ...(env.MAX_RECEIVE_COUNT ? { maxReceiveCount: positive(env, 'MAX_RECEIVE_COUNT', 5) } : {}),
    },
    maxTextBytes: positive(env, 'MAX_OBJECT_TEXT_BYTES', 4 * 1024 ** 3),
    s3Endpoint: env.S3_ENDPOINT || undefined,
  };
}

export function transformConfig(env: Env): TransformConfig {
  if (!env.FLOW_LOG_FORMAT) throw new ConfigError('FLOW_LOG_FORMAT is required: Firehose records carry no header line');
  return {
    format: layout(env.FLOW_LOG_FORMAT),
    windowSeconds: positive(env, 'WINDOW_SECONDS', 300),
    responseBudgetBytes: env.RESPONSE_BUDGET_BYTES ? positive(env, 'RESPONSE_BUDGET_BYTES', 0) : undefined,
  };
}

function layout(format: string): FlowLogLayout {
  try {
    return parseLogFormat(format);
  } catch (err) {
    throw new ConfigError(`FLOW_LOG_FORMAT: ${(err as Error).message}`);
  }
}

/** A positive number from the environment, `fallback` when unset; anything else is a ConfigError. */
export function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** A handler built on first use, so configuration errors surface in the invocation's log. */
export function lazyHandler<E, C, R>(
  build: () => (event: E, context: C) => Promise<R>,
): (event: E, context: C) => Promise<R> {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  return (event, context) => (built ??= build())(event, context);
}
