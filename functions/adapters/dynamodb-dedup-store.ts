import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DedupStore } from '../core/alerts/alert-ports.js';

/** Table contract (infra creates it): string partition key `pk`, TTL enabled on `expires_at`. */
export const DEDUP_PARTITION_KEY = 'pk';
export const DEDUP_TTL_ATTRIBUTE = 'expires_at';

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Alert suppression across concurrent Lambda invocations, in two phases (core/alerts/alert-ports.ts).
 * An item is `pending` (claimed, its message not sent yet) or `sent`; either way `expires_at` says
 * when the key may be claimed again: the end of the claimant's lease for a pending claim, the end
 * of the suppression window for a sent one. A claim is a conditional PutItem that succeeds only
 * when no unexpired item exists. DynamoDB TTL deletes items lazily (up to days late), so expiry is
 * checked in the condition, not left to TTL.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export class DynamoDbDedupStore implements DedupStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async claim(key: string, nowMs: number, leaseUntilMs: number): Promise<string | null> {
    const token = randomUUID();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [DEDUP_PARTITION_KEY]: { S: key },
            token: { S: token },
            state: { S: 'pending' },
            claimed_at: { N: String(seconds(nowMs)) },
            // Rounded up: the lease never ends before the claimant's deadline.
            [DEDUP_TTL_ATTRIBUTE]: { N: String(Math.ceil(leaseUntilMs / 1000)) },
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expires <= :now',
          ExpressionAttributeNames: { '#pk': DEDUP_PARTITION_KEY, '#expires': DEDUP_TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': { N: String(seconds(nowMs)) } },
        }),
      );
      return token;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return null;
      throw err;
    }
  }

  /** Marks our claim sent and moves its expiry to the end of the suppression window. */
  async confirm(key: string, token: string, nowMs: number, expiresAtMs: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { [DEDUP_PARTITION_KEY]: { S: key } },
          UpdateExpression: 'SET #state = :sent, sent_at = :now, #expires = :expires',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#state': 'state', '#expires': DEDUP_TTL_ATTRIBUTE, '#token': 'token' },
          ExpressionAttributeValues: {
            ':sent': { S: 'sent' },
            ':now': { N: String(seconds(nowMs)) },
            ':expires': { N: String(seconds(expiresAtMs)) },
            ':token': { S: token },
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Deletes the claim only if it is still ours (another run may have claimed it since). */
  async release(key: string, token: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [DEDUP_PARTITION_KEY]: { S: key } },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': { S: token } },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}
