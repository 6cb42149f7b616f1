import {
  Dictionary, Int32, Int64, Table, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray, type Vector,
} from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { ColumnType, TableSpec } from '../../schemas/tables.js';

/**
 * Parquet encoding with apache-arrow + parquet-wasm (arrow-rs): data page v1, dictionary
 * encoding, statistics, ZSTD, logical types Athena understands (STRING, TIMESTAMP(MILLIS, UTC)).
 * Chosen over parquetjs-lite: 12× faster and 3× smaller files on this machine (README).
 */
let writerProperties: parquet.WriterProperties | undefined;

function properties(): parquet.WriterProperties {
  writerProperties ??= new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setDictionaryEnabled(true)
    .setStatisticsEnabled(parquet.EnabledStatistics.Chunk)
    .setWriterVersion(parquet.WriterVersion.V1)
    .setMaxRowGroupSize(1_000_000)
    .setCreatedBy('ciphertrail')
    .build();
  return writerProperties;
}

type Row = Record<string, unknown>;

function columnVector(type: ColumnType, values: unknown[]): Vector {
  switch (type) {
    case 'string':
      return vectorFromArray(values as (string | null)[], new Dictionary(new Utf8(), new Int32()));
    case 'int32':
      return vectorFromArray(values as (number | null)[], new Int32());
    case 'int64':
      return vectorFromArray(
        (values as (bigint | number | null)[]).map((v) => (v === null ? null : BigInt(v))),
        new Int64(),
      );
    case 'timestamp':
      return vectorFromArray(values as (number | null)[], new TimestampMillisecond('UTC'));
  }
}

/** Builds an Arrow table with exactly the spec's columns, in spec order. */
export function rowsToArrow(spec: TableSpec, rows: readonly Row[]): Table {
  const vectors: Record<string, Vector> = {};
  for (const column of spec.columns) {
    vectors[column.name] = columnVector(column.type, rows.map((r) => r[column.name] ?? null));
  }
  return new Table(vectors);
}

/** Encodes rows of a table as one Parquet file (bytes). */
export function encodeParquet(spec: TableSpec, rows: readonly Row[]): Uint8Array {
  const ipc = tableToIPC(rowsToArrow(spec, rows), 'stream');
  const wasmTable = parquet.Table.fromIPCStream(ipc);
  return parquet.writeParquet(wasmTable, properties());
}
