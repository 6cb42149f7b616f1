import type { S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../adapters/blob-store.js';
import { LocalDirStore } from '../adapters/local-dir-store.js';
import { type LocalInputs, LocalLister } from '../adapters/local-files.js';
import { FolderManifests } from '../adapters/output-manifests.js';
import { ParquetTableSink } from '../adapters/parquet-sink.js';
import { asFolder, isS3Url, parseS3Url } from '../adapters/s3-url.js';
import { describeError } from '../core/describe-error.js';
import { OutputError, UsageError } from '../core/errors.js';
import type { ParquetFlowLogReader } from '../core/ingest-object.js';

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

  /**
   * Every object under the given files, folders and S3 prefixes, in argument order, each once
   * (the same file or S3 object reached twice is read once), and the folder entries not read.
   */
  async listInputs(paths: readonly string[]): Promise<LocalInputs> {
    const local = new LocalLister();
    const seenInS3 = new Set<string>();
    for (const path of paths) {
      if (!isS3Url(path)) {
        local.add(path);
        continue;
      }
      const { bucket, key } = parseS3Url(path);
      const { listS3Objects, s3SourceObject } = await import('../adapters/s3-source.js');
      const s3 = await this.s3();
      let refs: Awaited<ReturnType<typeof listS3Objects>>;
      try {
        refs = await listS3Objects(s3, bucket, key);
      } catch (err) {
        const message = `cannot list ${path}: ${describeError(err)}`;
        throw (err as Error).name === 'NoSuchBucket' ? new UsageError(message) : new Error(message, { cause: err });
      }
      for (const ref of refs) {
        const object = s3SourceObject(s3, ref);
        if (seenInS3.has(object.identity)) continue;
        seenInS3.add(object.identity);
        local.objects.push(object);
      }
    }
    return { objects: local.objects, skipped: local.skipped };
  }

  /**
   * The output folder or S3 prefix as a BlobStore, checked before any work: a local folder is
   * created and probed with a temp file; an S3 bucket must exist and answer (HeadBucket).
   */
  async output(out: string): Promise<BlobStore> {
    if (!isS3Url(out)) return LocalDirStore.open(out);
    const { bucket, key } = parseS3Url(out);
    const { S3BlobStore } = await import('../adapters/s3-store.js');
    const store = new S3BlobStore(await this.s3(), bucket, asFolder(key));
    try {
      await store.check();
    } catch (err) {
      throw new OutputError(`cannot write to ${out}: ${describeError(err)}`, { cause: err });
    }
    return store;
  }

  /**
   * The table sink over an output store. A local folder is its own manifest (FolderManifests:
   * no manifest file per object); an S3 prefix keeps one manifest object per source object.
   */
  sink(store: BlobStore): ParquetTableSink {
    return store instanceof LocalDirStore
      ? new ParquetTableSink(store, '', { manifests: new FolderManifests(store.root) })
      : new ParquetTableSink(store);
  }

  private async s3(): Promise<S3Client> {
    if (!this.client) {
      const { createS3Client } = await import('../adapters/s3-client.js');
      this.client = createS3Client(this.endpoint ? { endpoint: this.endpoint } : {});
    }
    return this.client;
  }
}
