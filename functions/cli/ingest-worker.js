// Worker-thread entry of `ingest --jobs`: registers tsx's loader in this thread (each worker has
// its own module loader), then runs the TypeScript worker loop.
import { register } from 'tsx/esm/api';

register();
const { workerMain } = await import('./worker-pool.ts');
await workerMain();
