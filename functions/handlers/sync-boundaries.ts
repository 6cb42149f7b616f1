import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { type SyncConfig, syncConfig } from '../adapters/boundary-config.js';
import { syncBoundaries } from '../adapters/ec2-boundary-source.js';
import { lazyHandler } from '../adapters/lambda-config.js';
import { writePolicy } from '../adapters/policy-store.js';
import { createS3Client } from '../adapters/s3-client.js';

export interface SyncResult {
  readonly location: string;
  readonly vpcs: number;
  readonly bytes: number;
  readonly notes: readonly string[];
}

/** Scheduled (EventBridge) → rebuild the boundary policy from the EC2 API → write it to S3. */
export function createSyncBoundariesHandler(config: SyncConfig, s3: S3Client,
  logger = new Logger({ serviceName: 'ciphertrail-sync-boundaries' })) {
  return async (): Promise<SyncResult> => {
    const { policy, notes } = await syncBoundaries({
      regions: config.regions, roleArns: config.roleArns, includeCaller: config.includeCaller,
      ...(config.awsEndpoint ? { endpoint: config.awsEndpoint } : {}),
    });
    const bytes = await writePolicy(config.policyUri, policy, s3);
    const result = { location: config.policyUri, vpcs: Object.keys(policy.vpcs).length, bytes, notes };
    logger.info('boundary policy written', { ...result });
    return result;
  };
}

export const handler = lazyHandler(() => {
  const config = syncConfig(process.env);
  return createSyncBoundariesHandler(config, createS3Client(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}));
});
