import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
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
  optimizeOnWorkerThreads();
  return Array.from({ length: count }, () => new Worker(file));
}

/**
 * Workers optimize hot JavaScript on their own thread instead of handing it to V8's background
 * compiler threads. V8 flags are per process, and this one is read when an isolate is created, so
 * it changes the workers started after it and not the thread that is already running.
 *
 * Why: every worker keeps one core busy, so a background compile job waits for a core while the
 * function it would speed up goes on running unoptimized; each worker's first object paid for it.
 * Four 500,000-record objects with `--jobs 2` on two cores: 2.02–2.15 s (3.6–3.8 s of CPU)
 * with background compilation, 1.90–2.05 s (3.3–3.5 s of CPU) without it; no change on one core
 * (docs/performance.md).
 */
function optimizeOnWorkerThreads(): void {
  setFlagsFromString('--no-concurrent-recompilation');
}
