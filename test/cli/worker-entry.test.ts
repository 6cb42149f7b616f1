/**
 * The build (`npm run build`, scripts/build.ts) and what it emits for `ingest --jobs`: the worker
 * loop as plain JavaScript in dist/, nothing bundled or compiled at run time. The build's own
 * behaviour (new files, stale outputs) is checked on a copy of the sources, so no test touches a
 * file of the repository while other tests run.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { workerEntryFile } from '../../functions/cli/worker-entry.js';
import { buildDist } from '../../scripts/build.js';
import { CLI_BIN, REPO_ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';

const DIST = join(REPO_ROOT, 'dist');

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Specifiers a built module imports statically, following relative imports through dist/. */
function staticImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  const specs = [...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)";?$|^import\s*"([^"]+)";?$/gm)].map(
    (m) => m[1] ?? m[2]!,
  );
  return specs.flatMap((spec) =>
    spec.startsWith('.') ? [spec, ...staticImports(join(dirname(file), spec), seen)] : [spec],
  );
}

describe('the worker entry of ingest --jobs', () => {
  it('is the built worker loop in dist/, which loads no AWS SDK, esbuild or tsx up front', () => {
    const file = workerEntryFile();
    expect(file).toBe(join(DIST, 'functions/cli/worker-main.js'));
    const code = readFileSync(file, 'utf8');
    expect(code).toContain('workerMain');
    const imports = staticImports(file);
    // The worker loop and the aggregation kernel are reached; packages stay imports resolved from node_modules.
    expect(imports).toContain('./worker-pool.js');
    expect(imports.some((spec) => spec.endsWith('/flow-kernel-wasm.js'))).toBe(true);
    expect(imports.filter((spec) => /^(@aws-sdk\/|esbuild|tsx|@duckdb\/)/.test(spec))).toEqual([]);
  });
});

describe('npm run build', () => {
  it('emits every TypeScript file under functions/ and schemas/ as JavaScript, beside the JSON and SQL the code reads', () => {
    const sources = ['functions', 'schemas'].flatMap((dir) =>
      filesUnder(join(REPO_ROOT, dir))
        .map((f) => join(dir, f))
        .filter((f) => !f.startsWith('functions/core/kernel/assembly/')),
    );
    const expected = sources
      .filter((f) => /\.(ts|js|json|sql)$/.test(f))
      .map((f) => f.replace(/\.ts$/, '.js'))
      .sort();
    expect(filesUnder(DIST)).toEqual(expected);
    // The bin is executable and runs without a TypeScript loader.
    expect(CLI_BIN).toBe(join(DIST, 'functions/cli/ciphertrail.js'));
    expect(statSync(CLI_BIN).mode & 0o111).not.toBe(0);
    expect(readFileSync(CLI_BIN, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('no built file imports esbuild or tsx, statically or lazily: nothing is compiled at run time', () => {
    const offenders = filesUnder(DIST)
      .filter((f) => f.endsWith('.js'))
      // The kernel's build script compiles AssemblyScript for `npm run build:kernel`; the CLI never imports it.
      .filter((f) => !f.endsWith('kernel/build-kernel.js') && !f.endsWith('schemas/generate-types.js'))
      .filter((f) => /(from|import\()\s*["'](esbuild|tsx)(\/[^"']*)?["']/.test(readFileSync(join(DIST, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  describe('on a copy of the sources', () => {
    const dir = tempDir('build');
    afterAll(() => dir.remove());
    const root = join(dir.path, 'tree');
    const out = join(root, 'dist');
    cpSync(join(REPO_ROOT, 'functions'), join(root, 'functions'), { recursive: true });
    cpSync(join(REPO_ROOT, 'schemas'), join(root, 'schemas'), { recursive: true });

    it('rewrites nothing when no source changed, builds a new file, and removes the output of a deleted one', async () => {
      const first = await buildDist({ root, quiet: true });
      expect(first.written).toBe(first.files);
      expect(await buildDist({ root, quiet: true })).toEqual({ files: first.files, written: 0, removed: 0 });

      // A new command file is built with no change to the build.
      writeFileSync(join(root, 'functions/cli/new-command.ts'), 'export const answer: number = 42;\n');
      const added = await buildDist({ root, quiet: true });
      expect(added).toEqual({ files: first.files + 1, written: 1, removed: 0 });
      const built = pathToFileURL(join(out, 'functions/cli/new-command.js')).href;
      expect(((await import(built)) as { answer: number }).answer).toBe(42);

      // A changed source is written again; a deleted one leaves no stale JavaScript behind.
      writeFileSync(join(root, 'functions/cli/new-command.ts'), 'export const answer: number = 43;\n');
      expect((await buildDist({ root, quiet: true })).written).toBe(1);
      expect(((await import(`${built}?again`)) as { answer: number }).answer).toBe(43);
      rmSync(join(root, 'functions/cli/new-command.ts'));
      expect(await buildDist({ root, quiet: true })).toEqual({ files: first.files, written: 0, removed: 1 });
      expect(existsSync(join(out, 'functions/cli/new-command.js'))).toBe(false);
    });
  });
});
