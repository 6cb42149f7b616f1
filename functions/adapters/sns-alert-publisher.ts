import { PublishCommand, SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import type { AlertMessage } from '../core/alerts/alert-message.js';
import type { AlertPublisher } from '../core/alerts/alert-ports.js';
import { type RetryOptions, withRetry } from '../core/alerts/retry.js';

const TRANSIENT_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'TooManyRequestsException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'KMSThrottlingException',
  'RequestTimeout',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Throttling, 5xx and network errors are worth another try; validation and auth errors are not. */
export function isTransientSnsError(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return (
    Boolean(e?.$retryable) ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    TRANSIENT_ERRORS.has(e?.name ?? '') ||
    TRANSIENT_ERRORS.has(e?.code ?? '')
  );
}

/**
 * Publishes alert messages to an SNS topic. Retries are ours (exponential backoff with jitter),
 * so the client this class creates has SDK retries off; a message that still fails throws.
 */
export class SnsAlertPublisher implements AlertPublisher {
  private readonly client: SNSClient;
  private readonly retry: RetryOptions;

  constructor(
    readonly destination: string,
    options: { client?: SNSClient; clientConfig?: SNSClientConfig; retry?: Omit<RetryOptions, 'isRetryable'> } = {},
  ) {
    // The topic ARN names its region, so the CLI needs no AWS_REGION.
    const region = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):/.exec(destination)?.[1];
    this.client =
      options.client ?? new SNSClient({ maxAttempts: 1, ...(region ? { region } : {}), ...options.clientConfig });
    this.retry = { isRetryable: isTransientSnsError, ...options.retry };
  }

  async publish(message: AlertMessage): Promise<string> {
    const command = new PublishCommand({
      TopicArn: this.destination,
      Subject: message.subject,
      Message: message.body,
      MessageAttributes: message.attributes,
    });
    const output = await withRetry(() => this.client.send(command), this.retry);
    return output.MessageId ?? '';
  }
}
