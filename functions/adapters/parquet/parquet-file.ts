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
  const out = fileBuffer();
  out.append(MAGIC);
  const chunks = rows === 0 ? [] : columns.map((column) => writeColumnChunk(out, column, codec));
  const footerAt = out.length;
  writeFileMetadata(out, columns, rows, chunks);
  out.int32(out.length - footerAt);
  out.append(MAGIC);
  return out.bytes.slice(0, out.length);
}

/**
 * The buffer files are assembled in, reused (writing is synchronous): most files are a few KB,
 * and a fresh 64 KiB buffer each would be most of their cost in allocation and garbage. A buffer
 * grown past 4 MiB by a large file is dropped rather than kept.
 */
const assembly = new ByteWriter(1 << 16);
function fileBuffer(): ByteWriter {
  if (assembly.bytes.length > 1 << 22) assembly.bytes = new Uint8Array(1 << 16);
  assembly.length = 0;
  return assembly;
}
