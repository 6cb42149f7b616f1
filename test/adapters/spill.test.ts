/**
 * Spilling staged Parquet parts to a temp file (functions/adapters/spill.ts): the SpillArea on
 * its own (what stays in memory, what goes to the file, the file removed on dispose), then a real
 * gzip object on disk ingested into a real directory with a threshold small enough that its parts
 * spill: the files, their bytes and the reported rows equal those of a run that holds everything
 * in memory, and the parts were read back from the spill file when the store wrote them.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../functions/adapters/blob-store.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { localObject } from '../../functions/adapters/local-files.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { SpillArea } from '../../functions/adapters/spill.js';
import { ingestObject } from '../../functions/core/ingest-object.js';
import { generateCorpus } from '../helpers/flow-log-corpus.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('spill');
afterAll(() => dir.remove());

/** Spill files live under os.tmpdir() (TMPDIR on Linux): point it at a folder of this test to see them. */
const spillRoot = join(dir.path, 'tmp');
mkdirSync(spillRoot);
let savedTmp: string | undefined;
beforeEach(() => {
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = spillRoot;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

/** The spill files that exist now (one per object being staged), with their sizes. */
const spillFiles = () =>
  readdirSync(spillRoot)
    .filter((name) => name.startsWith('ciphertrail-spill-'))
    .map((name) => statSync(join(spillRoot, name, 'parts')).size);

describe('SpillArea', () => {
  it('keeps parts in memory up to the threshold, appends the rest to one file, and removes it on dispose', () => {
    const area = new SpillArea(10);
    let seed = 3;
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
    const bodies = [random(4), random(6), random(1), new Uint8Array(0), random(200_000), random(3)];
    const staged = bodies.map((body) => area.keep(body));
    // 4 + 6 fill the 10 bytes; the 1-byte part no longer fits; an empty part always does.
    expect(staged.map((s, i) => s.read() === bodies[i])).toEqual([true, true, false, true, false, false]);
    expect(spillFiles()).toEqual([1 + 200_000 + 3]);
    staged.forEach((s, i) => {
      expect(s.length).toBe(bodies[i]!.length);
      expect(Buffer.from(s.read()).equals(Buffer.from(bodies[i]!))).toBe(true);
    });
    area.dispose();
    expect(spillFiles()).toEqual([]);
    // Reusable after dispose: it starts empty again.
    expect(area.keep(bodies[1]!).read()).toBe(bodies[1]);
    area.dispose();
  });
});

describe('an object whose staged parts spill', () => {
  const corpus = generateCorpus({
    seed: 4242,
    objects: 1,
    recordsPerObject: 6000,
    startSec: Date.UTC(2025, 10, 21, 23, 30) / 1000,
    spanSeconds: 3600,
    org: { ipv6Share: 0.2 },
    records: { bigValueShare: 0.01 },
  });
  const object = corpus.objects[0]!;

  /** Ingests the object (a gzip file on disk) into `out` with the given spill threshold; lists what the store wrote. */
  async function ingest(label: string, spillAfterBytes?: number) {
    // One input path for every run: output names derive from the object's identity (its real path).
    const input = join(dir.path, 'in', object.key);
    mkdirSync(join(input, '..'), { recursive: true });
    writeFileSync(input, gzipSync(object.text));
    const out = join(dir.path, `out-${label}`);
    const local = new LocalDirStore(out);
    const spilledAtWrite: number[][] = [];
    // The real directory store, noting at each Parquet write which spill files exist.
    const store: BlobStore = {
      describe: (key) => local.describe(key),
      get: (key) => local.get(key),
      delete: (key) => local.delete(key),
      put: async (key, body) => {
        if (key.endsWith('.parquet')) spilledAtWrite.push(spillFiles());
        await local.put(key, body);
      },
    };
    const sink = new ParquetTableSink(store, '', spillAfterBytes === undefined ? {} : { spillAfterBytes });
    // Small batches: many parts per object, as a large object makes.
    const report = await ingestObject(await localObject(input, join(dir.path, 'in')), { sink, maxGroups: 500 });
    expect(report.status).toBe('accepted');
    const files = readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(out, join(e.parentPath, e.name)))
      .filter((f) => f.endsWith('.parquet'))
      .sort();
    return { out, files, outputs: report.outputs, spilledAtWrite };
  }

  it.each([0, 20_000])(
    'spillAfterBytes %i writes the same files, bytes and rows as holding all in memory',
    async (threshold) => {
      const held = await ingest(`held-${threshold}`);
      const spilled = await ingest(`spilled-${threshold}`, threshold);
      expect(held.files.length).toBeGreaterThan(4);
      expect(spilled.files).toEqual(held.files);
      for (const file of held.files) {
        expect(readFileSync(join(spilled.out, file)).equals(readFileSync(join(held.out, file))), file).toBe(true);
      }
      const strip = (outputs: typeof held.outputs) =>
        outputs.map(({ table, rows, bytes, key }) => ({ table, rows, bytes, key }));
      expect(strip(spilled.outputs)).toEqual(strip(held.outputs));
      // The default run never spilled; the small threshold did, and the spill file went after commit.
      expect(held.spilledAtWrite.every((files) => files.length === 0)).toBe(true);
      const total = held.outputs.reduce((sum, f) => sum + f.bytes, 0);
      const inFile = spilled.spilledAtWrite[0]![0]!;
      if (threshold === 0) expect(inFile).toBe(total);
      else expect(inFile > 0 && inFile < total, `${inFile} of ${total} bytes spilled`).toBe(true);
      expect(spillFiles()).toEqual([]);
    },
  );
});
