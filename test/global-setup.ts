import { buildDist } from '../scripts/build.js';

/**
 * Tests that start the CLI or the worker pool run the built JavaScript (dist/), as a user does:
 * it is built once before any test file, so no test can run an out-of-date build. Incremental:
 * with unchanged sources nothing is written.
 */
export default async function setup(): Promise<void> {
  await buildDist({ quiet: true });
}
