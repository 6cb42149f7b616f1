/**
 * Lambda events shaped exactly as AWS documents them (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html, https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html),
 * with the bucket, key, ETag and size of real objects filled in.
 */
import type { Context, SQSEvent } from 'aws-lambda';

export interface ObjectFacts {
  readonly bucket: string;
  readonly key: string;
  readonly eTag: string;
  readonly size: number;
}

/** How S3 writes keys in notifications: form URL encoding (space → `+`), `/` kept. */
function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

export function s3EventRecord(o: ObjectFacts, eventName = 'ObjectCreated:Put'): Record<string, unknown> {
  return {
    eventVersion: '2.6',
    eventSource: 'aws:s3',
    awsRegion: 'us-west-2',
    eventTime: '2025-11-21T10:12:01.000Z',
    eventName,
    userIdentity: { principalId: 'AWS:AROAEXAMPLE:delivery.logs.amazonaws.com' },
    requestParameters: { sourceIPAddress: '172.16.0.1' },
    responseElements: {
      'x-amz-request-id': 'C3D13FE58DE4C810',
      'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'flow-logs',
      bucket: { name: o.bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${o.bucket}` },
      object: { key: encodeEventKey(o.key), size: o.size, eTag: o.eTag, sequencer: '0055AED6DCD90281E5' },
    },
  };
}

/** The S3 notification JSON (what S3 writes into an SQS body). */
export const s3Notification = (...objects: ObjectFacts[]): string =>
  JSON.stringify({ Records: objects.map((o) => s3EventRecord(o)) });

export const TEST_EVENT = JSON.stringify({
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2014-10-13T15:57:02.089Z',
  Bucket: 'raw',
  RequestId: '5582815E1AEA5ADF',
  HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
});

/** SNS → SQS without raw message delivery: the S3 notification is the envelope's `Message`. */
export function snsEnvelope(message: string): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    TopicArn: 'arn:aws:sns:us-west-2:123456789012:flow-log-objects',
    Subject: 'Amazon S3 Notification',
    Message: message,
    Timestamp: '2025-11-21T10:12:02.000Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLEpH+..',
    SigningCertURL: 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
    UnsubscribeURL:
      'https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:flow-log-objects:0',
  });
}

export function eventBridgeObjectCreated(
  o: ObjectFacts,
  id = '17793124-05d4-b198-2fde-7ededc63b103',
): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111122223333',
    time: '2025-11-21T10:12:01Z',
    region: 'us-west-2',
    resources: [`arn:aws:s3:::${o.bucket}`],
    detail: {
      version: '0',
      'event-version': '1.2',
      bucket: { name: o.bucket },
      object: { key: o.key, size: o.size, etag: o.eTag, sequencer: '617f08299329d189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '192.0.2.1',
      reason: 'PutObject',
    },
  };
}

export interface SqsMessage {
  readonly messageId: string;
  readonly body: string;
  /** `ApproximateReceiveCount` (default 1). */
  readonly receiveCount?: number;
}

export function sqsEvent(messages: readonly SqsMessage[]): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.messageId,
      receiptHandle: `AQEB${m.messageId}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount ?? 1),
        SentTimestamp: '1763719921000',
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: '1763719921050',
      },
      messageAttributes: {},
      md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:ciphertrail-ingest',
      awsRegion: 'us-west-2',
    })),
  };
}

/** A Lambda context whose remaining time is given by `remaining` (called on every check). */
export function lambdaContext(
  remaining: () => number = () => 600_000,
  requestId = 'c6af9ac6-7b61-11e6-9a41-93e812345678',
): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'ciphertrail-ingest',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-west-2:123456789012:function:ciphertrail-ingest',
    memoryLimitInMB: '1769',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/ciphertrail-ingest',
    logStreamName: '2025/11/21/[$LATEST]abc',
    getRemainingTimeInMillis: remaining,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
