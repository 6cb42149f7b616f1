import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { definedProps } from '../core/defined.js';
import { BoundaryIndex } from '../core/policy/boundary-index.js';
import { formatBoundaryPolicy, parseBoundaryPolicy, validateBoundaryPolicy } from '../core/policy/policy-document.js';
import { isS3Url, parseS3Url } from './s3-url.js';

/** The AWS SDK loads only for s3:// policies: the local CLI reads files and never needs it. */
const s3Sdk = () => Promise.all([import('@aws-sdk/client-s3'), import('./s3-client.js')]);

/** Reads and validates a boundary policy from a local path or `s3://bucket/key`. */
export async function readPolicy(location: string, s3?: S3Client): Promise<BoundaryPolicy> {
  if (!isS3Url(location)) return parseBoundaryPolicy(await readFile(location, 'utf8'), location);
  const { bucket, key } = parseS3Url(location);
  const [{ GetObjectCommand }, { createS3Client }] = await s3Sdk();
  const output = await (s3 ?? createS3Client()).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return parseBoundaryPolicy(await output.Body!.transformToString('utf8'), location);
}

/** Validates, then writes the policy (atomically on disk); returns the bytes written. */
export async function writePolicy(location: string, policy: BoundaryPolicy, s3?: S3Client): Promise<number> {
  validateBoundaryPolicy(policy, location);
  const body = formatBoundaryPolicy(policy);
  if (isS3Url(location)) {
    const { bucket, key } = parseS3Url(location);
    const [{ PutObjectCommand }, { createS3Client }] = await s3Sdk();
    await (s3 ?? createS3Client()).send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
      }),
    );
  } else {
    await mkdir(dirname(location), { recursive: true });
    const temp = `${location}.${process.pid}.tmp`;
    await writeFile(temp, body);
    await rename(temp, location);
  }
  return Buffer.byteLength(body);
}

/**
 * The policy for a long-lived process (a warm Lambda): loaded once, reused for `ttlMs`, then
 * reloaded. When a reload fails the previous policy is kept (and the error reported through
 * `onStaleError`) rather than failing ingestion; without any policy yet the error is thrown.
 */
export class CachedPolicyLoader {
  private cached: { index: BoundaryIndex; loadedAt: number } | undefined;
  private inflight: Promise<BoundaryIndex> | undefined;

  constructor(
    private readonly load: () => Promise<BoundaryPolicy>,
    private readonly options: {
      ttlMs?: number;
      clock?: () => number;
      onStaleError?: (error: unknown) => void;
    } = {},
  ) {}

  static forLocation(location: string, s3?: S3Client, ttlMs?: number): CachedPolicyLoader {
    return new CachedPolicyLoader(() => readPolicy(location, s3), definedProps({ ttlMs }));
  }

  async get(): Promise<BoundaryIndex> {
    const now = (this.options.clock ?? Date.now)();
    if (this.cached && now - this.cached.loadedAt < (this.options.ttlMs ?? 300_000)) return this.cached.index;
    this.inflight ??= this.reload(now).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async reload(now: number): Promise<BoundaryIndex> {
    try {
      const index = new BoundaryIndex(await this.load());
      this.cached = { index, loadedAt: now };
      return index;
    } catch (err) {
      if (!this.cached) throw err;
      this.options.onStaleError?.(err);
      return this.cached.index;
    }
  }
}
