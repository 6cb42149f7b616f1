/** Shared by the handler tests: a seeded corpus in the raw bucket and totals read back with DuckDB. */
import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Oracle } from '../helpers/duckdb.js';
import { type CorpusObject, generateCorpus, totalsBy } from '../helpers/flow-log-corpus.js';
import { tempDir } from '../helpers/sources.js';
import { downloadPrefix, putObject } from '../s3/local-s3.js';
import type { ObjectFacts } from './aws-events.js';

export const RAW = 'raw';
export const CURATED = 'curated';
const START = Date.UTC(2025, 10, 21, 23, 40) / 1000; // records span midnight: two dt partitions

/** Handler output is Powertools JSON on stdout; tests that do not read it keep it quiet. */
export function quietTelemetry(): void {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
}

export function corpus(seed: number, objects: number, recordsPerObject = 200): readonly CorpusObject[] {
  return generateCorpus({ seed, objects, recordsPerObject, startSec: START, spanSeconds: 1800 }).objects;
}

/** Uploads the object gzip-compressed under `prefix + key`; returns what a notification would say. */
export async function upload(client: S3Client, object: CorpusObject, prefix = ''): Promise<ObjectFacts> {
  const key = prefix + object.key;
  const { eTag, size } = await putObject(client, RAW, key, gzipSync(object.text));
  return { bucket: RAW, key, eTag, size };
}

export interface DayTotals {
  readonly dt: string;
  readonly flows: string;
  readonly packets: string;
  readonly bytes: string;
}

/** What the summary table must hold for these objects, per UTC day of the record start. */
export function expectedTotals(objects: readonly CorpusObject[]): DayTotals[] {
  const totals = totalsBy(
    objects.flatMap((o) => o.records),
    (r) => new Date(Number(r.start) * 1000).toISOString().slice(0, 10),
  );
  return [...totals]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([dt, t]) => ({ dt, flows: String(t.flows), packets: String(t.packets), bytes: String(t.bytes) }));
}

/** Downloads `s3://curated/<prefix>` and sums the summary table per `dt` with DuckDB. */
export async function curatedTotals(client: S3Client, prefix: string, table = 'summary'): Promise<DayTotals[]> {
  const dir = tempDir('curated');
  try {
    await downloadPrefix(client, CURATED, prefix, dir.path);
    const oracle = await Oracle.open();
    try {
      const glob = `${dir.path}/${table}/**/*.parquet`;
      const rows = await oracle.query(`SELECT dt, sum(flows)::VARCHAR AS flows, sum(packets)::VARCHAR AS packets,
        sum(bytes)::VARCHAR AS bytes FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY dt ORDER BY dt`);
      return rows as unknown as DayTotals[];
    } finally {
      oracle.close();
    }
  } finally {
    dir.remove();
  }
}
