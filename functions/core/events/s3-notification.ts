import { definedProps } from '../defined.js';
import { decodeS3EventKey } from '../s3-key.js';
import { normalizeETag, type S3ObjectRef } from './s3-object-ref.js';

/** What one notification message asks for (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). */
export type NotificationContent =
  /** Objects to ingest; `skipped` says why other records of the message were not (e.g. ObjectRemoved). */
  | { readonly kind: 'objects'; readonly objects: S3ObjectRef[]; readonly skipped: string[] }
  /** `s3:TestEvent`, sent when a notification configuration is saved: nothing to do. */
  | { readonly kind: 'test-event' }
  /** Not a message this handler understands: it goes to the dead-letter queue for a human. */
  | { readonly kind: 'invalid'; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Reads a notification in any of the shapes S3 produces: an S3 event (`Records[]`, what S3
 * sends to SQS, SNS and Lambda), an SNS envelope around one (SNS → SQS without raw delivery),
 * an EventBridge "Object Created" event, or the `s3:TestEvent`. Strings are parsed as JSON.
 */
export function parseNotification(body: unknown): NotificationContent {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { kind: 'invalid', reason: `message body is not JSON: ${body.slice(0, 120)}` };
    }
  }
  if (!isObject(value)) return { kind: 'invalid', reason: 'message body is not a JSON object' };
  if (value.Type === 'Notification' && typeof value.Message === 'string') return parseNotification(value.Message);
  if (value.Event === 's3:TestEvent') return { kind: 'test-event' };
  if (Array.isArray(value.Records)) return fromS3Records(value.Records);
  if (value.source === 'aws.s3' && typeof value['detail-type'] === 'string') return fromEventBridge(value);
  return { kind: 'invalid', reason: `unrecognised message (keys: ${Object.keys(value).slice(0, 8).join(', ')})` };
}

function fromS3Records(records: unknown[]): NotificationContent {
  const objects: S3ObjectRef[] = [];
  const skipped: string[] = [];
  for (const record of records) {
    if (!isObject(record) || !isObject(record.s3)) return { kind: 'invalid', reason: 'S3 event record without "s3"' };
    const version = str(record.eventVersion) ?? '';
    if (!/^2\./.test(version)) return { kind: 'invalid', reason: `unsupported S3 event version "${version}"` };
    const name = str(record.eventName) ?? '';
    const bucket = isObject(record.s3.bucket) ? str(record.s3.bucket.name) : undefined;
    const object = isObject(record.s3.object) ? record.s3.object : undefined;
    const rawKey = object ? str(object.key) : undefined;
    if (!bucket || !object || rawKey === undefined)
      return { kind: 'invalid', reason: 'S3 event record without bucket or key' };
    if (!name.startsWith('ObjectCreated:')) {
      skipped.push(`${name || 'event without a name'}: ${rawKey}`);
      continue;
    }
    let key: string;
    try {
      key = decodeS3EventKey(rawKey);
    } catch {
      return { kind: 'invalid', reason: `object key is not valid URL encoding: ${rawKey}` };
    }
    objects.push(ref(bucket, key, [], object.versionId, object.eTag, object.size, object.sequencer, record.eventTime));
  }
  return { kind: 'objects', objects, skipped };
}

function fromEventBridge(event: Json): NotificationContent {
  const detail = isObject(event.detail) ? event.detail : undefined;
  const bucket = detail && isObject(detail.bucket) ? str(detail.bucket.name) : undefined;
  const object = detail && isObject(detail.object) ? detail.object : undefined;
  const rawKey = object ? str(object.key) : undefined;
  if (!bucket || !object || rawKey === undefined)
    return { kind: 'invalid', reason: 'EventBridge S3 event without bucket or key' };
  if (event['detail-type'] !== 'Object Created') {
    return { kind: 'objects', objects: [], skipped: [`${String(event['detail-type'])}: ${rawKey}`] };
  }
  // Whether EventBridge URL-encodes keys is unconfirmed: read the key as given, else its decoded form.
  let decoded: string | undefined;
  try {
    decoded = decodeS3EventKey(rawKey);
  } catch {
    decoded = undefined;
  }
  const alternatives = decoded !== undefined && decoded !== rawKey ? [decoded] : [];
  return {
    kind: 'objects',
    skipped: [],
    objects: [
      ref(bucket, rawKey, alternatives, object['version-id'], object.etag, object.size, object.sequencer, event.time),
    ],
  };
}

function ref(
  bucket: string,
  key: string,
  altKeys: string[],
  versionId: unknown,
  eTag: unknown,
  size: unknown,
  sequencer: unknown,
  eventTime: unknown,
): S3ObjectRef {
  return definedProps({
    bucket,
    key,
    altKeys: altKeys.length ? altKeys : undefined,
    versionId: str(versionId),
    eTag: normalizeETag(str(eTag)),
    size: num(size),
    sequencer: str(sequencer),
    eventTime: str(eventTime),
  });
}
