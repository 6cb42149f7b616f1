// Entry of an `ingest --jobs` worker thread: worker-pool.ts starts the built dist/functions/cli/worker-main.js.
import { workerMain } from './worker-pool.js';

await workerMain();
