import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file `ingest --jobs` starts its worker threads from. The CLI runs from the TypeScript
 * sources through tsx, and tsx in a fresh thread spends ~0.6 s loading and transpiling the
 * module graph before a worker does any work. So the worker loop (./worker-main.ts) is bundled
 * once with esbuild (tsx's own dependency) into node_modules/.cache/ciphertrail/<sources key>/,
 * with code splitting so that the lazy imports stay lazy (a worker on local files never loads
 * the AWS SDK). When esbuild cannot run, workers register tsx themselves (./ingest-worker.js).
 */
export async function workerEntryFile(): Promise<string> {
  const viaTsx = fileURLToPath(new URL('./ingest-worker.js', import.meta.url));
  const source = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
  if (!existsSync(source)) return viaTsx;
  try {
    const root = join(dirname(source), '..', '..');
    const cache = join(root, 'node_modules', '.cache', 'ciphertrail');
    // Named by the sources it is built from (paths, sizes, times): an unchanged tree reuses it without esbuild.
    const dir = join(cache, `ingest-worker-${sourceKey(root)}`);
    const entry = join(dir, 'worker-main.mjs');
    if (existsSync(entry)) return entry;
    const { build } = await import('esbuild');
    const staging = join(cache, 'staging');
    const result = await build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      splitting: true,
      outdir: staging,
      entryNames: '[name]',
      chunkNames: '[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      write: false,
      logLevel: 'silent',
    });
    // Written aside and renamed: a concurrent run never starts a worker from half a bundle.
    const partial = `${dir}.${process.pid}.tmp`;
    for (const file of result.outputFiles) {
      const target = join(partial, relative(staging, file.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    try {
      renameSync(partial, dir);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another run got there first
    }
    pruneOldBundles(cache, dir);
    return entry;
  } catch {
    return viaTsx;
  }
}

/** A key of the source files a worker bundle is built from (functions/ and schemas/). */
function sourceKey(root: string): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|js|json|sql)$/.test(entry.name)) {
        const { size, mtimeMs } = statSync(path);
        hash.update(`${relative(root, path)}:${size}:${mtimeMs}\n`);
      }
    }
  };
  visit(join(root, 'functions'));
  visit(join(root, 'schemas'));
  return hash.digest('hex').slice(0, 16);
}

const HOUR_MS = 3_600_000;

/** Bundles of earlier sources, untouched for an hour (no run can still be starting workers from them). */
function pruneOldBundles(cache: string, current: string): void {
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (path === current || !name.startsWith('ingest-worker-')) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > HOUR_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Already gone: another run pruned it.
    }
  }
}
