/**
 * The weekly report Lambda: the named queries through a real Athena client against the local
 * Athena endpoint (DuckDB over the samples' staged rows, standing in for the committed tables),
 * the page written to the curated bucket on the local S3 server (s3rver). The notification is a
 * captured function here: its SNS transport is one PublishCommand, and no SNS runs locally.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaSqlRunner } from '../../functions/adapters/athena-sql-runner.js';
import { readPolicy } from '../../functions/adapters/policy-store.js';
import { S3BlobStore } from '../../functions/adapters/s3-store.js';
import { createWeeklyReportHandler } from '../../functions/handlers/weekly-report.js';
import type { AthenaEndpoint } from '../helpers/athena-endpoint.js';
import { athenaOverSamples } from '../helpers/athena-samples.js';
import { tempDir } from '../helpers/sources.js';
import { s3Client, withLocalS3 } from '../s3/local-s3.js';

const servers = withLocalS3(['curated']);
const dir = tempDir('weekly-report');
let athena: AthenaEndpoint;

beforeAll(async () => {
  athena = await athenaOverSamples(dir.path);
});
afterAll(async () => {
  await athena?.close();
  dir.remove();
});

describe('weekly-report handler', () => {
  it('writes the HTML page of the deployed tables to reports/ and tells the topic where it is', async () => {
    const client = s3Client(servers.s3.endpoint);
    const sent: { subject: string; message: string }[] = [];
    const run = createWeeklyReportHandler({
      sql: new AthenaSqlRunner(athena.client(), { workGroup: 'wg', database: 'ciphertrail', pollMs: 1 }),
      database: 'ciphertrail',
      store: new S3BlobStore(client, 'curated', ''),
      reportsPrefix: 'reports/',
      policy: () => readPolicy('samples/boundaries.json'),
      notify: async (subject, message) => void sent.push({ subject, message }),
      now: () => new Date('2026-12-07T07:00:00Z'),
    });
    const result = await run();
    expect(result.key).toBe('reports/coverage-2026-12-07.html');
    const object = await client.send(new GetObjectCommand({ Bucket: 'curated', Key: result.key }));
    expect(object.ContentType).toBe('text/html; charset=utf-8');
    const html = await object.Body!.transformToString();
    expect(Buffer.byteLength(html)).toBe(result.bytes);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('Athena database ciphertrail');
    // The policy was given: violations and readiness are on the page, the samples' enforced-VPC violation among them.
    expect(html).toContain('vpc-0fedcba9876543210');
    expect(html).not.toContain('The ingest run had no boundary policy');
    expect(sent).toEqual([
      {
        subject: 'ciphertrail: weekly encryption coverage report',
        message: expect.stringContaining('s3://curated/reports/coverage-2026-12-07.html'),
      },
    ]);
    // 30 days back from the latest day of the tables.
    expect(sent[0]!.message).toMatch(/for 2025-10-23 to 2025-11-21 is at/);
  });
});
