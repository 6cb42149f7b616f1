import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DedupStore } from '../core/alerts/raise-alerts.js';

interface Claim {
  readonly token: string;
  /** Epoch seconds after which the key may page again. */
  readonly expires_at: number;
}

/**
 * Dedup state for local runs: a JSON file (`<out>/alert-dedup.json`) read once and written by
 * `save()`. One process at a time; concurrent Lambda invocations use the DynamoDB store.
 */
export class FileDedupStore implements DedupStore {
  private constructor(readonly path: string, private readonly claims: Map<string, Claim>) {}

  static async open(path: string): Promise<FileDedupStore> {
    if (!existsSync(path)) return new FileDedupStore(path, new Map());
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`alert dedup file ${path} is not valid JSON (${(err as Error).message}); delete it to start afresh`);
    }
    return new FileDedupStore(path, new Map(Object.entries(parsed as Record<string, Claim>)));
  }

  async claim(key: string, nowMs: number, ttlSeconds: number): Promise<string | null> {
    const current = this.claims.get(key);
    if (current && current.expires_at > nowMs / 1000) return null;
    const token = randomUUID();
    this.claims.set(key, { token, expires_at: Math.floor(nowMs / 1000) + ttlSeconds });
    return token;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.claims.get(key)?.token === token) this.claims.delete(key);
  }

  /** Writes the live claims (expired ones are dropped) atomically. */
  async save(nowMs: number): Promise<void> {
    const live = Object.fromEntries([...this.claims].filter(([, c]) => c.expires_at > nowMs / 1000));
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(live, null, 1) + '\n');
    await rename(temp, this.path);
  }
}
