import { describe, expect, it } from 'vitest';
import { ContextValueError, resolveConfig } from '../../infra/config.js';
import { DEFAULTS } from '../../infra/defaults.js';

const resolve = (context: Record<string, unknown>) => resolveConfig((key) => context[key]);

describe('configuration from CDK context', () => {
  it('falls back to DEFAULTS', () => {
    const config = resolve({});
    expect(config).toMatchObject({
      ingestMemoryMb: DEFAULTS.ingestMemoryMb,
      ingestTimeoutSeconds: DEFAULTS.ingestTimeoutSeconds,
      ingestBatchSize: 10,
      curatedPrefix: 'tables/',
      firehoseEnabled: false,
      memberAccountIds: [],
      flowLogPrefix: '',
    });
    expect(config.ingestReservedConcurrency).toBe(DEFAULTS.ingestReservedConcurrency);
    expect(config.flowLogBucketName).toBeUndefined();
  });

  it('reads lists from JSON arrays and from -c comma strings, numbers and booleans from strings', () => {
    const config = resolve({
      memberAccountIds: '111111111111, 222222222222,111111111111',
      ingestMemoryMb: '3008',
      ingestReservedConcurrency: 25,
      firehoseEnabled: 'true',
    });
    expect(config.memberAccountIds).toEqual(['111111111111', '222222222222']);
    expect(config.ingestMemoryMb).toBe(3008);
    expect(config.ingestReservedConcurrency).toBe(25);
    expect(config.firehoseEnabled).toBe(true);
  });

  it.each([
    [{ memberAccountIds: '12345' }, /memberAccountIds.*"12345".*12-digit/],
    [{ memberRoleArns: 'arn:aws:iam::111111111111:role/x' }, /memberRoleArns.*no longer read.*memberAccountIds/],
    [{ memberAccountsSource: 'ldap' }, /memberAccountsSource.*Use one of parameter, organizations/],
    [{ ingestReservedConcurrency: 1 }, /ingestReservedConcurrency.*2\.\.1000/],
    [
      { flowLogNotificationTopicArn: 'arn:aws:sns:eu-west-1:111111111111:t' },
      /flowLogNotificationTopicArn.*imported bucket only/,
    ],
    [{ flowLogBucketName: 'b-1', flowLogKmsKeyArn: 'alias/x' }, /flowLogKmsKeyArn.*KMS key ARN/],
    [{ rawLogLockDays: 500 }, /rawLogLockDays.*outlasts the 400-day expiry/],
    [{ policyKey: 'tables/boundaries.json' }, /policyKey.*under curatedPrefix/],
    [{ boundaryPolicyMaxAgeHours: 1 }, /boundaryPolicyMaxAgeHours.*does not exceed the sync schedule/],
    [{ ingestHeartbeatHours: 200 }, /ingestHeartbeatHours.*1\.\.168/],
    [{ organizationId: 'org-1' }, /organizationId.*o-/],
    [{ ingestMemoryMb: 'lots' }, /ingestMemoryMb.*integer in 128\.\.10240/],
    [{ transformTimeoutSeconds: 600 }, /transformTimeoutSeconds.*Firehose invokes a transform for at most 300 s/],
    [{ flowLogPrefix: 'logs/AWSLogs/' }, /flowLogPrefix.*AWSLogs/],
    [{ flowLogPrefix: 'logs' }, /flowLogPrefix.*ending in "\/"/],
    // A "*" would be a wildcard in the IAM, bucket-policy and EventBridge patterns built from the prefix.
    [{ flowLogPrefix: 'vpc*/' }, /flowLogPrefix.*no "\*"/],
    [{ rawLogGlacierDays: 20 }, /lifecycle days must increase/],
    [{ ingestBatchSize: 100, ingestBatchWindowSeconds: 0 }, /ingestBatchSize.*batching window/],
    [{ logRetentionDays: 10 }, /logRetentionDays.*Use one of/],
    [{ projectionStartDate: '2025/11/01' }, /projectionStartDate.*yyyy-MM-dd/],
    [{ alertEmails: 'not-an-address' }, /alertEmails.*e-mail/],
    [{ firehoseEnabled: 'yes' }, /firehoseEnabled.*boolean/],
    [{ firehoseEnabled: true, firehoseLogFormat: '${version} ${srcaddr}' }, /firehoseLogFormat.*encryption-status/],
    [{ firehoseEnabled: true, firehoseLogFormat: '${version} ${no-such-field}' }, /firehoseLogFormat.*no-such-field/],
  ])('rejects %o early, saying how to fix it', (context, message) => {
    expect(() => resolve(context)).toThrow(ContextValueError);
    expect(() => resolve(context)).toThrow(message);
  });
});
