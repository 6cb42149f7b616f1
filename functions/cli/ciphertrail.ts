#!/usr/bin/env node
// Entry point of `npx ciphertrail` (package.json `bin`, built to dist/functions/cli/ciphertrail.js by `npm run build`).
// Before any work: incremental marking off, as in the ingest Lambda (see gc-tuning.ts).
import '../adapters/gc-tuning.js';
import { main } from './main.js';

// The AWS SDK prints a seven-line warning on Node.js < 22 the first time a client is built (about
// SDK versions it has not published yet): noise in every S3 command's output, where each problem
// gets one line. The SDK versions are pinned in package.json, so the warning is ours to act on;
// set the variable to anything but "true" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
