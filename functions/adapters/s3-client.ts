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
 * streamed bodies with their aws-chunked framing (the chunk signatures end up in the object).
 */
export function createS3Client(settings: S3ClientSettings = {}): S3Client {
  const custom = settings.endpoint !== undefined;
  return new S3Client({
    region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(custom
      ? {
          endpoint: settings.endpoint,
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
    requestHandler: { connectionTimeout: 5_000, socketTimeout: settings.socketTimeoutMs ?? 30_000 },
  });
}

export { asFolder, isS3Url, parseS3Url, type S3Location } from './s3-url.js';
