/**
 * Re-ingesting an object that now writes fewer files (fewer days, no findings, rejected) leaves
 * exactly the files a fresh run would write: in a local folder the object's files are found by
 * name, the folder being its own manifest (docs/parsing.md §9). Real CLI code in-process, a real
 * directory, DuckDB as the oracle.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type IngestSettings, parseIngestArgs, runIngest } from '../../functions/cli/ingest-command.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { RERUN_KEY, tableSums, VERSIONS } from '../helpers/rerun-versions.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('rerun');
afterAll(() => dir.remove());
const BOUNDARIES = join(REPO_ROOT, 'samples/boundaries.json');

/** Writes `body` as the object (always the same path, so the same identity) and ingests it into `out`. */
async function ingest(body: string | Uint8Array, out: string, input = join(dir.path, 'in')) {
  const path = join(input, RERUN_KEY);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
  const settings = parseIngestArgs([input, '--out', out, '--boundaries', BOUNDARIES, '--quiet']) as IngestSettings;
  const { exitCode } = await runIngest(settings);
  return exitCode;
}

/** The table files and manifests under `out` (not the run's reports and alert files). */
const outputFiles = (out: string) =>
  readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(out, join(e.parentPath, e.name)).split('\\').join('/'))
    .filter((f) => f.endsWith('.parquet') || f.startsWith('_manifests/'))
    .sort();

/** File names without the identity hash (a fresh run reads the object from another path). */
const named = (files: string[]) => files.map((f) => f.replace(/-[0-9a-f]{12}(-\d+\.parquet)$/, '-<identity>$1'));

/** What a run of `body` alone writes: files and sums, in a fresh directory. */
async function fresh(label: string, body: string | Uint8Array) {
  const out = join(dir.path, `fresh-${label}`);
  await ingest(body, out, join(dir.path, `in-${label}`));
  const files = outputFiles(out);
  return { files: named(files), sums: await tableSums(out, files) };
}

describe('re-ingesting an object that now writes fewer files (local directory)', () => {
  const out = join(dir.path, 'out');
  const day = (table: string, dt: string) =>
    expect.stringMatching(new RegExp(`^${table}/dt=${dt}/111111111111_vpcflowlogs_.*-0\\.parquet$`));

  it("two days, then one day: exactly one set of files remains and the sums are the second version's", async () => {
    expect(await ingest(VERSIONS.twoDays, out)).toBe(0);
    const first = outputFiles(out);
    expect(first).toEqual([
      day('findings', '2025-11-21'),
      day('findings', '2025-11-22'),
      day('summary', '2025-11-21'),
      day('summary', '2025-11-22'),
      day('unencrypted', '2025-11-21'),
      day('unencrypted', '2025-11-22'),
    ]);
    expect(await tableSums(out, first)).toEqual({
      summary: { '2025-11-21': '1500', '2025-11-22': '2000' },
      unencrypted: { '2025-11-21': '1000', '2025-11-22': '2000' },
      findings: { '2025-11-21': '1000', '2025-11-22': '2000' },
    });

    expect(await ingest(VERSIONS.oneDay, out)).toBe(0);
    const second = outputFiles(out);
    expect(existsSync(join(out, '_manifests'))).toBe(false);
    expect(second).toEqual([
      day('findings', '2025-11-21'),
      day('summary', '2025-11-21'),
      day('unencrypted', '2025-11-21'),
    ]);
    const sums = await tableSums(out, second);
    expect(sums).toEqual({
      summary: { '2025-11-21': '3700' },
      unencrypted: { '2025-11-21': '3000' },
      findings: { '2025-11-21': '3000' },
    });
    expect({ files: named(second), sums }).toEqual(await fresh('one-day', VERSIONS.oneDay));
  });

  it('no cleartext any more: the findings and unencrypted files of the earlier run go', async () => {
    expect(await ingest(VERSIONS.encrypted, out)).toBe(0);
    const files = outputFiles(out);
    expect(files).toEqual([day('summary', '2025-11-21')]);
    expect(await tableSums(out, files)).toEqual({ summary: { '2025-11-21': '900' } });
    expect({ files: named(files), sums: await tableSums(out, files) }).toEqual(
      await fresh('encrypted', VERSIONS.encrypted),
    );
  });

  it('rejected on re-run: every file of the earlier runs goes', async () => {
    expect(await ingest(VERSIONS.twoDays, out)).toBe(0);
    expect(outputFiles(out)).toHaveLength(6);
    expect(await ingest(VERSIONS.corrupt, out)).toBe(1);
    expect(outputFiles(out)).toEqual([]);
    // And a later good version starts from nothing.
    expect(await ingest(VERSIONS.oneDay, out)).toBe(0);
    const files = outputFiles(out);
    expect({ files: named(files), sums: await tableSums(out, files) }).toEqual(
      await fresh('one-day-again', VERSIONS.oneDay),
    );
  });

  it('a file of the object that no run recorded (a crash, an older version) is found by its name and removed', async () => {
    expect(await ingest(VERSIONS.oneDay, out)).toBe(0);
    const [summary] = outputFiles(out).filter((f) => f.startsWith('summary/'));
    // The object's own file name under a day this version does not write, as a run that died
    // after writing it would leave it.
    const stray = summary!.replace('dt=2025-11-21', 'dt=2025-11-25');
    mkdirSync(dirname(join(out, stray)), { recursive: true });
    copyFileSync(join(out, summary!), join(out, stray));
    expect(outputFiles(out)).toContain(stray);
    expect(await ingest(VERSIONS.oneDay, out)).toBe(0);
    const files = outputFiles(out);
    expect(files).not.toContain(stray);
    expect({ files: named(files), sums: await tableSums(out, files) }).toEqual(
      await fresh('one-day-stray', VERSIONS.oneDay),
    );
  });
});
