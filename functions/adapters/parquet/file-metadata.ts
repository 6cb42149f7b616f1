import type { ColumnType } from '../../../schemas/tables.js';
import { ByteWriter } from './byte-writer.js';
import {
  type CompressionCodec,
  ConvertedType,
  type Encoding,
  type PageType,
  PhysicalType,
  Repetition,
} from './format.js';
import type { ChunkStatistics } from './statistics.js';
import { CompactType, ThriftCompactWriter } from './thrift-compact.js';

const CREATED_BY = 'ciphertrail';

export interface EncodingCount {
  readonly pageType: PageType;
  readonly encoding: Encoding;
  readonly count: number;
}

/** What the footer records about one column chunk. */
export interface ColumnChunkMeta {
  readonly name: string;
  readonly type: ColumnType;
  readonly codec: CompressionCodec;
  /** Sorted, distinct. */
  readonly encodings: readonly Encoding[];
  readonly encodingCounts: readonly EncodingCount[];
  readonly rows: number;
  /** Sizes of all pages, headers included. */
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  readonly dictionaryPageOffset: number | null;
  readonly dataPageOffset: number;
  readonly statistics: ChunkStatistics;
}

function physicalTypeOf(type: ColumnType): PhysicalType {
  return type === 'string' ? PhysicalType.ByteArray : type === 'int32' ? PhysicalType.Int32 : PhysicalType.Int64;
}

/**
 * The FileMetaData footer: format version 1, a flat schema of OPTIONAL columns, one row group
 * (none for a file without rows), type-defined column orders (so readers trust min_value/max_value).
 */
export function writeFileMetadata(
  out: ByteWriter,
  columns: readonly { name: string; type: ColumnType }[],
  rows: number,
  chunks: readonly ColumnChunkMeta[],
): void {
  const { head, tail } = constantParts(columns);
  const thrift = new ThriftCompactWriter(out);
  thrift.appendFields(head, 2);
  thrift.i64(3, rows);
  thrift.beginList(4, CompactType.Struct, rows === 0 ? 0 : 1);
  if (rows !== 0) writeRowGroup(thrift, rows, chunks);
  out.append(tail);
}

/**
 * The footer's fields that depend on the columns alone: version and schema (fields 1–2), and
 * created_by, column orders and the end of the struct (fields 6–7). A run writes the same few
 * column lists thousands of times, so their bytes are made once per list.
 */
interface ConstantParts {
  readonly names: readonly string[];
  readonly types: readonly ColumnType[];
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
}
const constantPartsMade: ConstantParts[] = [];
function constantParts(columns: readonly { name: string; type: ColumnType }[]): ConstantParts {
  // Compared by name and type: the column lists of a run are few and short.
  let parts = constantPartsMade.find(
    (p) => p.names.length === columns.length && columns.every((c, i) => c.name === p.names[i] && c.type === p.types[i]),
  );
  if (parts === undefined) {
    const head = new ThriftCompactWriter(new ByteWriter());
    head.i32(1, 1);
    head.beginList(2, CompactType.Struct, columns.length + 1);
    head.beginElement();
    head.string(4, 'schema');
    head.i32(5, columns.length);
    head.endStruct();
    for (const column of columns) writeSchemaElement(head, column.name, column.type);
    const tail = new ThriftCompactWriter(new ByteWriter());
    tail.resumeAfter(4);
    tail.string(6, CREATED_BY);
    tail.beginList(7, CompactType.Struct, columns.length);
    for (let k = 0; k < columns.length; k++) {
      tail.beginElement();
      tail.beginStruct(1); // TYPE_ORDER: TypeDefinedOrder {}
      tail.endStruct();
      tail.endStruct();
    }
    tail.endStruct();
    parts = {
      names: columns.map((c) => c.name),
      types: columns.map((c) => c.type),
      head: head.out.view().slice(),
      tail: tail.out.view().slice(),
    };
    if (constantPartsMade.length < 64) constantPartsMade.unshift(parts);
  }
  return parts;
}

function writeSchemaElement(thrift: ThriftCompactWriter, name: string, type: ColumnType): void {
  thrift.beginElement();
  thrift.i32(1, physicalTypeOf(type));
  thrift.i32(3, Repetition.Optional);
  thrift.string(4, name);
  if (type === 'string') {
    thrift.i32(6, ConvertedType.Utf8);
    thrift.beginStruct(10);
    thrift.beginStruct(1); // STRING: StringType {}
    thrift.endStruct();
    thrift.endStruct();
  } else if (type === 'timestamp') {
    thrift.i32(6, ConvertedType.TimestampMillis);
    thrift.beginStruct(10);
    thrift.beginStruct(8); // TIMESTAMP: TimestampType
    thrift.bool(1, true); // isAdjustedToUTC
    thrift.beginStruct(2); // unit: TimeUnit
    thrift.beginStruct(1); // MILLIS: MilliSeconds {}
    thrift.endStruct();
    thrift.endStruct();
    thrift.endStruct();
    thrift.endStruct();
  }
  thrift.endStruct();
}

function writeRowGroup(thrift: ThriftCompactWriter, rows: number, chunks: readonly ColumnChunkMeta[]): void {
  thrift.beginElement();
  thrift.beginList(1, CompactType.Struct, chunks.length);
  for (const chunk of chunks) writeColumnChunk(thrift, chunk);
  thrift.i64(
    2,
    chunks.reduce((sum, c) => sum + c.uncompressedSize, 0),
  );
  thrift.i64(3, rows);
  thrift.i64(5, chunkStart(chunks[0]!));
  thrift.i64(
    6,
    chunks.reduce((sum, c) => sum + c.compressedSize, 0),
  );
  thrift.endStruct();
}

function chunkStart(chunk: ColumnChunkMeta): number {
  return chunk.dictionaryPageOffset ?? chunk.dataPageOffset;
}

function writeColumnChunk(thrift: ThriftCompactWriter, chunk: ColumnChunkMeta): void {
  thrift.beginElement();
  thrift.i64(2, chunkStart(chunk));
  thrift.beginStruct(3);
  thrift.i32(1, physicalTypeOf(chunk.type));
  thrift.beginList(2, CompactType.I32, chunk.encodings.length);
  for (const encoding of chunk.encodings) thrift.elementI32(encoding);
  thrift.beginList(3, CompactType.Binary, 1);
  thrift.elementString(chunk.name);
  thrift.i32(4, chunk.codec);
  thrift.i64(5, chunk.rows);
  thrift.i64(6, chunk.uncompressedSize);
  thrift.i64(7, chunk.compressedSize);
  thrift.i64(9, chunk.dataPageOffset);
  if (chunk.dictionaryPageOffset !== null) thrift.i64(11, chunk.dictionaryPageOffset);
  writeStatistics(thrift, chunk.type, chunk.statistics);
  thrift.beginList(13, CompactType.Struct, chunk.encodingCounts.length);
  for (const count of chunk.encodingCounts) {
    thrift.beginElement();
    thrift.i32(1, count.pageType);
    thrift.i32(2, count.encoding);
    thrift.i32(3, count.count);
    thrift.endStruct();
  }
  thrift.endStruct();
  thrift.endStruct();
}

/** Statistics: min_value/max_value and null_count; ints also the legacy min/max (same signed order). */
function writeStatistics(thrift: ThriftCompactWriter, type: ColumnType, statistics: ChunkStatistics): void {
  thrift.beginStruct(12);
  const { min, max } = statistics;
  const legacy = type !== 'string' && min !== null && max !== null;
  if (legacy) thrift.binary(1, max);
  if (legacy) thrift.binary(2, min);
  thrift.i64(3, statistics.nullCount);
  if (max !== null) thrift.binary(5, max);
  if (min !== null) thrift.binary(6, min);
  thrift.endStruct();
}
