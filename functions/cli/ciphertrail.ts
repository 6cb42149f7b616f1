#!/usr/bin/env node
// Entry point of `npx ciphertrail` (package.json `bin`, built to dist/functions/cli/ciphertrail.js by `npm run build`).
// Before any work: incremental marking off, as in the ingest Lambda (see gc-tuning.ts).
import '../adapters/gc-tuning.js';
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
