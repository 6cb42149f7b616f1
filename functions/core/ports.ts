import type { AggregateBatch } from './flow-log-aggregator.js';

/** One flow-log object to ingest, wherever it lives (local disk, S3, a test buffer). */
export interface SourceObject {
  /** Human-readable name used in errors and reports (path or s3:// URL). */
  readonly name: string;
  /** Key used to read layout facts (account, region, time) from the AWS key layout. */
  readonly key: string;
  /** Stable identity of the object (bucket/key/version or real path): output names derive from it. */
  readonly identity: string;
  readonly size?: number;
  open(): Promise<AsyncIterable<Uint8Array>>;
  /** Reads bytes [start, end): random access for formats read by parts (Parquet row groups). */
  readRange?(start: number, end: number): Promise<Uint8Array>;
}

export interface OutputFile {
  readonly table: string;
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
}

/** Output of one source object: batches are staged and only become visible on commit. */
export interface ObjectOutput {
  add(batch: AggregateBatch): void;
  commit(): Promise<OutputFile[]>;
  abort(): void;
  /**
   * The object was rejected: remove what earlier runs of it wrote, so a re-run that now rejects
   * it leaves nothing counted. Not called for transient errors (the old output stays until the
   * retry). Sinks that keep no record of earlier runs may leave it out.
   */
  retract?(): Promise<void>;
}

export interface OutputSink {
  begin(identity: string, key: string): ObjectOutput;
}

/** An entry of an input folder that is not read, and why (dotfile, FIFO, broken symlink, ...). */
export interface SkippedInput {
  readonly path: string;
  readonly reason: string;
}
