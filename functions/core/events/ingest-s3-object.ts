import type { AlertOrigin } from '../alerts/alert-ports.js';
import { type CleartextGroup, type MalformedSample, ObjectRejectedError } from '../flow-log-aggregator.js';
import { type IngestOptions, ingestObject, type ObjectReport } from '../ingest-object.js';
import type { OutputSink, SourceObject } from '../ports.js';
import { objectIdentity, type S3ObjectRef, s3Url } from './s3-object-ref.js';

/** The JSON document written under `rejects/` for an object that can never be ingested. */
export interface QuarantineRecord {
  readonly object: {
    readonly url: string;
    readonly bucket: string;
    readonly key: string;
    readonly versionId: string | null;
    readonly eTag: string | null;
    readonly size: number | null;
    readonly identity: string;
  };
  readonly reason: string;
  /** Up to a few offending lines, verbatim (truncated), with their line numbers. */
  readonly samples: readonly MalformedSample[];
  readonly lines: number | null;
  readonly malformedLines: number | null;
  readonly rejectedAt: string;
}

export interface Quarantine {
  /** Stores the record (overwriting one for the same object) and returns where it went. */
  put(ref: S3ObjectRef, record: QuarantineRecord): Promise<string>;
}

/**
 * Where cleartext findings go (the alert engine); returns the number of alerts sent. `remainingMs`
 * is the invocation's time left: the step claims no alert it could not publish before the deadline.
 */
export interface AlertStep {
  raise(groups: readonly CleartextGroup[], origin: AlertOrigin, remainingMs?: () => number): Promise<number>;
}

export interface S3ObjectPorts {
  /** Resolves the object to read; throws ObjectRejectedError when it is gone or changed. */
  resolve(ref: S3ObjectRef): Promise<SourceObject>;
  readonly sink: OutputSink;
  readonly quarantine: Quarantine;
  readonly alerts?: AlertStep;
  readonly now: () => number;
  /** Milliseconds left in the invocation (Lambda `getRemainingTimeInMillis`), for the alert step. */
  readonly remainingMs?: () => number;
}

export interface S3ObjectOutcome {
  readonly ref: S3ObjectRef;
  readonly report: ObjectReport;
  /** Location of the quarantine record when the object was rejected. */
  readonly quarantinedAt?: string;
  readonly alertsSent: number;
}

/**
 * One object of a notification: ingest it into the tables; quarantine it when it can never be
 * read (corrupt gzip, unknown layout, gone); hand its cleartext groups to the alert step.
 * Transient errors (network, throttling, permissions) propagate so the message is retried.
 */
export async function ingestS3Object(
  ref: S3ObjectRef,
  ports: S3ObjectPorts,
  options: Omit<IngestOptions, 'sink' | 'collectCleartext'>,
): Promise<S3ObjectOutcome> {
  let report: ObjectReport;
  try {
    const object = await ports.resolve(ref);
    report = await ingestObject(object, { ...options, sink: ports.sink, collectCleartext: true });
  } catch (err) {
    if (!(err instanceof ObjectRejectedError)) throw err;
    report = {
      name: s3Url(ref.bucket, ref.key),
      status: 'rejected',
      reason: err.message,
      samples: err.samples,
      outputs: [],
      elapsedMs: 0,
    };
  }
  if (report.status === 'rejected') {
    const quarantinedAt = await ports.quarantine.put(ref, quarantineRecord(ref, report, ports.now()));
    return { ref, report, quarantinedAt, alertsSent: 0 };
  }
  const groups = report.cleartext ?? [];
  const alertsSent =
    ports.alerts && groups.length > 0
      ? await ports.alerts.raise(groups, { object: report.name, identity: objectIdentity(ref) }, ports.remainingMs)
      : 0;
  return { ref, report, alertsSent };
}

function quarantineRecord(ref: S3ObjectRef, report: ObjectReport, nowMs: number): QuarantineRecord {
  return {
    object: {
      url: s3Url(ref.bucket, ref.key),
      bucket: ref.bucket,
      key: ref.key,
      versionId: ref.versionId ?? null,
      eTag: ref.eTag ?? null,
      size: ref.size ?? null,
      identity: objectIdentity(ref),
    },
    reason: report.reason ?? 'rejected',
    samples: report.samples ?? [],
    lines: report.parse?.lines ?? null,
    malformedLines: report.parse?.malformed ?? null,
    rejectedAt: new Date(nowMs).toISOString(),
  };
}

/** Quarantines an object that will never be ingested by this function (it cannot finish in time). */
export async function giveUpObject(
  ref: S3ObjectRef,
  reason: string,
  ports: Pick<S3ObjectPorts, 'quarantine' | 'now'>,
): Promise<string> {
  const report: ObjectReport = {
    name: s3Url(ref.bucket, ref.key),
    status: 'rejected',
    reason,
    outputs: [],
    elapsedMs: 0,
  };
  return ports.quarantine.put(ref, quarantineRecord(ref, report, ports.now()));
}
