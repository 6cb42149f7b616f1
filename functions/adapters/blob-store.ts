/** Where output files go: a local directory or an S3 prefix. Keys use `/` separators. */
export interface BlobStore {
  /** A printable location of `key` (path or s3:// URL). */
  describe(key: string): string;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}
