import type { S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../adapters/blob-store.js';
import { listLocalObjects } from '../adapters/local-files.js';
import { LocalDirStore } from '../adapters/local-dir-store.js';
import { asFolder, isS3Url, parseS3Url } from '../adapters/s3-url.js';
import type { ParquetFlowLogReader } from '../core/ingest-object.js';
import type { SourceObject } from '../core/ports.js';

/** The AWS Parquet flow-log reader, loaded (with hyparquet) only when an object turns out to be Parquet. */
export const readParquetFlowLogLazily: ParquetFlowLogReader = async (object, aggregator) =>
  (await import('../adapters/parquet-flow-log-reader.js')).readParquetFlowLog(object, aggregator);

/**
 * Where the CLI reads and writes: local paths, or `s3://bucket/prefix` through the same S3
 * adapters the Lambda handler uses (`--endpoint` for S3-compatible servers). The S3 adapters
 * (and the AWS SDK) are loaded only for s3:// locations: a local run stays lean, which its
 * garbage collector notices (docs/performance.md).
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
      const { listS3Objects, s3SourceObject } = await import('../adapters/s3-source.js');
      const s3 = await this.s3();
      const refs = await listS3Objects(s3, bucket, key);
      if (refs.length === 0) throw new Error(`no objects under ${path}`);
      objects.push(...refs.map((ref) => s3SourceObject(s3, ref)));
    }
    return objects;
  }

  /** The output directory or S3 prefix as a BlobStore. */
  async output(out: string): Promise<BlobStore> {
    if (!isS3Url(out)) return new LocalDirStore(out);
    const { bucket, key } = parseS3Url(out);
    const { S3BlobStore } = await import('../adapters/s3-store.js');
    return new S3BlobStore(await this.s3(), bucket, asFolder(key));
  }

  private async s3(): Promise<S3Client> {
    if (!this.client) {
      const { createS3Client } = await import('../adapters/s3-client.js');
      this.client = createS3Client(this.endpoint ? { endpoint: this.endpoint } : {});
    }
    return this.client;
  }
}
