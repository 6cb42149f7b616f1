/**
 * The two places an object's earlier keys are kept: manifest objects in a store, and a local
 * folder read as its own manifest. Real files in a temp folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { FolderManifests, ManifestFiles } from '../../functions/adapters/output-manifests.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('manifests');
afterAll(() => dir.remove());

const STEM = '111111111111_vpcflowlogs_us-east-1_fl-1_20251121T0100Z_abc-0123456789ab';
const OTHER = '222222222222_vpcflowlogs_us-east-1_fl-2_20251121T0100Z_def-ba9876543210';

function touch(root: string, key: string): void {
  mkdirSync(dirname(join(root, key)), { recursive: true });
  writeFileSync(join(root, key), 'x');
}

describe('FolderManifests', () => {
  it("lists an object's files of every table and day by name, and nothing else", async () => {
    const root = join(dir.path, 'folder');
    const own = [
      `summary/dt=2025-11-21/${STEM}-0.parquet`,
      `summary/dt=2025-11-21/${STEM}-1.parquet`,
      `summary/dt=2025-11-22/${STEM}-0.parquet`,
      `findings/dt=2025-11-21/${STEM}-0.parquet`,
    ];
    for (const key of [
      ...own,
      `summary/dt=2025-11-21/${OTHER}-0.parquet`,
      `summary/dt=2025-11-21/compacted-1a2b3c4d.parquet`,
      `summary/dt=2025-11-21/${STEM}-0.parquet.123.tmp`,
      `summary/not-a-day/${STEM}-0.parquet`,
      `unknown_table/dt=2025-11-21/${STEM}-0.parquet`,
    ])
      touch(root, key);
    const manifests = new FolderManifests(root);
    const found = await manifests.read(STEM);
    // In the folder's order: the replacement plan sorts keys itself.
    expect({ ...found, summary: [...(found.summary ?? [])].sort() }).toEqual({
      summary: [own[0], own[1], own[2]].sort(),
      findings: [own[3]],
    });
    expect(await manifests.read(OTHER)).toEqual({ summary: [`summary/dt=2025-11-21/${OTHER}-0.parquet`] });
    expect(await manifests.read('333333333333_x-ffffffffffff')).toEqual({});
  });

  it('keeps an object found in the folder current, a delete forgets it, and new objects are not held', async () => {
    const root = join(dir.path, 'recorded');
    touch(root, `summary/dt=2025-11-21/${STEM}-0.parquet`);
    const manifests = new FolderManifests(root);
    const next = { summary: [`summary/dt=2025-11-22/${STEM}-0.parquet`] };
    await manifests.write(STEM, 'identity', next);
    expect(await manifests.read(STEM)).toEqual(next);
    await manifests.write(STEM, 'identity', 'delete');
    expect(await manifests.read(STEM)).toEqual({});
    await manifests.write(OTHER, 'identity', { summary: [`summary/dt=2025-11-21/${OTHER}-0.parquet`] });
    expect(await manifests.read(OTHER)).toEqual({});
  });

  it('lists the folder when it is made: files the run writes afterwards are not earlier runs', async () => {
    const root = join(dir.path, 'listed-once');
    const manifests = new FolderManifests(root);
    touch(root, `summary/dt=2025-11-21/${STEM}-0.parquet`);
    expect(await manifests.read(STEM)).toEqual({});
  });

  it('reads an output folder that does not exist yet as empty', async () => {
    expect(await new FolderManifests(join(dir.path, 'missing')).read(STEM)).toEqual({});
  });
});

describe('ManifestFiles', () => {
  it('writes, reads and deletes one manifest object per stem', async () => {
    const root = join(dir.path, 'store');
    const manifests = new ManifestFiles(await LocalDirStore.open(root), 'tables/');
    const tables = { summary: [`tables/summary/dt=2025-11-21/${STEM}-0.parquet`] };
    await manifests.write(STEM, 's3://bucket/key', tables);
    expect(await manifests.read(STEM)).toEqual(tables);
    await manifests.write(STEM, 's3://bucket/key', 'delete');
    expect(await manifests.read(STEM)).toEqual({});
  });

  it('names the manifest it cannot read', async () => {
    const root = join(dir.path, 'broken');
    touch(root, `_manifests/${STEM}.json`);
    await expect(new ManifestFiles(await LocalDirStore.open(root)).read(STEM)).rejects.toThrow(
      `unreadable output manifest ${join(root, '_manifests', `${STEM}.json`)}`,
    );
  });
});
