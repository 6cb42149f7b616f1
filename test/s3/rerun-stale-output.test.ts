/**
 * The re-run cases of test/e2e/rerun-stale-output.test.ts against S3 (s3rver): the Parquet sink
 * over the S3 store, findings through the CLI's alerting step, and a run that fails between
 * writing its files and deleting the stale ones.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../functions/adapters/blob-store.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { S3BlobStore } from '../../functions/adapters/s3-store.js';
import { loadBoundaries, runAlerting } from '../../functions/cli/alerting.js';
import { ingestObject } from '../../functions/core/ingest-object.js';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { RERUN_KEY, tableSums, VERSIONS } from '../helpers/rerun-versions.js';
import { memoryObject, tempDir } from '../helpers/sources.js';
import { downloadPrefix, getObject, type LocalS3, listKeys, startLocalS3 } from './local-s3.js';

const BUCKET = 'curated';
let s3: LocalS3;
let policy: BoundaryPolicy;
const dir = tempDir('rerun-s3');
beforeAll(async () => {
  s3 = await startLocalS3([BUCKET]);
  policy = await loadBoundaries(`${REPO_ROOT}samples/boundaries.json`);
});
afterAll(async () => {
  await s3.stop();
  dir.remove();
});

/** One run as the CLI composes it: ingest the object (same name: same identity), then its findings. */
async function run(store: BlobStore, body: string | Uint8Array) {
  const sink = new ParquetTableSink(store);
  const object = memoryObject(RERUN_KEY, body, { key: RERUN_KEY });
  const report = await ingestObject(object, { sink, collectCleartext: true });
  await runAlerting([{ object, report }], policy, sink, {
    boundaries: 'samples/boundaries.json',
    store: new LocalDirStore(dir.path),
    suppressMinutes: 60,
  });
  return report.status;
}

let snapshots = 0;
/** Table files and manifests under `prefix`, and bytes per table and day as DuckDB reads the table files. */
async function output(prefix: string) {
  const local = `${dir.path}/snapshot-${snapshots++}`;
  const files = (await downloadPrefix(s3.client, BUCKET, prefix, local)).map((k) => k.slice(prefix.length));
  return { files, sums: await tableSums(local, files) };
}
const day = (table: string, dt: string) =>
  expect.stringMatching(new RegExp(`^${table}/dt=${dt}/111111111111_vpcflowlogs_.*-0\\.parquet$`));
const manifest = expect.stringMatching(/^_manifests\/111111111111_vpcflowlogs_.*-[0-9a-f]{12}\.json$/);

describe('re-ingesting an object that now writes fewer files (S3)', () => {
  it("two days, then one day, then no cleartext, then rejected: only the last run's files remain each time", async () => {
    const store = new S3BlobStore(s3.client, BUCKET, 'runs/');
    expect(await run(store, gzipSync(VERSIONS.twoDays))).toBe('accepted');
    expect((await output('runs/')).files).toEqual([
      manifest,
      day('findings', '2025-11-21'),
      day('findings', '2025-11-22'),
      day('summary', '2025-11-21'),
      day('summary', '2025-11-22'),
      day('unencrypted', '2025-11-21'),
      day('unencrypted', '2025-11-22'),
    ]);

    expect(await run(store, gzipSync(VERSIONS.oneDay))).toBe('accepted');
    expect(await output('runs/')).toEqual({
      files: [manifest, day('findings', '2025-11-21'), day('summary', '2025-11-21'), day('unencrypted', '2025-11-21')],
      sums: {
        summary: { '2025-11-21': '3700' },
        unencrypted: { '2025-11-21': '3000' },
        findings: { '2025-11-21': '3000' },
      },
    });

    expect(await run(store, VERSIONS.encrypted)).toBe('accepted');
    expect(await output('runs/')).toEqual({
      files: [manifest, day('summary', '2025-11-21')],
      sums: { summary: { '2025-11-21': '900' } },
    });

    expect(await run(store, VERSIONS.twoDays)).toBe('accepted');
    expect(await run(store, VERSIONS.corrupt)).toBe('rejected');
    expect(await listKeys(s3.client, BUCKET, 'runs/')).toEqual([]);
  });

  it('a run that fails after writing its files keeps both sets listed, and the next run removes the stale ones', async () => {
    const s3Store = new S3BlobStore(s3.client, BUCKET, 'crash/');
    expect(await run(s3Store, VERSIONS.twoDays)).toBe('accepted');
    let failDeletes = true;
    const crashing: BlobStore = {
      describe: (key) => s3Store.describe(key),
      put: (k, b, t) => s3Store.put(k, b, t),
      get: (k) => s3Store.get(k),
      delete: async (key) => {
        if (failDeletes) throw new Error('crash before the stale files were deleted');
        await s3Store.delete(key);
      },
    };
    await expect(run(crashing, VERSIONS.oneDay)).rejects.toThrow(/crash before/);
    const { files } = await output('crash/');
    expect(files).toHaveLength(7); // new files written (over the old day-1 names), old day-2 files still there
    const listed = JSON.parse((await getObject(s3.client, BUCKET, `crash/${files[0]}`)).toString()) as {
      tables: Record<string, string[]>;
    };
    // The manifest names every table file that exists, old and new: the next run can find the stale ones.
    expect(Object.values(listed.tables).flat().sort()).toEqual(files.slice(1));

    failDeletes = false;
    expect(await run(crashing, VERSIONS.oneDay)).toBe('accepted');
    expect(await output('crash/')).toEqual({
      files: [manifest, day('findings', '2025-11-21'), day('summary', '2025-11-21'), day('unencrypted', '2025-11-21')],
      sums: {
        summary: { '2025-11-21': '3700' },
        unencrypted: { '2025-11-21': '3000' },
        findings: { '2025-11-21': '3000' },
      },
    });
  });

  it('S3 store: a missing key reads as none, deleting it is no error', async () => {
    const store = new S3BlobStore(s3.client, BUCKET, 'misc/');
    expect(await store.get('nothing.json')).toBeUndefined();
    await store.delete('nothing.json');
    await store.put('x.json', Buffer.from('{}'), 'application/json');
    expect(Buffer.from((await store.get('x.json'))!).toString()).toBe('{}');
    await store.delete('x.json');
    expect(await listKeys(s3.client, BUCKET, 'misc/')).toEqual([]);
  });
});
