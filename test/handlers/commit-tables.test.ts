import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaSqlRunner } from '../../functions/adapters/athena-sql-runner.js';
import { commitConfig } from '../../functions/adapters/commit-config.js';
import { ingestConfig } from '../../functions/adapters/lambda-config.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { S3BlobStore } from '../../functions/adapters/s3-store.js';
import { BlobWatermarkStore } from '../../functions/adapters/staged-ledger-source.js';
import { createCommitHandler } from '../../functions/handlers/commit-tables.js';
import { createIcebergTablesHandler } from '../../functions/handlers/iceberg-tables.js';
import { createIngestHandler } from '../../functions/handlers/s3-ingest.js';
import { AthenaEndpoint } from '../helpers/athena-endpoint.js';
import { tempDir } from '../helpers/sources.js';
import { downloadPrefix, listKeys, s3Client, withLocalS3 } from '../s3/local-s3.js';
import { lambdaContext, s3Notification, sqsEvent } from './aws-events.js';
import { CURATED, corpus, expectedTotals, quietTelemetry, RAW, upload } from './fixture.js';

quietTelemetry();
const servers = withLocalS3([RAW, CURATED]);
const ENV = {
  CURATED_BUCKET: CURATED,
  CURATED_PREFIX: 'tables/',
  GLUE_DATABASE: 'ciphertrail',
  ATHENA_WORKGROUP: 'wg',
};

/**
 * The committer's handlers: the ingest handler stages into s3rver (with the ledger), the
 * committer lists the ledger there through the S3 API and runs its MERGEs on the local Athena,
 * whose staging views read a download of the same prefix with its S3 paths (`"$path"`).
 */
describe('commit-tables and iceberg-tables handlers', () => {
  const dir = tempDir('commit-handler');
  let athena: AthenaEndpoint | undefined;
  afterEach(async () => {
    await athena?.close();
  });

  const runner = (endpoint: AthenaEndpoint) => () =>
    new AthenaSqlRunner(endpoint.client(), { workGroup: 'wg', database: 'ciphertrail', pollMs: 1 });

  it('creates the tables at deploy time, commits what the ingest staged, then optimizes and vacuums', async () => {
    const client = s3Client(servers.s3.endpoint);
    const objects = corpus(71, 3);
    const facts = await Promise.all(objects.map((o) => upload(client, o)));
    const ingest = createIngestHandler({
      config: ingestConfig({ CURATED_BUCKET: CURATED, CURATED_PREFIX: 'tables/' }),
      s3: client,
      telemetry: new LambdaTelemetry('ingest'),
    });
    await ingest(sqsEvent(facts.map((f, i) => ({ messageId: `m${i}`, body: s3Notification(f) }))), lambdaContext());
    await downloadPrefix(client, CURATED, 'tables/', dir.path);
    athena = await AthenaEndpoint.start({ stagingDir: dir.path, stagingLocation: `s3://${CURATED}/tables/` });
    const config = commitConfig(ENV);

    const answers: CloudFormationCustomResourceResponse[] = [];
    const tables = createIcebergTablesHandler(config, runner(athena), async (url, response) => {
      expect(url).toBe('https://cloudformation-custom-resource-response.example/signed');
      answers.push(response);
    });
    await tables(customResourceEvent('Create'));
    expect(answers[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'ciphertrail-iceberg-tables' });
    expect(athena.statements().filter((s) => s.startsWith('CREATE TABLE IF NOT EXISTS'))).toHaveLength(3);
    expect(athena.statements()[0]).toContain(`LOCATION 's3://${CURATED}/tables/iceberg/summary/'`);

    const commit = createCommitHandler(config, client, runner(athena), new LambdaTelemetry('commit-tables'));
    // The ledger entries were written a moment ago: they settle for 2 minutes first.
    const early = await commit({ task: 'commit' });
    expect(early).toMatchObject({ entries: 0, statements: 0 });
    const entries = (await listKeys(client, CURATED, 'tables/_staged/')).length;
    expect(entries).toBe(3);
    const later = createCommitHandler(config, client, runner(athena));
    const report = await withClock(Date.now() + 180_000, () => later({ task: 'commit' }));
    expect(report).toMatchObject({ entries: 3, objects: 3 });
    const totals = await athena.query(`SELECT strftime(window_start, '%Y-%m-%d') AS dt, sum(flows)::VARCHAR AS flows,
      sum(packets)::VARCHAR AS packets, sum(bytes)::VARCHAR AS bytes FROM summary GROUP BY 1 ORDER BY 1`);
    expect(totals).toEqual(expectedTotals(objects));
    const watermark = await new BlobWatermarkStore(new S3BlobStore(client, CURATED, 'tables/')).read();
    expect(watermark).toMatch(/^_staged\/.+\.json$/);

    const optimize = await commit({ task: 'optimize' });
    expect(optimize).toMatchObject({
      statements: [
        expect.stringMatching(
          /^OPTIMIZE summary REWRITE DATA USING BIN_PACK WHERE window_start >= TIMESTAMP '\d{4}-\d{2}-\d{2} 00:00:00'$/,
        ),
        expect.any(String),
        expect.any(String),
      ],
    });
    expect(await commit({ task: 'vacuum' })).toMatchObject({
      statements: ['VACUUM summary', 'VACUUM unencrypted', 'VACUUM findings'],
    });
    await expect(commit({ task: 'compact' })).rejects.toThrow(/unknown task "compact"/);
  });

  it('answers FAILED with the reason when Athena fails, and SUCCESS on Delete without running anything', async () => {
    athena = await AthenaEndpoint.start({
      stagingDir: dir.path,
      fail: () => 'AccessDeniedException: glue:CreateTable',
    });
    const answers: CloudFormationCustomResourceResponse[] = [];
    const tables = createIcebergTablesHandler(commitConfig(ENV), runner(athena), async (_url, r) => {
      answers.push(r);
    });
    await tables(customResourceEvent('Create'));
    expect(answers[0]).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/glue:CreateTable/) });
    await tables(customResourceEvent('Delete'));
    expect(answers[1]).toMatchObject({ Status: 'SUCCESS' });
    expect(athena.statements()).toHaveLength(1);
    dir.remove();
  });
});

function customResourceEvent(type: 'Create' | 'Delete'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:tables',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/signed',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/ciphertrail/1',
    RequestId: 'req-1',
    LogicalResourceId: 'IcebergTables',
    ResourceType: 'Custom::CiphertrailIcebergTables',
    ResourceProperties: { ServiceToken: 'x', DdlHash: 'abc' },
  };
  return type === 'Create'
    ? { ...base, RequestType: 'Create' }
    : { ...base, RequestType: 'Delete', PhysicalResourceId: 'ciphertrail-iceberg-tables' };
}

/** Runs `work` with Date.now() at `at` (the committer's settle time is measured from it). */
async function withClock<T>(at: number, work: () => Promise<T>): Promise<T> {
  const real = Date.now;
  const offset = at - real();
  Date.now = () => real() + offset;
  try {
    return await work();
  } finally {
    Date.now = real;
  }
}
