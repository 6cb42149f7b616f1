#!/usr/bin/env node
// Entry point of `npx ciphertrail` (package.json `bin`, built to dist/functions/cli/ciphertrail.js by `npm run build`).
// Before any work: incremental marking off, as in the ingest Lambda (see gc-tuning.ts).
import { settleBeforeExit } from '../adapters/gc-tuning.js';
import { main } from './main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  // Else the process can hang at exit, its work done (gc-tuning.ts).
  await settleBeforeExit();
}
