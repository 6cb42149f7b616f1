import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { normalizeETag, objectIdentity, type S3ObjectRef, s3Url } from '../core/events/s3-object-ref.js';
import { ObjectRejectedError } from '../core/flow-log-aggregator.js';
import type { SourceObject } from '../core/ports.js';

/** The body ended before Content-Length bytes arrived: a transient failure, never a corrupt object. */
class TruncatedReadError extends Error {
  constructor(url: string, received: number, expected: number) {
    super(`${url}: connection ended after ${received} of ${expected} bytes`);
    this.name = 'TruncatedReadError';
  }
}

/** S3 answers that mean the object itself can never be read, so retrying would not help. */
const PERMANENT = new Set(['NoSuchKey', 'NotFound', 'PreconditionFailed', 'InvalidObjectState']);

/**
 * A SourceObject over S3 GetObject: the body is streamed chunk by chunk (never buffered whole),
 * pinned to the version and ETag the event named, and checked against Content-Length so a cut
 * connection is a retryable error rather than a "corrupt gzip" rejection.
 */
export function s3SourceObject(client: S3Client, ref: S3ObjectRef): SourceObject {
  return {
    name: s3Url(ref.bucket, ref.key),
    key: ref.key,
    identity: objectIdentity(ref),
    ...(ref.size !== undefined ? { size: ref.size } : {}),
    open: async () => streamBody(await getObject(client, ref), ref),
    readRange: async (start, end) => {
      const out = await getObject(client, ref, `bytes=${start}-${end - 1}`);
      const bytes = await out.Body!.transformToByteArray();
      if (bytes.length !== end - start)
        throw new TruncatedReadError(s3Url(ref.bucket, ref.key), bytes.length, end - start);
      return bytes;
    },
  };
}

/**
 * Completes a ref before reading: picks the spelling of the key that exists when the event left it
 * ambiguous, and fills size and ETag from HeadObject when the event lacked them.
 */
export async function resolveS3Object(client: S3Client, ref: S3ObjectRef): Promise<SourceObject> {
  if (!ref.altKeys?.length && ref.size !== undefined && ref.eTag !== undefined) return s3SourceObject(client, ref);
  for (const key of [ref.key, ...(ref.altKeys ?? [])]) {
    try {
      const head = await client.send(
        new HeadObjectCommand({ Bucket: ref.bucket, Key: key, ...(ref.versionId ? { VersionId: ref.versionId } : {}) }),
      );
      const eTag = ref.eTag ?? normalizeETag(head.ETag);
      const size = ref.size ?? head.ContentLength;
      const { altKeys: _tried, ...rest } = ref;
      return s3SourceObject(client, {
        ...rest,
        key,
        ...(eTag ? { eTag } : {}),
        ...(size !== undefined ? { size } : {}),
      });
    } catch (err) {
      if (!isPermanent(err)) throw err;
    }
  }
  const tried = [ref.key, ...(ref.altKeys ?? [])].map((k) => JSON.stringify(k)).join(', ');
  throw new ObjectRejectedError(`object not found in bucket ${ref.bucket} (keys tried: ${tried})`);
}

/** Lists the objects under `s3://bucket/prefix` (sorted by key), as refs with ETag and size. */
export async function listS3Objects(client: S3Client, bucket: string, prefix: string): Promise<S3ObjectRef[]> {
  const refs: S3ObjectRef[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const item of page.Contents ?? []) {
      if (!item.Key || item.Key.endsWith('/')) continue;
      const eTag = normalizeETag(item.ETag);
      refs.push({
        bucket,
        key: item.Key,
        ...(eTag ? { eTag } : {}),
        ...(item.Size !== undefined ? { size: item.Size } : {}),
      });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return refs;
}

async function getObject(client: S3Client, ref: S3ObjectRef, range?: string): Promise<GetObjectCommandOutput> {
  const url = s3Url(ref.bucket, ref.key);
  let out: GetObjectCommandOutput;
  try {
    out = await client.send(
      new GetObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        ...(ref.versionId ? { VersionId: ref.versionId } : {}),
        ...(ref.eTag ? { IfMatch: `"${ref.eTag}"` } : {}),
        ...(range ? { Range: range } : {}),
      }),
    );
  } catch (err) {
    if (!isPermanent(err)) throw err;
    const name = (err as Error).name;
    throw new ObjectRejectedError(
      name === 'PreconditionFailed'
        ? `${url} changed since the notification (ETag is no longer ${ref.eTag}); the new content has its own notification`
        : `${url}: ${name}: ${(err as Error).message}`,
    );
  }
  // Servers that ignore If-Match (and S3 without one) are checked here: the identity names content.
  const eTag = normalizeETag(out.ETag);
  if (ref.eTag && eTag && eTag !== ref.eTag) {
    (out.Body as Readable | undefined)?.destroy?.();
    throw new ObjectRejectedError(`${url} changed since the notification (ETag ${eTag}, expected ${ref.eTag})`);
  }
  return out;
}

async function* streamBody(out: GetObjectCommandOutput, ref: S3ObjectRef): AsyncGenerator<Uint8Array> {
  const body = out.Body as Readable;
  let received = 0;
  try {
    for await (const chunk of body) {
      received += (chunk as Uint8Array).length;
      yield chunk as Uint8Array;
    }
    if (out.ContentLength !== undefined && received !== out.ContentLength) {
      throw new TruncatedReadError(s3Url(ref.bucket, ref.key), received, out.ContentLength);
    }
  } finally {
    if (!body.destroyed) body.destroy();
  }
}

function isPermanent(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') return false; // configuration: retried until fixed, then the DLQ
  return (name !== undefined && PERMANENT.has(name)) || status === 404 || status === 412;
}
