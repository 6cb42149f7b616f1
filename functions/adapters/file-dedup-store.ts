import { randomUUID } from 'node:crypto';
import type { DedupStore } from '../core/alerts/alert-ports.js';
import type { BlobStore } from './blob-store.js';

interface Claim {
  readonly token: string;
  /** Files written before claims had two phases have no state: their claims were sent. */
  readonly state?: 'pending' | 'sent';
  /** Epoch seconds after which the key may be claimed again (end of the lease, or of the suppression window). */
  readonly expires_at: number;
}

/**
 * Dedup state for CLI runs: one JSON document (`alert-dedup.json` in the output folder or S3
 * prefix, through the same store as the tables), read once and written by `save()` at the end of
 * the run. The claims have the two phases of the DynamoDB store, but only live in memory until
 * then, so a killed run leaves no claim behind (its re-run pages again). One run at a time;
 * concurrent Lambda invocations use the DynamoDB store.
 */
export class FileDedupStore implements DedupStore {
  private constructor(
    private readonly store: BlobStore,
    readonly key: string,
    private readonly claims: Map<string, Claim>,
  ) {}

  static async open(store: BlobStore, key: string): Promise<FileDedupStore> {
    const bytes = await store.get(key);
    if (bytes === undefined) return new FileDedupStore(store, key, new Map());
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (err) {
      throw new Error(
        `alert dedup file ${store.describe(key)} is not valid JSON (${(err as Error).message}); delete it to start afresh`,
      );
    }
    return new FileDedupStore(store, key, new Map(Object.entries(parsed as Record<string, Claim>)));
  }

  /** Where the file is (path or s3:// URL). */
  get location(): string {
    return this.store.describe(this.key);
  }

  async claim(key: string, nowMs: number, leaseUntilMs: number): Promise<string | null> {
    const current = this.claims.get(key);
    if (current && current.expires_at > nowMs / 1000) return null;
    const token = randomUUID();
    this.claims.set(key, { token, state: 'pending', expires_at: Math.ceil(leaseUntilMs / 1000) });
    return token;
  }

  async confirm(key: string, token: string, _nowMs: number, expiresAtMs: number): Promise<boolean> {
    if (this.claims.get(key)?.token !== token) return false;
    this.claims.set(key, { token, state: 'sent', expires_at: Math.floor(expiresAtMs / 1000) });
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.claims.get(key)?.token === token) this.claims.delete(key);
  }

  /** Writes the live claims (expired ones are dropped); a local file is replaced atomically. */
  async save(nowMs: number): Promise<void> {
    const live = Object.fromEntries([...this.claims].filter(([, c]) => c.expires_at > nowMs / 1000));
    await this.store.put(this.key, Buffer.from(`${JSON.stringify(live, null, 1)}\n`), 'application/json');
  }
}
