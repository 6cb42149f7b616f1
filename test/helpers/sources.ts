import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../../functions/adapters/blob-store.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import type { AggregateBatch } from '../../functions/core/flow-log-aggregator.js';
import type { OutputSink, SourceObject } from '../../functions/core/ports.js';

/**
 * A source object over bytes in memory. `chunkSize` cuts the body into chunks of that size,
 * so tests can put chunk boundaries anywhere (inside a CRLF, a gzip header, a multi-byte value).
 */
export function memoryObject(
  name: string,
  body: Uint8Array | string,
  options: { key?: string; chunkSize?: number } = {},
): SourceObject {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const chunkSize = options.chunkSize ?? 64 * 1024;
  return {
    name,
    key: options.key ?? name,
    identity: `memory:${name}`,
    size: bytes.length,
    open: async () => chunked(bytes, chunkSize),
  };
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** A BlobStore that keeps written files in a map (key → bytes). */
export class MemoryBlobStore implements BlobStore {
  readonly files = new Map<string, Uint8Array>();

  describe(key: string): string {
    return `memory://${key}`;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    this.files.set(key, body);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.files.get(key);
  }

  async delete(key: string): Promise<void> {
    this.files.delete(key);
  }
}

/** The Parquet sink over a MemoryBlobStore, also keeping every batch it is given (flushed early or final). */
export function recordingSink(): { sink: OutputSink; store: MemoryBlobStore; batches: AggregateBatch[] } {
  const store = new MemoryBlobStore();
  const parquet = new ParquetTableSink(store);
  const batches: AggregateBatch[] = [];
  const sink: OutputSink = {
    begin(identity, key) {
      const output = parquet.begin(identity, key);
      return {
        ...output,
        add: (batch) => {
          batches.push(batch);
          output.add(batch);
        },
      };
    },
  };
  return { sink, store, batches };
}

/** A fresh directory under the OS temp dir and a function that removes it. */
export function tempDir(label: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `ciphertrail-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
