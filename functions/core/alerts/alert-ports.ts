import type { FindingRow } from '../../../schemas/tables.js';
import type { BoundaryIndex } from '../policy/boundary-index.js';
import type { OutputFile } from '../ports.js';
import type { AlertMessage } from './alert-message.js';

/** Where cleartext groups came from: the source object (its key or URL) and its stable identity. */
export interface AlertOrigin {
  readonly object: string;
  readonly identity: string;
}

/** The boundary policy in force (a warm Lambda caches it; the CLI has it loaded). */
export interface PolicySource {
  get(): Promise<BoundaryIndex>;
}

/**
 * Suppression state shared by every concurrent run, in two phases so that a run that dies
 * half-way (timeout, out of memory) suppresses nothing for long:
 * - `claim` takes a *pending* claim, for exactly one caller per key, unless a live claim exists:
 *   a sent one within its suppression window, or a pending one whose lease has not run out;
 * - `confirm` turns our pending claim into a *sent* one once its message went out;
 * - `release` gives a claim back (its message failed).
 * A pending claim whose claimant never confirms or releases lapses when its lease ends.
 */
export interface DedupStore {
  /** Returns the claim's token, or null when a live claim exists. */
  claim(key: string, nowMs: number, leaseUntilMs: number): Promise<string | null>;
  /** Marks the claim sent, suppressing the key until `expiresAtMs`; false when the claim is no longer ours. */
  confirm(key: string, token: string, nowMs: number, expiresAtMs: number): Promise<boolean>;
  /** Removes the claim if it is still ours. */
  release(key: string, token: string): Promise<void>;
}

export interface AlertPublisher {
  /** Where messages go (topic ARN), for reports. */
  readonly destination: string;
  /** Publishes one message (retrying transient errors); returns the message id or throws. */
  publish(message: AlertMessage): Promise<string>;
}

/** Writes one object's rows of the `findings` table (replacing what an earlier run wrote for it). */
export interface FindingsWriter {
  write(origin: AlertOrigin, rows: readonly FindingRow[]): Promise<readonly OutputFile[]>;
}

/** Where a run keeps its records (alerts.jsonl, readiness.jsonl, the policy copy): a local folder or S3 prefix. */
export interface RecordStore {
  /** A printable location of `key` (path or s3:// URL). */
  describe(key: string): string;
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}
