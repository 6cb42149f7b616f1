import type { S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../adapters/blob-store.js';
import { listLocalObjects } from '../adapters/local-files.js';
import { LocalDirStore } from '../adapters/local-dir-store.js';
import { asFolder, createS3Client, isS3Url, parseS3Url } from '../adapters/s3-client.js';
import { listS3Objects, s3SourceObject } from '../adapters/s3-source.js';
import { S3BlobStore } from '../adapters/s3-store.js';
import type { SourceObject } from '../core/ports.js';

/**
 * Where the CLI reads and writes: local paths, or `s3://bucket/prefix` through the same S3
 * adapters the Lambda handler uses (`--endpoint` for S3-compatible servers).
 */
export class IoTargets {
  private client: S3Client | undefined;

  constructor(private readonly endpoint?: string) {}

  /** Every object under the given files, directories and S3 prefixes, in argument order. */
  async listInputs(paths: readonly string[]): Promise<SourceObject[]> {
    const objects: SourceObject[] = [];
    for (const path of paths) {
      if (!isS3Url(path)) {
        objects.push(...(await listLocalObjects([path])));
        continue;
      }
      const { bucket, key } = parseS3Url(path);
      const refs = await listS3Objects(this.s3(), bucket, key);
      if (refs.length === 0) throw new Error(`no objects under ${path}`);
      objects.push(...refs.map((ref) => s3SourceObject(this.s3(), ref)));
    }
    return objects;
  }

  /** The output directory or S3 prefix as a BlobStore. */
  output(out: string): BlobStore {
    if (!isS3Url(out)) return new LocalDirStore(out);
    const { bucket, key } = parseS3Url(out);
    return new S3BlobStore(this.s3(), bucket, asFolder(key));
  }

  private s3(): S3Client {
    this.client ??= createS3Client(this.endpoint ? { endpoint: this.endpoint } : {});
    return this.client;
  }
}
