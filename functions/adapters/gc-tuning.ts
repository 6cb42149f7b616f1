import { setFlagsFromString } from 'node:v8';

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
