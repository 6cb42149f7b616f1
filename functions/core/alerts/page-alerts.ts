import { definedProps } from '../defined.js';
import type { Alert } from './alert.js';
import { boundaryOf, DEFAULT_ALERTS_PER_VPC, groupByBoundary, renderAlertMessage } from './alert-message.js';
import type { AlertPublisher, DedupStore } from './alert-ports.js';

const DEFAULT_SUPPRESS_MINUTES = 60;
/**
 * Lease of a pending claim when the run has no deadline (the CLI): the longest a Lambda function
 * can run. With a deadline the lease ends with it: a claimant can confirm no later than that.
 */
const UNBOUNDED_LEASE_MS = 15 * 60_000;
/**
 * Time a run keeps for publishing and confirming once it stops claiming: SNS with its retries
 * (4 attempts, backoff up to 5 s) and one DynamoDB write per alert. No claim is taken with less left.
 */
const DEFAULT_RESERVE_MS = 20_000;

export interface PageOptions {
  readonly dedup: DedupStore;
  /** Without a publisher alerts are only claimed (local runs write them to alerts.jsonl). */
  readonly publisher?: AlertPublisher;
  /** The run's time: suppression windows start here, messages carry it. */
  readonly now: number;
  /** The current time, for the lease of pending claims (the deadline is measured against it). */
  readonly clock: () => number;
  /** Milliseconds before the caller is cut off (Lambda); absent: no deadline. */
  readonly remainingMs?: () => number;
  /** A key pages at most once per this many minutes (default 60). */
  readonly suppressMinutes?: number;
  /** Alerts claimed and named per boundary VPC per run; the rest are counted in the message (default 25). */
  readonly maxAlertsPerVpc?: number;
  readonly reserveMs?: number;
  /** Size limit of one SNS message (the topic's MaximumMessageSize). */
  readonly maxMessageBytes?: number;
  /** Dedup round trips in flight at once. */
  readonly concurrency?: number;
}

interface SentMessage {
  readonly messageId: string;
  readonly subject: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** Alerts the message stands for: named and counted. */
  readonly alerts: number;
  readonly shown: number;
  readonly bodyBytes: number;
}

export interface PageResult {
  /** Alerts claimed, published (with a publisher) and confirmed by this run, ranked. */
  readonly paged: Alert[];
  /** Alerts another run paged within the suppression window (or is paging right now). */
  readonly suppressed: Alert[];
  /** New alerts over the per-VPC cap: counted in their boundary's message, not claimed, so a later run may page them. */
  readonly capped: Alert[];
  /** Alerts not tried because the deadline was near: the caller retries the run to page them. */
  readonly deferred: Alert[];
  readonly messages: SentMessage[];
  /** Messages that still failed after retries; their claims were given back. */
  readonly failures: { readonly subject: string; readonly alerts: number; readonly reason: string }[];
  /** Published alerts whose claim could not be confirmed: it lapses with its lease, so one more page is possible. */
  readonly unconfirmed: { readonly dedupKey: string; readonly reason: string }[];
}

/**
 * Pages new violations, one SNS message per boundary VPC:
 * 1. claims (pending) the top `maxAlertsPerVpc` new alerts of each boundary, skipping suppressed
 *    ones, and stops claiming when less than `reserveMs` is left before the deadline;
 * 2. publishes each boundary's message: the claimed alerts named, the ones over the cap counted;
 * 3. confirms the claims of a sent message (sent: suppressed for the window), or releases them
 *    when it failed, so the retried run pages them.
 * A failing dedup store gives back the claims made so far and throws.
 */
export async function pageAlerts(alerts: readonly Alert[], options: PageOptions): Promise<PageResult> {
  const { dedup, now } = options;
  const cap = options.maxAlertsPerVpc ?? DEFAULT_ALERTS_PER_VPC;
  const concurrency = options.concurrency ?? 16;
  const claims = await claimTop(alerts, options, cap, concurrency);
  const result: PageResult = {
    paged: [],
    suppressed: ranked(alerts, claims.suppressed),
    capped: [],
    deferred: ranked(alerts, claims.deferred),
    messages: [],
    failures: [],
    unconfirmed: [],
  };
  const expiresAtMs = now + Math.round((options.suppressMinutes ?? DEFAULT_SUPPRESS_MINUTES) * 60) * 1000;
  const sent = new Set<Alert>();
  const capped = new Set<Alert>(claims.capped);
  const confirm = (list: readonly Alert[]) =>
    forEachLimited(list, concurrency, async (alert) => {
      const token = claims.tokens.get(alert)!;
      try {
        if (await dedup.confirm(alert.dedup_key, token, now, expiresAtMs)) return;
        result.unconfirmed.push({
          dedupKey: alert.dedup_key,
          reason: 'the claim was taken over after its lease ran out',
        });
      } catch (error) {
        result.unconfirmed.push({ dedupKey: alert.dedup_key, reason: reasonOf(error) });
      }
    });

  for (const boundary of claims.boundaries) {
    const listed = boundary.filter((a) => claims.tokens.has(a));
    const more = boundary.filter((a) => capped.has(a));
    if (!options.publisher) {
      for (const a of listed) sent.add(a);
      await confirm(listed);
      continue;
    }
    const message = renderAlertMessage(
      listed,
      more,
      definedProps({ now, maxOffenders: cap, maxBytes: options.maxMessageBytes }),
    );
    // Only alerts a page names are suppressed: the ones the size limit cut are counted like those over the cap.
    const unnamed = listed.slice(message.shown);
    for (const a of unnamed) capped.add(a);
    await releaseAll(dedup, unnamed, claims.tokens);
    try {
      const messageId = await options.publisher.publish(message);
      for (const a of message.alerts) sent.add(a);
      result.messages.push({
        messageId,
        subject: message.subject,
        accountId: message.accountId,
        vpcId: message.vpcId,
        alerts: message.shown + message.notShown,
        shown: message.shown,
        bodyBytes: Buffer.byteLength(message.body),
      });
    } catch (error) {
      result.failures.push({ subject: message.subject, alerts: message.alerts.length, reason: reasonOf(error) });
      await releaseAll(dedup, message.alerts, claims.tokens);
      continue;
    }
    await confirm(message.alerts);
  }
  result.paged.push(...ranked(alerts, sent)); // keep the ranking across messages
  result.capped.push(...ranked(alerts, capped));
  return result;
}

interface Claims {
  /** Boundaries with at least one claim, in order of their worst claimed alert. */
  readonly boundaries: Alert[][];
  readonly tokens: Map<Alert, string>;
  readonly suppressed: Set<Alert>;
  readonly capped: Alert[];
  readonly deferred: Set<Alert>;
}

/**
 * Claims boundary by boundary in waves: each wave tries as many of a boundary's next alerts as it
 * still has room for under the cap, so suppressed alerts make room for the next ones and no more
 * than `cap` are ever claimed per boundary.
 */
async function claimTop(
  alerts: readonly Alert[],
  options: PageOptions,
  cap: number,
  concurrency: number,
): Promise<Claims> {
  const reserve = options.reserveMs ?? DEFAULT_RESERVE_MS;
  const remaining = options.remainingMs;
  // Measured together, clock + remaining is the deadline: no claimant lives past it.
  const leaseUntil = options.clock() + (remaining ? remaining() : UNBOUNDED_LEASE_MS);
  const boundaries = groupByBoundary(alerts);
  const progress = boundaries.map(() => ({ next: 0, claimed: 0 }));
  const tokens = new Map<Alert, string>();
  const suppressed = new Set<Alert>();
  const deferred = new Set<Alert>();
  let outOfTime = false;
  try {
    for (;;) {
      const wave: { alert: Alert; boundary: number }[] = [];
      boundaries.forEach((list, b) => {
        const p = progress[b]!;
        const take = list.slice(p.next, p.next + cap - p.claimed);
        p.next += take.length;
        wave.push(...take.map((alert) => ({ alert, boundary: b })));
      });
      if (wave.length === 0) break;
      await forEachLimited(wave, concurrency, async ({ alert, boundary }) => {
        if (outOfTime || (remaining && remaining() < reserve)) {
          outOfTime = true;
          deferred.add(alert);
          return;
        }
        const token = await options.dedup.claim(alert.dedup_key, options.now, leaseUntil);
        if (token === null) {
          suppressed.add(alert);
        } else {
          tokens.set(alert, token);
          progress[boundary]!.claimed++;
        }
      });
      if (outOfTime) break;
    }
  } catch (err) {
    await releaseAll(options.dedup, [...tokens.keys()], tokens);
    throw err;
  }
  const capped: Alert[] = [];
  boundaries.forEach((list, b) => {
    const rest = list.slice(progress[b]!.next);
    if (progress[b]!.claimed >= cap) capped.push(...rest);
    else for (const a of rest) deferred.add(a);
  });
  const order = new Map<string, Alert[]>();
  for (const alert of alerts) {
    if (tokens.has(alert) && !order.has(boundaryOf(alert))) order.set(boundaryOf(alert), []);
  }
  for (const list of boundaries) order.get(boundaryOf(list[0]!))?.push(...list);
  return { boundaries: [...order.values()], tokens, suppressed, capped, deferred };
}

export class AlertPublishError extends Error {
  constructor(
    readonly failures: PageResult['failures'],
    readonly result: PageResult,
  ) {
    super(
      `${failures.length} alert message(s) could not be published: ` +
        failures.map((f) => `${f.subject}: ${f.reason}`).join('; '),
    );
    this.name = 'AlertPublishError';
  }
}

/** The deadline stopped claiming: the caller fails its run so the retry pages the deferred alerts. */
export class AlertDeadlineError extends Error {
  constructor(
    readonly result: PageResult,
    reserveMs = DEFAULT_RESERVE_MS,
  ) {
    super(
      `${result.deferred.length} alert(s) not checked: less than ${reserveMs} ms was left to publish them; ` +
        `${result.paged.length} paged, the retry pages the rest`,
    );
    this.name = 'AlertDeadlineError';
  }
}

/** Throws when a run did not page everything it should have: a failed message, or alerts the deadline deferred. */
export function assertComplete(result: PageResult, reserveMs?: number): void {
  if (result.failures.length > 0) throw new AlertPublishError(result.failures, result);
  if (result.deferred.length > 0) throw new AlertDeadlineError(result, reserveMs);
}

const ranked = (alerts: readonly Alert[], keep: ReadonlySet<Alert>) => alerts.filter((a) => keep.has(a));

const reasonOf = (error: unknown) => (error as Error)?.message ?? String(error);

async function releaseAll(
  dedup: DedupStore,
  alerts: readonly Alert[],
  tokens: ReadonlyMap<Alert, string>,
): Promise<void> {
  await Promise.allSettled(alerts.map((alert) => dedup.release(alert.dedup_key, tokens.get(alert)!)));
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
