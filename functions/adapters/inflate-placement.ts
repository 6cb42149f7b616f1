import { availableParallelism } from 'node:os';
import type { InflateOn } from '../core/text-stream.js';

/**
 * Where the ingest threads of this process inflate gzip (InflateOn in core/text-stream.ts): on
 * libuv's thread pool when the process may use more cores than it has ingest threads (one
 * thread, or fewer `--jobs` workers than cores: a Lambda function above 1,769 MB, the CLI on one
 * large object), else on each ingest thread itself, which costs the least CPU. The cores are those
 * this process may run on (sched_getaffinity: `taskset -c 0` counts one).
 */
export function inflatePlacement(ingestThreads: number): InflateOn {
  return availableParallelism() > ingestThreads ? 'thread-pool' : 'this-thread';
}
