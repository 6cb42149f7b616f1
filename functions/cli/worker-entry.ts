import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The file `ingest --jobs` starts its worker threads from: the worker loop (./worker-main.ts) as
 * `npm run build` emits it, dist/functions/cli/worker-main.js. The built CLI finds it beside this
 * module; code that runs from the TypeScript sources (tests that call the pool in-process) uses
 * the same file under dist/. Nothing is compiled or bundled at run time.
 */
export function workerEntryFile(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(
    new URL(fromSources ? '../../dist/functions/cli/worker-main.js' : './worker-main.js', import.meta.url),
  );
  if (!existsSync(file)) throw new Error(`the ingest worker ${file} is missing: run \`npm run build\``);
  return file;
}

/**
 * Starts `count` ingest workers, which boot (Node's worker bootstrap, the ingest modules) and then
 * wait for the pool's settings and objects (worker-pool.ts). This module loads nothing else, so
 * the CLI can start them before it loads the ingest modules itself: with `--jobs 2` a worker's
 * boot (~0.3 s of CPU) then overlaps the parent's own start instead of following it.
 */
export function startIngestWorkers(count: number, file = workerEntryFile()): Worker[] {
  return Array.from({ length: count }, () => new Worker(file));
}
