/**
 * The warm-up before a thread's first large object (functions/cli/warm-up.ts): it ingests its
 * made-up object like any other, writes both tables in files large enough to be compressed
 * (the writer's paths that need warming), runs once per thread, and leaves nothing behind that
 * changes what the next object writes.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../functions/adapters/blob-store.js';
import { listLocalInputs } from '../../functions/adapters/local-files.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { warmUpOnce } from '../../functions/cli/warm-up.js';
import { ingestObject } from '../../functions/core/ingest-object.js';
import { generateCorpus, writeCorpus } from '../helpers/flow-log-corpus.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('warm-up');
afterAll(() => dir.remove());

/** Files are compressed from this many rows on (MIN_ROWS_TO_COMPRESS in parquet-encoder.ts). */
const COMPRESSED_FROM_ROWS = 256;

function memoryStore(): { store: BlobStore; files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  const store: BlobStore = {
    describe: (key) => key,
    put: async (key, body) => void files.set(key, body.slice()),
    get: async (key) => files.get(key),
    delete: async (key) => void files.delete(key),
  };
  return { store, files };
}

describe('warmUpOnce', () => {
  it('leaves nothing that changes the next object’s files', async () => {
    // The first test of this file (vitest gives the file a fresh module graph): the first ingest
    // below runs before this thread has warmed up.
    writeCorpus(
      join(dir.path, 'in'),
      generateCorpus({
        seed: 77,
        objects: 1,
        recordsPerObject: 3_000,
        startSec: Date.UTC(2025, 10, 21, 10) / 1000,
        spanSeconds: 600,
        records: { bigValueShare: 0.01 },
      }),
    );
    const [object] = (await listLocalInputs([join(dir.path, 'in')])).objects;
    const before = memoryStore();
    await ingestObject(object!, { sink: new ParquetTableSink(before.store) });
    await warmUpOnce();
    const after = memoryStore();
    await ingestObject(object!, { sink: new ParquetTableSink(after.store) });
    expect([...after.files.keys()]).toEqual([...before.files.keys()]);
    for (const [key, bytes] of before.files) expect(Buffer.from(after.files.get(key)!).equals(bytes), key).toBe(true);
  });

  it('ingests its object and writes both tables in compressed files, once per thread', async () => {
    const report = (await warmUpOnce())!;
    expect(report).toBeDefined();
    expect(report.status, report.reason).toBe('accepted');
    expect(report.parse!.malformed).toBe(0);
    const rows = (table: string) => report.outputs.filter((o) => o.table === table).reduce((n, o) => n + o.rows, 0);
    expect(rows('summary')).toBeGreaterThanOrEqual(COMPRESSED_FROM_ROWS);
    expect(rows('unencrypted')).toBeGreaterThanOrEqual(COMPRESSED_FROM_ROWS);
    expect(warmUpOnce()).toBe(warmUpOnce());
  });
});
