// Entry of an `ingest --jobs` worker thread (bundled by ./worker-entry.ts, or run through tsx by ./ingest-worker.js).
import { workerMain } from './worker-pool.js';

await workerMain();
