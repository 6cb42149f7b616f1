import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BlobStore } from './blob-store.js';

const PART_SIZE = 8 << 20;

/**
 * A BlobStore over an S3 prefix. Bodies up to one part go out as a single PutObject, larger
 * ones as a multipart upload (lib-storage), so output size has no ceiling.
 */
export class S3BlobStore implements BlobStore {
  /** `prefix` is empty or ends in `/`. */
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly prefix = '',
  ) {}

  /** The bucket exists and these credentials reach it (HeadBucket); throws the SDK's error otherwise. */
  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

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

  /**
   * GetObject; NoSuchKey is "no such key". S3 answers 404 for a missing key only when the caller
   * may also list the bucket (else 403 AccessDenied, which stays an error): the ingest role has
   * s3:ListBucket on the curated bucket for this (infra/constructs/ingest-pipeline.ts).
   */
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return await out.Body!.transformToByteArray();
    } catch (err) {
      const { name, $metadata } = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  /** DeleteObject (S3 answers 204 for a missing key too). */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }
}
