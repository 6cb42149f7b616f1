/**
 * The Parquet writer on its own: the old encoder (apache-arrow + parquet-wasm, ZSTD, from git
 * history) against the new writer with each candidate codec, on the same aggregator columns.
 * Prints ns per output row and bytes written, per corpus.
 *
 * Usage: taskset -c 0 npx tsx test/bench/parquet-writer.ts [realistic|stress ...]
 * (ONLY=<part of a variant name> runs just the matching variants.)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, constants as zlib } from 'node:zlib';
import { columnFromGroups } from '../../functions/adapters/parquet/columns-from-groups.js';
import { gzipCodec, type PageCodec, UNCOMPRESSED } from '../../functions/adapters/parquet/page-codec.js';
import { writeParquetFile } from '../../functions/adapters/parquet/parquet-file.js';
import { encodeColumns, partitionByDay } from '../../functions/adapters/parquet-encoder.js';
import { type AggregateBatch, FlowLogAggregator } from '../../functions/core/flow-log-aggregator.js';
import type { GroupColumns } from '../../functions/core/group-columns.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';
import { SUMMARY_TABLE, type TableSpec, UNENCRYPTED_TABLE } from '../../schemas/tables.js';
import { SNAPPY } from './snappy.js';

/** The encoder before this writer (commit a38a887), for comparison only. */
const OLD_ENCODER_COMMIT = 'a38a887';
const ROUNDS = 3;

interface Job {
  readonly spec: TableSpec;
  readonly group: GroupColumns;
  readonly rows: Int32Array;
}

type Encode = (spec: TableSpec, group: GroupColumns, rows: Int32Array) => Uint8Array;

function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.gz') ? [path] : [];
    })
    .sort();
}

/** Aggregates each object and lists the files the sink would encode (table, day partition). */
function jobsOf(corpus: string): Job[] {
  const jobs: Job[] = [];
  for (const path of files(join('.bench/corpus', corpus))) {
    const key = path.slice(path.indexOf('AWSLogs/'));
    const batches: AggregateBatch[] = [];
    const aggregator = new FlowLogAggregator(key, parseFlowLogKey(key), { onFlush: (b) => batches.push(b) });
    const text = gunzipSync(readFileSync(path));
    for (let start = 0; start < text.length; ) {
      const newline = text.indexOf(10, start);
      const end = newline < 0 ? text.length : newline;
      aggregator.pushBytes(text, start, end);
      start = end + 1;
    }
    batches.push(aggregator.finish());
    for (const batch of batches) {
      const { summary, cleartext } = batch.columns!;
      const status = cleartext.columns.encryption_status;
      if (status?.type !== 'int32') throw new Error('cleartext groups without an encryption_status column');
      const isCleartext = { values: status.values, equals: 0 };
      for (const { rows } of partitionByDay(summary)) jobs.push({ spec: SUMMARY_TABLE, group: summary, rows });
      for (const { rows } of partitionByDay(cleartext, isCleartext))
        jobs.push({ spec: UNENCRYPTED_TABLE, group: cleartext, rows });
    }
  }
  return jobs;
}

async function loadOldEncoder(): Promise<Encode> {
  const source = execFileSync('git', ['show', `${OLD_ENCODER_COMMIT}:functions/adapters/parquet-encoder.ts`], {
    encoding: 'utf8',
  }).replaceAll("'../core/", "'../../functions/core/");
  const path = join(import.meta.dirname, '.old-parquet-encoder.tmp.ts');
  writeFileSync(path, source);
  try {
    return ((await import(path)) as { encodeColumns: Encode }).encodeColumns;
  } finally {
    rmSync(path);
  }
}

function newWriter(codec: PageCodec, intDictionaries: boolean): Encode {
  return (spec, group, rows) =>
    writeParquetFile(
      spec.columns.map((column) => ({
        name: column.name,
        type: column.type,
        values: columnFromGroups(column.type, group.columns[column.name]!, rows),
        dictionary: intDictionaries && column.name !== 'packets' && column.name !== 'bytes',
      })),
      rows.length,
      codec,
    );
}

function measure(jobs: readonly Job[], encode: Encode): { nsPerRow: number; bytes: number } {
  const rows = jobs.reduce((sum, job) => sum + job.rows.length, 0);
  let best = Infinity;
  let bytes = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bytes = 0;
    const start = process.hrtime.bigint();
    for (const job of jobs) bytes += encode(job.spec, job.group, job.rows).length;
    best = Math.min(best, Number(process.hrtime.bigint() - start));
  }
  return { nsPerRow: best / rows, bytes };
}

const variants: [string, Encode][] = [
  ...(process.env.ONLY ? [] : [['old: arrow + parquet-wasm, ZSTD', await loadOldEncoder()] as [string, Encode]]),
  ['new: encodeColumns (as shipped)', (spec, group, rows) => encodeColumns(spec, group, rows).bytes],
  ['new: GZIP level 1', newWriter(gzipCodec(1), true)],
  ['new: GZIP level 6', newWriter(gzipCodec(6), true)],
  ['new: GZIP 1, data pages Huffman only', newWriter(gzipCodec(1, zlib.Z_HUFFMAN_ONLY), true)],
  ['new: GZIP 1, data pages RLE', newWriter(gzipCodec(1, zlib.Z_RLE), true)],
  ['new: SNAPPY', newWriter(SNAPPY, true)],
  ['new: uncompressed', newWriter(UNCOMPRESSED, true)],
  ['new: GZIP 1, PLAIN ints', newWriter(gzipCodec(1), false)],
  ['new: SNAPPY, PLAIN ints', newWriter(SNAPPY, false)],
];

const only = process.env.ONLY;
const selected = only ? variants.filter(([name]) => name.includes(only)) : variants;

for (const corpus of process.argv.length > 2 ? process.argv.slice(2) : ['realistic', 'stress']) {
  const jobs = jobsOf(corpus);
  const rows = jobs.reduce((sum, job) => sum + job.rows.length, 0);
  console.log(`\n${corpus}: ${jobs.length} files, ${rows.toLocaleString('en')} rows (best of ${ROUNDS})`);
  let oldBytes = 0;
  for (const [name, encode] of selected) {
    const { nsPerRow, bytes } = measure(jobs, encode);
    if (oldBytes === 0) oldBytes = bytes;
    console.log(
      `  ${name.padEnd(34)} ${nsPerRow.toFixed(0).padStart(5)} ns/row  ${(bytes / 1e6).toFixed(2).padStart(7)} MB` +
        `  (${((bytes / oldBytes - 1) * 100).toFixed(1).padStart(5)} % vs old)`,
    );
  }
}
