import type { BoundaryPolicy } from '../../../schemas/boundary-policy.js';
import type { CleartextGroup } from '../flow-log-aggregator.js';
import { BoundaryIndex } from '../policy/boundary-index.js';
import { type Alert, buildAlerts, classifyGroups } from './alert.js';
import { type AlertMessage, buildAlertMessages } from './alert-message.js';

/**
 * Suppression state shared by every concurrent invocation. `claim` succeeds for exactly one
 * caller per key until `ttlSeconds` pass; the token lets that caller give the claim back.
 */
export interface DedupStore {
  claim(key: string, nowMs: number, ttlSeconds: number): Promise<string | null>;
  release(key: string, token: string): Promise<void>;
}

export interface AlertPublisher {
  /** Where messages go (topic ARN), for reports. */
  readonly destination: string;
  /** Publishes one message (retrying transient errors); returns the message id or throws. */
  publish(message: AlertMessage): Promise<string>;
}

export interface PageAlertsInput {
  /** Ranked paging alerts (violations), e.g. from `buildAlerts(..., 'violation', ...)`. */
  readonly alerts: readonly Alert[];
  readonly dedup: DedupStore;
  /** Without a publisher alerts are only claimed (local runs write them to alerts.jsonl). */
  readonly publisher?: AlertPublisher;
  readonly now: number;
  /** A key pages at most once per this many minutes (default 60). */
  readonly suppressMinutes?: number;
  readonly maxOffenders?: number;
  /** Claims in flight at once (DynamoDB round trips). */
  readonly concurrency?: number;
}

export interface SentMessage {
  readonly messageId: string;
  readonly subject: string;
  readonly accountId: string;
  readonly vpcId: string;
  readonly alerts: number;
  readonly shown: number;
  readonly bodyBytes: number;
}

export interface PageResult {
  /** Alerts claimed and (with a publisher) published by this call. */
  readonly paged: Alert[];
  /** Alerts another run already paged within the suppression window. */
  readonly suppressed: Alert[];
  readonly messages: SentMessage[];
}

export class AlertPublishError extends Error {
  constructor(readonly failures: readonly { subject: string; error: unknown }[], readonly result: PageResult) {
    super(`${failures.length} alert message(s) could not be published: ` +
      failures.map((f) => `${f.subject}: ${(f.error as Error)?.message ?? String(f.error)}`).join('; '));
    this.name = 'AlertPublishError';
  }
}

export const DEFAULT_SUPPRESS_MINUTES = 60;

/**
 * The composable alerting step for the Lambda ingest handler: classify the cleartext groups of
 * a batch against the policy and page new violations. Throws AlertPublishError when a message
 * still fails after retries; its alerts are released so the retried batch pages them again.
 */
export async function raiseAlerts(input: Omit<PageAlertsInput, 'alerts'> & {
  readonly groups: readonly CleartextGroup[];
  readonly policy: BoundaryPolicy | BoundaryIndex;
}): Promise<PageResult> {
  const index = input.policy instanceof BoundaryIndex ? input.policy : new BoundaryIndex(input.policy);
  const alerts = buildAlerts(classifyGroups(input.groups, index), 'violation', index);
  return pageAlerts({ ...input, alerts });
}

/** Claims each alert's dedup key, then publishes one message per boundary VPC with the new ones. */
export async function pageAlerts(input: PageAlertsInput): Promise<PageResult> {
  const ttlSeconds = Math.round((input.suppressMinutes ?? DEFAULT_SUPPRESS_MINUTES) * 60);
  const claims = new Map<Alert, string>();
  const suppressed: Alert[] = [];
  try {
    await forEachLimited(input.alerts, input.concurrency ?? 16, async (alert) => {
      const token = await input.dedup.claim(alert.dedup_key, input.now, ttlSeconds);
      if (token === null) suppressed.push(alert);
      else claims.set(alert, token);
    });
  } catch (err) {
    await releaseAll(input.dedup, claims);
    throw err;
  }
  const fresh = input.alerts.filter((a) => claims.has(a));
  const result: PageResult = { paged: [], suppressed, messages: [] };
  if (!input.publisher) {
    result.paged.push(...fresh);
    return result;
  }
  const failures: { subject: string; error: unknown }[] = [];
  const sent = new Set<Alert>();
  for (const message of buildAlertMessages(fresh, { now: input.now, maxOffenders: input.maxOffenders })) {
    try {
      const messageId = await input.publisher.publish(message);
      for (const alert of message.alerts) sent.add(alert);
      result.messages.push({ messageId, subject: message.subject, accountId: message.accountId, vpcId: message.vpcId,
        alerts: message.alerts.length, shown: message.shown, bodyBytes: Buffer.byteLength(message.body) });
    } catch (error) {
      failures.push({ subject: message.subject, error });
      await releaseAll(input.dedup, new Map(message.alerts.map((a) => [a, claims.get(a)!])));
    }
  }
  result.paged.push(...fresh.filter((a) => sent.has(a))); // keep the ranking across messages
  if (failures.length > 0) throw new AlertPublishError(failures, result);
  return result;
}

async function releaseAll(dedup: DedupStore, claims: ReadonlyMap<Alert, string>): Promise<void> {
  await Promise.allSettled([...claims].map(([alert, token]) => dedup.release(alert.dedup_key, token)));
}

async function forEachLimited<T>(items: readonly T[], limit: number, visit: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await visit(items[next++]!);
  };
  // Every worker settles before an error surfaces, so no claim is made after the caller releases.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}
