/**
 * AWS Parquet-format flow logs (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html): files with AWS's underscore column names and
 * Parquet types, written with parquet-wasm (GZIP and SNAPPY, several row groups), aggregate
 * exactly like the equivalent text object, and are read from S3 by ranged GETs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Int32, Int64, Table, tableToIPC, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { ingestConfig } from '../../functions/adapters/lambda-config.js';
import { LambdaTelemetry } from '../../functions/adapters/lambda-telemetry.js';
import { localObject } from '../../functions/adapters/local-files.js';
import { readParquetFlowLog } from '../../functions/adapters/parquet-flow-log-reader.js';
import type { AggregateBatch } from '../../functions/core/flow-log-aggregator.js';
import { ingestObject, type ObjectReport } from '../../functions/core/ingest-object.js';
import type { OutputSink, SourceObject } from '../../functions/core/ports.js';
import { createIngestHandler } from '../../functions/handlers/s3-ingest.js';
import { findFlowLogField } from '../../schemas/flow-log-fields.js';
import { lambdaContext, s3Notification, sqsEvent } from '../handlers/aws-events.js';
import { CURATED, corpus, curatedTotals, expectedTotals, quietTelemetry, RAW } from '../handlers/fixture.js';
import type { CorpusObject } from '../helpers/flow-log-corpus.js';
import { memoryObject, tempDir } from '../helpers/sources.js';
import { getObject, listKeys, putObject, s3Client, withLocalS3 } from './local-s3.js';

quietTelemetry();
const ROWS_PER_GROUP = 64;

/** The object as AWS would deliver it in Parquet: one column per field, AWS types, underscore names. */
function awsParquet(
  object: CorpusObject,
  codec: parquet.Compression,
  extraColumn?: string,
  rowsPerGroup = ROWS_PER_GROUP,
): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const name of object.format.fields) {
    const spec = findFlowLogField(name)!;
    const values = object.records.map((r) => r[spec.column] ?? null);
    vectors[spec.column] =
      spec.parquetType === 'STRING'
        ? vectorFromArray(
            values.map((v) => (v === null ? null : String(v))),
            new Utf8(),
          )
        : spec.parquetType === 'INT_32'
          ? vectorFromArray(values as (number | null)[], new Int32())
          : vectorFromArray(
              values.map((v) => (v === null ? null : BigInt(v))),
              new Int64(),
            );
  }
  if (extraColumn)
    vectors[extraColumn] = vectorFromArray(
      object.records.map(() => 'x'),
      new Utf8(),
    );
  const properties = new parquet.WriterPropertiesBuilder()
    .setCompression(codec)
    .setMaxRowGroupSize(rowsPerGroup)
    .build();
  return parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(new Table(vectors), 'stream')), properties);
}

/** An OutputSink that keeps what it was given, to compare two ingests row by row. */
function captureSink(): OutputSink & { batches: AggregateBatch[] } {
  const batches: AggregateBatch[] = [];
  return {
    batches,
    begin: () => ({ add: (b) => void batches.push(b), commit: async () => [], abort: () => undefined }),
  };
}

const rowsOf = (batches: AggregateBatch[], table: 'summary' | 'cleartext') =>
  batches
    .flatMap((b): object[] => b[table])
    .map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
    .sort();

async function ingestCaptured(
  object: SourceObject,
): Promise<{ report: ObjectReport; sink: ReturnType<typeof captureSink> }> {
  const sink = captureSink();
  return { report: await ingestObject(object, { sink, parquetReader: readParquetFlowLog }), sink };
}

const servers = withLocalS3([RAW, CURATED]);

describe('Parquet-format flow logs', () => {
  const objects = corpus(31, 2, 300);

  for (const [codecName, codec] of [
    ['GZIP', parquet.Compression.GZIP],
    ['SNAPPY', parquet.Compression.SNAPPY],
  ] as const) {
    it(`aggregate exactly like the equivalent text object (${codecName})`, async () => {
      for (const object of objects) {
        const asText = await ingestCaptured(memoryObject(object.key, gzipSync(object.text), { key: object.key }));
        const asParquet = await ingestCaptured(
          memoryObject(object.key, awsParquet(object, codec), { key: object.key }),
        );
        expect(asParquet.report).toMatchObject({ status: 'accepted', stream: { encoding: 'parquet' } });
        expect(asParquet.report.parse).toMatchObject({
          records: asText.report.parse!.records,
          malformed: 0,
          cleartextRecords: asText.report.parse!.cleartextRecords,
          noData: asText.report.parse!.noData,
        });
        expect(rowsOf(asParquet.sink.batches, 'summary')).toEqual(rowsOf(asText.sink.batches, 'summary'));
        expect(rowsOf(asParquet.sink.batches, 'cleartext')).toEqual(rowsOf(asText.sink.batches, 'cleartext'));
      }
    });
  }

  it('are read from local files by range as well (the CLI path)', async () => {
    const object = objects[0]!;
    const dir = tempDir('parquet-local');
    try {
      const path = join(dir.path, 'flow.log.parquet');
      writeFileSync(path, awsParquet(object, parquet.Compression.SNAPPY));
      const source = await localObject(path, undefined);
      expect(source.readRange).toBeDefined();
      const asText = await ingestCaptured(memoryObject(object.key, gzipSync(object.text), { key: object.key }));
      const asParquet = await ingestCaptured({ ...source, key: object.key });
      expect(rowsOf(asParquet.sink.batches, 'summary')).toEqual(rowsOf(asText.sink.batches, 'summary'));
    } finally {
      dir.remove();
    }
  });

  it('are read from S3 by the ingest handler row group by row group, with ranged GETs', async () => {
    // Big enough (> 512 KiB) that the reader does not just fetch the whole file at once.
    const [object] = corpus(32, 1, 24_000);
    const key = object!.key.replace(/\.log\.gz$/, '.log.parquet');
    const body = awsParquet(object!, parquet.Compression.GZIP, undefined, 4096);
    const { eTag, size } = await putObject(servers.s3.client, RAW, key, body);
    expect(size).toBeGreaterThan(512 * 1024);
    const handler = createIngestHandler({
      config: ingestConfig({ CURATED_BUCKET: CURATED, CURATED_PREFIX: 'parquet-run' }),
      s3: s3Client(servers.proxy.endpoint),
      telemetry: new LambdaTelemetry('ingest'),
    });
    servers.proxy.log.length = 0;
    const response = await handler(
      sqsEvent([{ messageId: 'p', body: s3Notification({ bucket: RAW, key, eTag, size }) }]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await curatedTotals(servers.s3.client, 'parquet-run/')).toEqual(expectedTotals([object!]));
    const reads = servers.proxy.log.filter((r) => r.method === 'GET' && r.path === `/${RAW}/${key}`);
    // One plain GET whose first bytes show the Parquet magic number, then ranged reads: footer, then each row group.
    expect(reads.filter((r) => r.range === undefined)).toHaveLength(1);
    expect(reads.filter((r) => r.range?.startsWith('bytes=')).length).toBeGreaterThanOrEqual(
      1 + Math.ceil(24_000 / 4096),
    );
  });

  it('quarantine a file with a corrupt footer or an unknown column, naming the problem', async () => {
    const object = objects[1]!;
    const corrupt = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(200, 7), Buffer.from('PAR1')]);
    const unknown = awsParquet(object, parquet.Compression.SNAPPY, 'mystery_column');
    const a = {
      bucket: RAW,
      key: 'bad/corrupt.parquet',
      ...(await putObject(servers.s3.client, RAW, 'bad/corrupt.parquet', corrupt)),
    };
    const b = {
      bucket: RAW,
      key: 'bad/unknown-column.parquet',
      ...(await putObject(servers.s3.client, RAW, 'bad/unknown-column.parquet', unknown)),
    };
    const handler = createIngestHandler({
      config: ingestConfig({ CURATED_BUCKET: CURATED, CURATED_PREFIX: 'parquet-bad' }),
      s3: s3Client(servers.s3.endpoint),
      telemetry: new LambdaTelemetry('ingest'),
    });
    const response = await handler(
      sqsEvent([
        { messageId: 'a', body: s3Notification(a) },
        { messageId: 'b', body: s3Notification(b) },
      ]),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    const reasons = await Promise.all(
      (await listKeys(servers.s3.client, CURATED, 'parquet-bad/rejects/')).map(
        async (k) => JSON.parse((await getObject(servers.s3.client, CURATED, k.key)).toString()).reason as string,
      ),
    );
    expect(reasons.sort()).toEqual(
      [
        expect.stringMatching(/unknown flow-log field "mystery_column" in the Parquet schema/),
        expect.stringMatching(/unreadable Parquet footer/),
      ].sort(),
    );
  });
});
