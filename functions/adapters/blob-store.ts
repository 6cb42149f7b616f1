/** Where output files go: a local directory or an S3 prefix. Keys use `/` separators. */
export interface BlobStore {
  /** A printable location of `key` (path or s3:// URL). */
  describe(key: string): string;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** The bytes of `key`, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes `key`; a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
}
