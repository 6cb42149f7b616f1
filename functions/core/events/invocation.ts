import { type NotificationContent, parseNotification } from './s3-notification.js';

/** One message of an invocation: the unit that is acknowledged or retried. */
export interface InvocationMessage {
  /** SQS message id (the `itemIdentifier` of a batch item failure), SNS message id or event id. */
  readonly id: string;
  readonly content: NotificationContent;
  /** How often SQS has handed this message out, this time included (`ApproximateReceiveCount`). */
  readonly receiveCount?: number;
}

export interface Invocation {
  /**
   * True for SQS batches: failures are reported per message (`ReportBatchItemFailures`).
   * Other triggers (S3, SNS, EventBridge → Lambda) are asynchronous: a failure fails the invocation.
   */
  readonly partialBatch: boolean;
  readonly messages: InvocationMessage[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Splits a Lambda event from any of the ingest triggers into messages. */
export function messagesOfInvocation(event: unknown): Invocation {
  if (isObject(event) && Array.isArray(event.Records) && event.Records.length > 0) {
    const records = event.Records as unknown[];
    const first = records[0];
    if (isObject(first) && first.eventSource === 'aws:sqs') {
      return {
        partialBatch: true,
        messages: records.map((r, i) => {
          const record = isObject(r) ? r : {};
          const count = isObject(record.attributes) ? Number(record.attributes.ApproximateReceiveCount) : NaN;
          return {
            id: typeof record.messageId === 'string' ? record.messageId : `record-${i}`,
            content: parseNotification(record.body),
            ...(Number.isInteger(count) && count > 0 ? { receiveCount: count } : {}),
          };
        }),
      };
    }
    if (isObject(first) && first.EventSource === 'aws:sns') {
      return {
        partialBatch: false,
        messages: records.map((r, i) => {
          const sns = isObject(r) && isObject(r.Sns) ? r.Sns : {};
          return {
            id: typeof sns.MessageId === 'string' ? sns.MessageId : `record-${i}`,
            content: parseNotification(sns.Message),
          };
        }),
      };
    }
    return {
      partialBatch: false,
      messages: [{ id: requestIdOf(first) ?? 's3-event', content: parseNotification(event) }],
    };
  }
  const id = isObject(event) && typeof event.id === 'string' ? event.id : 'event';
  return { partialBatch: false, messages: [{ id, content: parseNotification(event) }] };
}

function requestIdOf(record: unknown): string | undefined {
  if (!isObject(record) || !isObject(record.responseElements)) return undefined;
  const id = record.responseElements['x-amz-request-id'];
  return typeof id === 'string' ? id : undefined;
}
