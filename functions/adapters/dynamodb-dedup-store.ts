import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DedupStore } from '../core/alerts/raise-alerts.js';

/** Table contract (infra creates it): string partition key `pk`, TTL enabled on `expires_at`. */
export const DEDUP_PARTITION_KEY = 'pk';
export const DEDUP_TTL_ATTRIBUTE = 'expires_at';

/**
 * Alert suppression across concurrent Lambda invocations. A claim is a conditional PutItem that
 * succeeds only when no unexpired claim exists; DynamoDB TTL deletes items lazily (up to days
 * late), so expiry is checked in the condition, not left to TTL.
 */
export class DynamoDbDedupStore implements DedupStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async claim(key: string, nowMs: number, ttlSeconds: number): Promise<string | null> {
    const token = randomUUID();
    const nowSec = Math.floor(nowMs / 1000);
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: {
          [DEDUP_PARTITION_KEY]: { S: key },
          token: { S: token },
          claimed_at: { N: String(nowSec) },
          [DEDUP_TTL_ATTRIBUTE]: { N: String(nowSec + ttlSeconds) },
        },
        ConditionExpression: 'attribute_not_exists(#pk) OR #expires <= :now',
        ExpressionAttributeNames: { '#pk': DEDUP_PARTITION_KEY, '#expires': DEDUP_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': { N: String(nowSec) } },
      }));
      return token;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return null;
      throw err;
    }
  }

  /** Deletes the claim only if it is still ours (another run may have claimed it since). */
  async release(key: string, token: string): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({
        TableName: this.tableName,
        Key: { [DEDUP_PARTITION_KEY]: { S: key } },
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': { S: token } },
      }));
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}
