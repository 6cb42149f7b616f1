import { collectBetweenObjects } from '../adapters/gc-tuning.js';
import { describeError } from '../core/describe-error.js';
import { OutputError } from '../core/errors.js';
import { ingestObject, type ObjectReport } from '../core/ingest-object.js';
import type { SourceObject } from '../core/ports.js';
import { WARM_UP_FROM_BYTES, warmUpOnce } from './warm-up.js';

/**
 * Ingests one object in this thread. Errors that are the object's (not the output's) reject it
 * with the error named, so one unreadable S3 object never takes the run down.
 */
export async function ingestOne(
  object: SourceObject,
  options: Parameters<typeof ingestObject>[1],
): Promise<ObjectReport> {
  const started = Date.now();
  try {
    if ((object.size ?? 0) >= WARM_UP_FROM_BYTES) await warmUpOnce();
    return await ingestObject(object, options);
  } catch (err) {
    if (err instanceof OutputError) throw err;
    return {
      name: object.name,
      status: 'rejected',
      reason: `could not be read: ${describeError(err)}`,
      outputs: [],
      elapsedMs: Date.now() - started,
    };
  } finally {
    collectBetweenObjects();
  }
}
