/**
 * `npm run build` (run by `prepare`, so `npm ci` does it): the JavaScript the CLI, its worker
 * threads and the Lambda handlers run, in dist/. Every TypeScript file under functions/ and
 * schemas/ is transpiled one to one by esbuild (no bundling: dist/ has the tree of the sources,
 * and packages stay imports resolved from node_modules); the JSON schemas and SQL files the code
 * reads next to itself are copied. A file added under those folders is built with no change here.
 *
 * Why esbuild and not `tsc`: the sources are `isolatedModules` (each file compiles on its own), so
 * esbuild's per-file transform emits what tsc would, in a fraction of the time, and the type check
 * stays its own step (`npm run typecheck`). The test suite runs this build first (vitest's
 * globalSetup), so a test can never run a stale dist/ (docs/performance.md has the numbers).
 *
 * Writes are incremental and atomic: a file whose output did not change is not touched, a changed
 * one is written aside and renamed (a CLI started meanwhile never reads half a file), and outputs
 * whose source is gone are deleted.
 */
import {
  chmodSync,
  type Dirent,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_DIRS = ['functions', 'schemas'];
/** AssemblyScript, compiled to WebAssembly by `npm run build:kernel` (and embedded), not by esbuild. */
const NOT_JAVASCRIPT = [join('functions', 'core', 'kernel', 'assembly')];
/** Files the code reads beside itself (JSON imports, `schemas/queries/*.sql`). */
const ASSETS = /\.(json|sql)$/;
/** Executables: the `bin` of package.json. */
const EXECUTABLE = new Set([join('functions', 'cli', 'ciphertrail.js')]);

function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (NOT_JAVASCRIPT.includes(path)) continue;
      if (entry.isDirectory()) visit(path);
      else if (/\.[cm]?[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
      else if (ASSETS.test(entry.name) && entry.name !== 'tsconfig.json') files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) visit(dir);
  return files.sort();
}

/** Writes `contents` to `path` unless it already holds them; returns whether it wrote. */
function writeIfChanged(path: string, contents: Buffer): boolean {
  try {
    if (statSync(path).size === contents.length && readFileSync(path).equals(contents)) return false;
  } catch {
    // Not there yet.
  }
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, contents);
  renameSync(partial, path);
  return true;
}

export interface BuildOptions {
  /** The tree to build (functions/ and schemas/ under it); default: this repository. */
  readonly root?: string;
  /** Where the JavaScript goes; default: <root>/dist. */
  readonly outdir?: string;
  readonly quiet?: boolean;
}

export interface BuildResult {
  readonly files: number;
  readonly written: number;
  readonly removed: number;
}

/** Builds dist/; returns how many outputs there are, how many changed (written) and how many were stale (removed). */
export async function buildDist(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const root = options.root ?? REPO;
  const dist = options.outdir ?? join(root, 'dist');
  const files = sourceFiles(root);
  const code = files.filter((f) => !ASSETS.test(f));
  const result = await build({
    absWorkingDir: root,
    entryPoints: code,
    outdir: dist,
    outbase: '.',
    bundle: false,
    platform: 'node',
    format: 'esm',
    // Node 20.10 is the first 20.x with import attributes (`with { type: 'json' }`); an older target drops them.
    target: 'node20.10',
    write: false,
    logLevel: 'warning',
  });
  const outputs = new Map<string, Buffer>();
  for (const file of result.outputFiles) outputs.set(relative(dist, file.path), Buffer.from(file.contents));
  for (const asset of files.filter((f) => ASSETS.test(f))) outputs.set(asset, readFileSync(join(root, asset)));
  let written = 0;
  for (const [path, contents] of outputs) {
    if (writeIfChanged(join(dist, path), contents)) written++;
    if (EXECUTABLE.has(path)) chmodSync(join(dist, path), 0o755);
  }
  const removed = prune(dist, outputs);
  if (!options.quiet) {
    const ms = Math.round(performance.now() - started);
    console.log(`dist/: ${outputs.size} files (${written} written, ${removed} removed) in ${ms} ms`);
  }
  return { files: outputs.size, written, removed };
}

/** Deletes what dist/ holds beyond `outputs` (a source deleted or renamed since the last build). */
function prune(dist: string, outputs: ReadonlyMap<string, Buffer>): number {
  let removed = 0;
  const visit = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dist, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = dir ? join(dir, entry.name) : entry.name;
      if (entry.isDirectory()) visit(path);
      else if (!outputs.has(path) && !entry.name.endsWith('.tmp')) {
        rmSync(join(dist, path), { force: true });
        removed++;
      }
    }
  };
  visit('');
  return removed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDist();
