/** One S3 object named by an event or a listing: what to read, and what its outputs derive from. */
export interface S3ObjectRef {
  readonly bucket: string;
  /** The object key, decoded. */
  readonly key: string;
  /**
   * Other spellings of the key to try when `key` does not exist. EventBridge events are not
   * documented as URL-encoding keys (S3 notifications are), so both readings are kept.
   */
  readonly altKeys?: readonly string[];
  readonly versionId?: string;
  /** Entity tag without quotes. */
  readonly eTag?: string;
  readonly size?: number;
  readonly sequencer?: string;
  readonly eventTime?: string;
}

/** `s3://bucket/key`. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Entity tags arrive quoted from S3 APIs and bare in events; compare them bare and lower-case. */
export function normalizeETag(eTag: string | undefined): string | undefined {
  if (eTag === undefined || eTag === '') return undefined;
  return eTag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
}

/**
 * The identity output file names derive from: bucket, key and content (ETag). A redelivered
 * notification, a second version with the same bytes, and the CLI listing the same object all
 * map to the same identity, so their outputs overwrite each other instead of adding up. The
 * version id is the fallback when no ETag is known.
 */
export function objectIdentity(ref: S3ObjectRef): string {
  const eTag = normalizeETag(ref.eTag);
  if (eTag) return `${s3Url(ref.bucket, ref.key)}#etag=${eTag}`;
  if (ref.versionId) return `${s3Url(ref.bucket, ref.key)}#version=${ref.versionId}`;
  return s3Url(ref.bucket, ref.key);
}
