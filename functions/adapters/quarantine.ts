import { partitionDate } from '../../schemas/tables.js';
import type { Quarantine, QuarantineRecord } from '../core/events/ingest-s3-object.js';
import { objectIdentity, type S3ObjectRef } from '../core/events/s3-object-ref.js';
import { parseFlowLogKey } from '../core/s3-key.js';
import type { BlobStore } from './blob-store.js';
import { outputStem } from './parquet-sink.js';

/**
 * Quarantine records as JSON under `rejects/dt=YYYY-MM-DD/`, beside the tables. The day is the
 * flow-log file's (else the event's) and the name derives from the object identity, so a
 * redelivered notification overwrites its record rather than adding another.
 */
export class BlobQuarantine implements Quarantine {
  constructor(private readonly store: BlobStore) {}

  async put(ref: S3ObjectRef, record: QuarantineRecord): Promise<string> {
    const key = quarantineKey(ref, record);
    await this.store.put(key, new TextEncoder().encode(`${JSON.stringify(record, null, 2)}\n`), 'application/json');
    return this.store.describe(key);
  }
}

function quarantineKey(ref: S3ObjectRef, record: QuarantineRecord): string {
  const fileTime = parseFlowLogKey(ref.key).fileTimeMs;
  const eventTime = ref.eventTime ? Date.parse(ref.eventTime) : NaN;
  const time = fileTime ?? (Number.isNaN(eventTime) ? Date.parse(record.rejectedAt) : eventTime);
  return `rejects/dt=${partitionDate(time)}/${outputStem(objectIdentity(ref), ref.key)}.json`;
}
