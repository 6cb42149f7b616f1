// Fallback worker-thread entry of `ingest --jobs` (see worker-entry.ts): registers tsx's loader in
// this thread (each worker has its own module loader), then runs the TypeScript worker loop.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
