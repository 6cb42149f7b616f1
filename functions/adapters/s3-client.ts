import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientSettings {
  /** An S3-compatible endpoint (tests, MinIO, s3rver); real S3 when absent. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Idle-socket timeout: a stalled body stream fails (and is retried) instead of hanging. */
  readonly socketTimeoutMs?: number;
}

/**
 * The one S3 client of a process. For S3-compatible endpoints, path-style addressing and
 * checksums only when required: with the SDK's default flexible checksums, s3rver stores
 * streamed bodies with their aws-chunked framing (toolchain.md G2).
 */
export function createS3Client(settings: S3ClientSettings = {}): S3Client {
  const custom = settings.endpoint !== undefined;
  return new S3Client({
    region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(custom
      ? {
        endpoint: settings.endpoint, forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const,
      }
      : {}),
    requestHandler: { connectionTimeout: 5_000, socketTimeout: settings.socketTimeoutMs ?? 30_000 },
  });
}

export interface S3Location {
  readonly bucket: string;
  /** Everything after the bucket: a key or a key prefix (may be empty). */
  readonly key: string;
}

export const isS3Url = (value: string): boolean => value.startsWith('s3://');

/** Parses `s3://bucket[/key-or-prefix]`. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match || !match[1]) throw new Error(`not an s3:// URL: ${url}`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** A key prefix used as a folder: empty, or ending in `/`. */
export const asFolder = (prefix: string): string => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);
