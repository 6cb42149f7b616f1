#!/usr/bin/env node
// Entry point of `npx ciphertrail`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// Before any work: incremental marking off, as in the ingest Lambda (see gc-tuning.ts).
await import('../adapters/gc-tuning.ts');
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
