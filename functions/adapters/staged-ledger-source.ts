import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { COMMIT_STATE_FOLDER, STAGED_LEDGER_FOLDER } from '../../schemas/tables.js';
import type { LedgerSource, WatermarkStore } from '../core/tables/commit-run.js';
import { type LedgerEntry, ledgerKeyAt, parseLedgerEntry } from '../core/tables/staged-ledger.js';
import type { BlobStore } from './blob-store.js';

/** Entries are read through the tables' store; only listing differs between S3 and a folder. */
abstract class StoreLedger implements LedgerSource {
  constructor(protected readonly store: BlobStore) {}

  abstract list(after: string | null, before: string, limit: number): Promise<string[]>;

  keyAt(at: Date): string {
    return ledgerKeyAt('', at);
  }

  async read(key: string): Promise<LedgerEntry> {
    const body = await this.store.get(key);
    if (!body) throw new Error(`${this.store.describe(key)} no longer exists`);
    return parseLedgerEntry(new TextDecoder().decode(body));
  }
}

/**
 * The ledger under an S3 prefix: ListObjectsV2 from the watermark (`StartAfter`), in key order,
 * so a run lists only entries written since the last commit.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
export class S3LedgerSource extends StoreLedger {
  constructor(
    store: BlobStore,
    private readonly client: S3Client,
    private readonly bucket: string,
    /** The tables' prefix in the bucket (empty or ending in "/"). */
    private readonly prefix: string,
  ) {
    super(store);
  }

  async list(after: string | null, before: string, limit: number): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: `${this.prefix}${STAGED_LEDGER_FOLDER}`,
          ...(token ? { ContinuationToken: token } : after ? { StartAfter: this.prefix + after } : {}),
          MaxKeys: Math.min(1000, limit - keys.length),
        }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key!.slice(this.prefix.length);
        if (key >= before) return keys;
        keys.push(key);
        if (keys.length >= limit) return keys;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}

/** The ledger in a local tables folder (tests, and any local committer). */
export class FolderLedgerSource extends StoreLedger {
  constructor(
    store: BlobStore,
    private readonly root: string,
  ) {
    super(store);
  }

  async list(after: string | null, before: string, limit: number): Promise<string[]> {
    let names: string[];
    try {
      names = readdirSync(join(this.root, STAGED_LEDGER_FOLDER)).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names
      .map((n) => `${STAGED_LEDGER_FOLDER}${n}`)
      .filter((k) => (after === null || k > after) && k < before)
      .sort()
      .slice(0, limit);
  }
}

/**
 * The watermark as one small JSON object beside the tables (`_commit/watermark.json`), through the
 * tables' store. No compare-and-set is needed: a watermark written is always one its writer
 * committed up to (see functions/core/tables/commit-run.ts), and deployed only one committer runs.
 */
export class BlobWatermarkStore implements WatermarkStore {
  static readonly KEY = `${COMMIT_STATE_FOLDER}watermark.json`;

  constructor(private readonly store: BlobStore) {}

  async read(): Promise<string | null> {
    const body = await this.store.get(BlobWatermarkStore.KEY);
    if (!body) return null;
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { after?: unknown };
    if (typeof parsed.after !== 'string')
      throw new Error(`${this.store.describe(BlobWatermarkStore.KEY)} has no "after" key`);
    return parsed.after;
  }

  async write(key: string): Promise<void> {
    const text = `${JSON.stringify({ after: key, at: new Date().toISOString() })}\n`;
    await this.store.put(BlobWatermarkStore.KEY, new TextEncoder().encode(text), 'application/json');
  }
}
