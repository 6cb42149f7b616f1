import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Turns off V8's incremental marking for the ingest Lambda (imported first by its handler) and
 * the CLI (imported by its entry, functions/cli/ciphertrail.js, before any command runs).
 *
 * Why: while inflated 1 MiB chunks stream through (external memory), V8 starts incremental
 * marking over and over, and the run takes markedly longer than with a few full collections
 * (figures in docs/performance.md, "What made it fast"). Full (atomic) collections still run
 * whenever the heap needs them, and a batch function has no pause to hide. The flag is read when marking would start, so setting it at
 * module load, before the work begins, takes effect (docs/performance.md).
 */
setFlagsFromString('--no-incremental-marking');
/*
 * A run of many small objects keeps little alive (a flat ~40 MB after every collection, however
 * many objects) but allocates fast, and V8 then grows the heap limit in big steps: peak memory
 * grew with the length of the run although nothing was retained. Growing by 30 % at a time keeps
 * most of that off for some more collections (10 % saved little more and cost twice the CPU;
 * figures in docs/performance.md).
 */
setFlagsFromString('--heap-growing-percent=30');
/*
 * The young generation goes to its maximum size (16 MB semi-spaces on 64-bit) at its first
 * growth instead of doubling there from 1 MB over the first tens of seconds of a run. Why: the
 * peak memory of a run then does not depend on how long it runs. A run of 50,000 small objects
 * reached that size anyway; one of 5,000 ended before it did, so its peak was 28 MB lower and the
 * memory looked as if it grew with the number of objects: 80 → 108 MB for 5,000 → 50,000 objects
 * before, 101 → 111 MB with this (docs/performance.md). The flag is read each time V8 grows the
 * young generation, so setting it here takes effect. (Its size cannot be capped at run time:
 * `--max-semi-space-size` is read only when the isolate is created.)
 */
setFlagsFromString('--semi-space-growth-factor=16');
/** Objects between two looks at the heap (a look costs a few microseconds). */
const CHECK_EVERY = 16;
/** Growth of the old generation since the last full collection that makes the next one worth its ~20 ms. */
const COLLECT_AFTER_BYTES = 4 << 20;

let objectsSinceCheck = 0;
let oldAfterCollection = 0;
let gc: (() => void) | undefined;

/**
 * Called between two objects of a run (CLI, workers), when almost nothing is alive: a full
 * collection once the old generation has grown by COLLECT_AFTER_BYTES since the last one.
 *
 * Why: each scavenge promotes what the object in flight had allocated (about 0.3 KB an object
 * over a run), and with incremental marking off V8 collects the old generation only when it
 * reaches its limit, so a 50,000-object run made one mark-compact while 18 MB of that garbage
 * piled up; now it makes six and the old generation stays at its live size (docs/performance.md).
 * (The young generation grows to its maximum once, at the start: see the growth factor above.)
 */
export function collectBetweenObjects(): void {
  if (++objectsSinceCheck < CHECK_EVERY) return;
  objectsSinceCheck = 0;
  if (oldSpaceBytes() < oldAfterCollection + COLLECT_AFTER_BYTES) return;
  fullCollection();
  oldAfterCollection = oldSpaceBytes();
}

/**
 * Called once the work is done, before the event loop drains: one full collection.
 *
 * Why: a background thread of V8 (a TurboFan compile job) that allocates when the old generation
 * is at its limit asks the main thread for a collection and waits for it. When the event loop has
 * nothing left, Node's main thread waits for every background task to finish
 * (`NodePlatform::DrainTasks`) before it runs any task of its own, so the two wait for each other
 * and the process never exits. Seen in CI as an `ingest` of eight small objects that wrote its
 * report and then hung, idle (gdb: the main thread in `DrainTasks`, compile jobs in
 * `CollectionBarrier::AwaitCollectionBackground`). The tuning above makes the limit easy to
 * reach: the heap grows by 30 % and is collected between objects, and with incremental marking
 * off (or, with it on, under V8's 8 MB activation threshold) V8 does not let a background
 * allocation past the limit. A collection here releases a thread already waiting and sets the
 * next limit at least 8 MB above what is alive (V8's minimum step), which the compile jobs still
 * in flight do not reach. Costs 3–5 ms at the end of a run, when little is alive.
 * (Turning incremental marking back on instead did not prevent the hang.)
 */
export function settleBeforeExit(): void {
  fullCollection();
}

/** Bytes in the old generation's main space: what promotion fills. */
function oldSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;
}

/** A full (mark-compact) collection, now. */
function fullCollection(): void {
  gc ??= exposedGc();
  gc();
}

/** V8's `gc()`, made reachable once (the flag is read when a context is created). */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
