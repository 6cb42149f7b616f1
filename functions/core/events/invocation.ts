import { type NotificationContent, parseNotification } from './s3-notification.js';

/** One message of an SQS batch: the unit that is acknowledged or retried. */
export interface InvocationMessage {
  /** The SQS message id: the `itemIdentifier` of a batch item failure. */
  readonly id: string;
  readonly content: NotificationContent;
  /** How often SQS has handed this message out, this time included (`ApproximateReceiveCount`). */
  readonly receiveCount?: number;
}

/**
 * The fields of an SQS record (aws-lambda's `SQSRecord`) the ingest reads; structural, so core
 * depends on no Lambda package. Infra wires the ingest function to its queue only (an SQS event
 * source with `ReportBatchItemFailures`); what a body holds is `parseNotification`'s concern.
 */
export interface SqsMessageRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: { readonly ApproximateReceiveCount?: string };
}

/**
 * The messages of an SQS batch, one per record, each with its parsed body: an S3 event
 * notification (S3 → SQS), an SNS envelope around one (the owner's topic → SQS), or an
 * EventBridge "Object Created" event (a rule on an imported bucket → SQS).
 */
export function messagesOfSqsBatch(records: readonly SqsMessageRecord[]): InvocationMessage[] {
  return records.map((record) => {
    const count = Number(record.attributes.ApproximateReceiveCount);
    return {
      id: record.messageId,
      content: parseNotification(record.body),
      ...(Number.isInteger(count) && count > 0 ? { receiveCount: count } : {}),
    };
  });
}
