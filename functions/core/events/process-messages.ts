import { DeadlineError } from '../errors.js';
import type { InvocationMessage } from './invocation.js';
import { type S3ObjectRef, s3Url } from './s3-object-ref.js';

export interface MessagePorts {
  /** Ingests one object. Throwing means a transient failure: the message is retried. */
  ingest(ref: S3ObjectRef): Promise<void>;
  /** Milliseconds left before the invocation is cut (Lambda `getRemainingTimeInMillis`). */
  remainingMs(): number;
  /** Quarantines an object that can never finish within one invocation; its message is then acknowledged. */
  giveUp(ref: S3ObjectRef, reason: string): Promise<void>;
}

/**
 * How much time an object needs before it is started: a fixed margin (the output commit, the
 * alert step, the response) plus a pessimistic rate for its size. An object that would not
 * finish is released for retry instead of being cut half-way.
 */
export interface TimeBudget {
  readonly marginMs: number;
  /** Milliseconds per MiB of stored (compressed) object size. */
  readonly msPerMiB: number;
  /**
   * The queue's `maxReceiveCount`: an object that ran out of time on this many receives is
   * quarantined on the last one instead of being sent back (the DLQ would take its message).
   */
  readonly maxReceiveCount?: number;
}

export interface MessagesOutcome {
  /** Message ids to retry: transient failures, invalid messages and released messages. */
  readonly retry: string[];
  readonly transient: { readonly id: string; readonly object: string; readonly error: unknown }[];
  readonly invalid: { readonly id: string; readonly reason: string }[];
  /** Messages not started because the remaining time was too short. */
  readonly released: string[];
  /** Objects stopped while streaming because the invocation's time ran out (their messages are retried). */
  readonly timedOut: { readonly id: string; readonly object: string; readonly reason: string }[];
  /** Objects quarantined because they ran out of time on the queue's last receive. */
  readonly gaveUp: { readonly id: string; readonly object: string; readonly reason: string }[];
  objects: number;
  testEvents: number;
  readonly skipped: string[];
}

const MiB = 1 << 20;

function timeNeededMs(ref: S3ObjectRef, budget: TimeBudget): number {
  return budget.marginMs + ((ref.size ?? 0) / MiB) * budget.msPerMiB;
}

/**
 * Works through the messages of one invocation in order. One bad message never fails the others:
 * a transient error marks only its message for retry; an unrecognised message is retried until it
 * lands in the dead-letter queue. Permanently bad objects are not errors here: the ingest port
 * quarantines them and returns normally, so their message is acknowledged.
 */
export async function processMessages(
  messages: readonly InvocationMessage[],
  ports: MessagePorts,
  budget: TimeBudget,
): Promise<MessagesOutcome> {
  const outcome: MessagesOutcome = {
    retry: [],
    transient: [],
    invalid: [],
    released: [],
    timedOut: [],
    gaveUp: [],
    objects: 0,
    testEvents: 0,
    skipped: [],
  };
  for (let m = 0; m < messages.length; m++) {
    const message = messages[m]!;
    const content = message.content;
    if (content.kind === 'test-event') {
      outcome.testEvents++;
      continue;
    }
    if (content.kind === 'invalid') {
      outcome.invalid.push({ id: message.id, reason: content.reason });
      outcome.retry.push(message.id);
      continue;
    }
    outcome.skipped.push(...content.skipped);
    for (const ref of content.objects) {
      if (ports.remainingMs() < timeNeededMs(ref, budget)) {
        for (const rest of messages.slice(m)) {
          outcome.released.push(rest.id);
          outcome.retry.push(rest.id);
        }
        return outcome;
      }
      try {
        await ports.ingest(ref);
        outcome.objects++;
      } catch (error) {
        const object = s3Url(ref.bucket, ref.key);
        if (!(error instanceof DeadlineError)) {
          outcome.transient.push({ id: message.id, object, error });
          outcome.retry.push(message.id);
          break;
        }
        // Out of time inside this object: nothing of it was written. Its message is retried (or, on
        // the queue's last receive, the object is quarantined); the messages after it are released.
        const attempts = message.receiveCount ?? 1;
        if (budget.maxReceiveCount !== undefined && attempts >= budget.maxReceiveCount) {
          const reason =
            `did not finish within the function's time in ${attempts} attempts (${error.message}): ` +
            'raise the function timeout and memory, or ingest it with the CLI';
          await ports.giveUp(ref, reason);
          outcome.gaveUp.push({ id: message.id, object, reason });
        } else {
          outcome.timedOut.push({ id: message.id, object, reason: error.message });
          outcome.retry.push(message.id);
        }
        for (const rest of messages.slice(m + 1)) {
          outcome.released.push(rest.id);
          outcome.retry.push(rest.id);
        }
        return outcome;
      }
    }
  }
  return outcome;
}
