import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
  workOnWorkerThreads(count);
  return Array.from({ length: count }, () => new Worker(file));
}

/**
 * Workers compile their hot JavaScript on their own thread, and when they are as many as the
 * cores they collect their garbage there too, instead of handing the work to V8's helper threads.
 * V8 flags are per process; these are read when an isolate is created or when a collection
 * starts, so they change the workers started after them (the parent thread idles while they run).
 *
 * Why, compiling: every worker keeps a core busy, so a helper's job could only run on a core
 * another worker needs while its function ran unoptimized. Four 500,000-record objects with
 * `--jobs 2` on two cores, interleaved runs (docs/performance.md): 2.02–2.15 s with helpers,
 * 1.90–2.05 s compiling on the worker's thread; no change on one core. It also leaves a worker no
 * compile job that could wait for its thread to collect while the thread is being stopped, the
 * hang at exit that `settleBeforeExit` (gc-tuning.ts) prevents on the main thread; so it is set
 * whatever the number of cores.
 *
 * Why, collecting: 1.5–2 % less again on two cores (medians 1.99 → 1.96 s over 7 rounds). With
 * cores to spare the helpers have idle cores, and collections keep them.
 *
 * Not `--no-parallel-marking`: set at run time it makes the next full collection of the parent's
 * isolate, created before it, abort V8 ("Check failed: concurrent_marking_handle_ implies
 * !concurrent_marking_handle_->IsValid()"); test/cli/worker-flags.test.ts holds that.
 */
function workOnWorkerThreads(workers: number): void {
  setFlagsFromString('--no-concurrent-recompilation');
  if (workers < availableParallelism()) return;
  for (const flag of ['--no-parallel-scavenge', '--no-parallel-compaction', '--no-concurrent-sweeping']) {
    setFlagsFromString(flag);
  }
}
