import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../infra/config.js';
import { DEFAULTS } from '../../infra/defaults.js';

const resolve = (context: Record<string, unknown>) => resolveConfig((key) => context[key]);

describe('configuration from CDK context', () => {
  it('falls back to DEFAULTS', () => {
    const config = resolve({});
    expect(config).toMatchObject({
      ingestMemoryMb: DEFAULTS.ingestMemoryMb, ingestTimeoutSeconds: DEFAULTS.ingestTimeoutSeconds,
      ingestBatchSize: 10, curatedPrefix: 'tables/', firehoseEnabled: false, memberAccountIds: [], flowLogPrefix: '',
    });
    expect(config.ingestReservedConcurrency).toBeUndefined();
    expect(config.flowLogBucketName).toBeUndefined();
  });

  it('reads lists from JSON arrays and from -c comma strings, numbers and booleans from strings', () => {
    const config = resolve({
      memberAccountIds: '111111111111, 222222222222,111111111111',
      memberRoleArns: ['arn:aws:iam::111111111111:role/ciphertrail-read'],
      ingestMemoryMb: '3008', ingestReservedConcurrency: 25, firehoseEnabled: 'true',
    });
    expect(config.memberAccountIds).toEqual(['111111111111', '222222222222']);
    expect(config.memberRoleArns).toEqual(['arn:aws:iam::111111111111:role/ciphertrail-read']);
    expect(config.ingestMemoryMb).toBe(3008);
    expect(config.ingestReservedConcurrency).toBe(25);
    expect(config.firehoseEnabled).toBe(true);
  });

  it.each([
    [{ memberAccountIds: '12345' }, /memberAccountIds.*"12345".*12-digit/],
    [{ memberRoleArns: 'role/x' }, /memberRoleArns.*IAM role ARN/],
    [{ ingestMemoryMb: 'lots' }, /ingestMemoryMb.*integer in 128\.\.10240/],
    [{ transformTimeoutSeconds: 600 }, /transformTimeoutSeconds.*Firehose invokes a transform for at most 300 s/],
    [{ flowLogPrefix: 'logs/AWSLogs/' }, /flowLogPrefix.*AWSLogs/],
    [{ flowLogPrefix: 'logs' }, /flowLogPrefix.*ending in "\/"/],
    [{ rawLogGlacierDays: 20 }, /lifecycle days must increase/],
    [{ ingestBatchSize: 100, ingestBatchWindowSeconds: 0 }, /ingestBatchSize.*batching window/],
    [{ logRetentionDays: 10 }, /logRetentionDays.*Use one of/],
    [{ projectionStartDate: '2025/11/01' }, /projectionStartDate.*yyyy-MM-dd/],
    [{ alertEmails: 'not-an-address' }, /alertEmails.*e-mail/],
    [{ firehoseEnabled: 'yes' }, /firehoseEnabled.*boolean/],
    [{ firehoseEnabled: true, firehoseLogFormat: '${version} ${srcaddr}' }, /firehoseLogFormat.*encryption-status/],
    [{ firehoseEnabled: true, firehoseLogFormat: '${version} ${no-such-field}' }, /firehoseLogFormat.*no-such-field/],
  ])('rejects %o early, saying how to fix it', (context, message) => {
    expect(() => resolve(context)).toThrow(ConfigError);
    expect(() => resolve(context)).toThrow(message);
  });
});
