import { describe, expect, it } from 'vitest';
import { ingestObject } from '../../functions/core/ingest-object.js';
import { decodeS3EventKey, parseFlowLogKey } from '../../functions/core/s3-key.js';
import { memoryObject, recordingSink } from '../helpers/sources.js';

const FILE = '123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz';
const FILE_TIME = Date.UTC(2018, 5, 20, 16, 20);
const facts = { accountId: '123456789012', region: 'us-east-1', flowLogId: 'fl-1234abcd', fileTimeMs: FILE_TIME };
const LAYOUTS = [
  ['plain', `AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/${FILE}`],
  ['plain-hourly', `AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/16/${FILE}`],
  [
    'hive',
    `AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/${FILE}`,
  ],
  [
    'hive-hourly',
    `AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/hour=16/${FILE}`,
  ],
] as const;

describe('S3 key layouts (flow-logs-s3-path)', () => {
  it.each(LAYOUTS)('%s', (layout, key) => {
    expect(parseFlowLogKey(key)).toEqual({ layout, ...facts });
    expect(parseFlowLogKey(`my-bucket-prefix/team a/${key}`)).toEqual({ layout, ...facts });
    expect(parseFlowLogKey(`/var/tmp/copy/${key}`.replaceAll('/', '\\'))).toEqual({ layout, ...facts });
  });

  it('falls back to the day (and hour) of the folders when the file name is not AWS-shaped', () => {
    expect(parseFlowLogKey('AWSLogs/123456789012/vpcflowlogs/eu-west-1/2025/11/21/07/export.log')).toEqual({
      layout: 'plain-hourly',
      accountId: '123456789012',
      region: 'eu-west-1',
      fileTimeMs: Date.UTC(2025, 10, 21, 7),
    });
    expect(
      parseFlowLogKey(
        'AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2025/month=11/day=21/x.gz',
      ),
    ).toEqual({ layout: 'hive', accountId: '123456789012', region: 'eu-west-1', fileTimeMs: Date.UTC(2025, 10, 21) });
  });

  it('reads a bare AWS file name without folders', () => {
    expect(parseFlowLogKey(FILE)).toEqual({ layout: 'unrecognised', ...facts });
  });

  it('knows nothing about a key of another shape', () => {
    expect(parseFlowLogKey('exports/flows-2025-11-21.txt')).toEqual({ layout: 'unrecognised' });
    expect(parseFlowLogKey('AWSLogs/123/vpcflowlogs/us-east-1/2018/06/20/x.log')).toEqual({ layout: 'unrecognised' });
  });

  it('decodes S3 event-notification keys (+ is a space, then percent-decoding)', () => {
    expect(decodeS3EventKey('team+a/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/a%2Bb.log.gz')).toBe(
      'team a/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/a+b.log.gz',
    );
  });

  it.each(LAYOUTS)(
    '%s: account, region and time of records come from the key when the format lacks them',
    async (_layout, key) => {
      const { sink, batches, store } = recordingSink();
      const body =
        'flow-direction traffic-path srcaddr dstaddr srcport dstport encryption-status\negress 1 10.0.0.1 10.0.0.2 80 43236 0\n';
      const report = await ingestObject(memoryObject(`bucket/prefix/${key}`, body, { key: `prefix/${key}` }), { sink });
      expect(report.status).toBe('accepted');
      const rows = batches.flatMap((b) => [...b.summary, ...b.cleartext]);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toMatchObject({
          account_id: '123456789012',
          region: 'us-east-1',
          window_start: FILE_TIME,
          first_seen: FILE_TIME,
          last_seen: FILE_TIME,
        });
      }
      const tableFiles = [...store.files.keys()].filter((k) => !k.startsWith('_manifests/'));
      expect(tableFiles.map((k) => k.replace(/-[0-9a-f]{12}-0\.parquet$/, ''))).toEqual([
        'summary/dt=2018-06-20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456',
        'unencrypted/dt=2018-06-20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456',
      ]);
    },
  );
});
