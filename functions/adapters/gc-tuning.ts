import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's incremental marking for the ingest Lambda (imported first by its handler) and
 * the CLI (imported by its entry, functions/cli/ciphertrail.js, before any command runs).
 *
 * Measured on the realistic corpus, parse + aggregate on one core: with `@aws-sdk/client-s3`
 * loaded, as it is in the handler, V8 starts incremental marking about 30 times while the
 * inflated 1 MiB chunks stream through (external memory), and the run takes 1.57-1.74 s
 * instead of 1.32-1.34 s; with incremental marking off it runs 2 full collections and
 * 1.32-1.33 s. The CLI under tsx is hit the same way (tsx's loader fills the heap): a full
 * ingest of the corpus took 2.07-2.27 s with 36 mark-compacts, and 1.78 s with the flag. Full (atomic) collections still run whenever the heap needs them, and a batch
 * function has no pause to hide. The flag is read when marking would start, so setting it at
 * module load, before the work begins, takes effect (docs/performance.md).
 */
setFlagsFromString('--no-incremental-marking');
