import { ByteWriter } from './byte-writer.js';
import { type ColumnToWrite, writeColumnChunk } from './column-writer.js';
import { writeFileMetadata } from './file-metadata.js';
import { MAGIC } from './format.js';
import type { PageCodec } from './page-codec.js';

/**
 * One Parquet file (format 1, one row group, data pages v1) of `rows` rows: "PAR1", the column
 * chunks in order, the footer, its length and "PAR1" again.
 */
export function writeParquetFile(columns: readonly ColumnToWrite[], rows: number, codec: PageCodec): Uint8Array {
  const out = new ByteWriter(1 << 16);
  out.append(MAGIC);
  const chunks = rows === 0 ? [] : columns.map((column) => writeColumnChunk(out, column, codec));
  const footerAt = out.length;
  writeFileMetadata(out, columns, rows, chunks);
  out.int32(out.length - footerAt);
  out.append(MAGIC);
  return out.bytes.slice(0, out.length);
}
