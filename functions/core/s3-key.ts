import { definedProps } from './defined.js';
/**
 * What an AWS flow-log object key says about its records (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html). All four
 * delivery layouts are recognised: plain, plain + hourly, Hive-compatible, Hive + hourly.
 */
export interface FlowLogKeyInfo {
  readonly layout: 'plain' | 'plain-hourly' | 'hive' | 'hive-hourly' | 'unrecognised';
  readonly accountId?: string;
  readonly region?: string;
  readonly flowLogId?: string;
  /** File timestamp from the file name (epoch ms), else the day/hour of the prefix. */
  readonly fileTimeMs?: number;
}

const PLAIN = /(?:^|\/)AWSLogs\/(\d{12})\/vpcflowlogs\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(?:(\d{2})\/)?[^/]+$/;
const HIVE =
  /(?:^|\/)AWSLogs\/aws-account-id=(\d{12})\/aws-service=vpcflowlogs\/aws-region=([a-z0-9-]+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/(?:hour=(\d{2})\/)?[^/]+$/;
const FILE_NAME =
  /(?:^|\/)(\d{12})_vpcflowlogs_([a-z0-9-]+)_(fl-[0-9a-f]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]*$/;

export function parseFlowLogKey(key: string): FlowLogKeyInfo {
  const path = key.replace(/\\/g, '/');
  const file = FILE_NAME.exec(path);
  const fileTimeMs = file ? Date.UTC(+file[4]!, +file[5]! - 1, +file[6]!, +file[7]!, +file[8]!) : undefined;
  const flowLogId = file?.[3];

  const prefix = PLAIN.exec(path) ?? HIVE.exec(path);
  if (prefix) {
    const hive = prefix[0].includes('aws-account-id=');
    const hour = prefix[6];
    const dayTime = Date.UTC(+prefix[3]!, +prefix[4]! - 1, +prefix[5]!, hour ? +hour : 0);
    return definedProps({
      layout: hive
        ? hour
          ? ('hive-hourly' as const)
          : ('hive' as const)
        : hour
          ? ('plain-hourly' as const)
          : ('plain' as const),
      accountId: prefix[1],
      region: prefix[2],
      flowLogId,
      fileTimeMs: fileTimeMs ?? dayTime,
    });
  }
  if (file) {
    return definedProps({
      layout: 'unrecognised' as const,
      accountId: file[1],
      region: file[2],
      flowLogId: file[3],
      fileTimeMs,
    });
  }
  return { layout: 'unrecognised' };
}

/** Decodes an S3 event-notification key: `+` is a space, then percent-decoding. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}
