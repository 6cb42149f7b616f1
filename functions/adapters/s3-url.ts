/** `s3://` URLs, without the AWS SDK: local runs never load it unless they touch S3. */
export interface S3Location {
  readonly bucket: string;
  /** Everything after the bucket: a key or a key prefix (may be empty). */
  readonly key: string;
}

export const isS3Url = (value: string): boolean => value.startsWith('s3://');

/** Parses `s3://bucket[/key-or-prefix]`. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new Error(`not an s3:// URL: ${url}`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** A key prefix used as a folder: empty, or ending in `/`. */
export const asFolder = (prefix: string): string => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);
