import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore } from './blob-store.js';

const PART_SIZE = 8 << 20;

/**
 * A BlobStore over an S3 prefix. Bodies up to one part go out as a single PutObject, larger
 * ones as a multipart upload (lib-storage), so output size has no ceiling.
 */
export class S3BlobStore implements BlobStore {
  /** `prefix` is empty or ends in `/`. */
  constructor(private readonly client: S3Client, readonly bucket: string, readonly prefix = '') {}

  describe(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.prefix + key, Body: body, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: 2,
    }).done();
  }
}
