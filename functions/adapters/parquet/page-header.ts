import type { ByteWriter } from './byte-writer.js';
import { Encoding, PageType } from './format.js';
import { ThriftCompactWriter } from './thrift-compact.js';

export interface PageSizes {
  readonly uncompressed: number;
  readonly compressed: number;
}

/** PageHeader of a dictionary page (PLAIN values). */
export function writeDictionaryPageHeader(out: ByteWriter, sizes: PageSizes, entries: number): void {
  const thrift = pageHeader(out, PageType.DictionaryPage, sizes);
  thrift.beginStruct(7);
  thrift.i32(1, entries);
  thrift.i32(2, Encoding.Plain);
  thrift.endStruct();
  thrift.endStruct();
}

/** PageHeader of a data page v1: `rows` values (nulls included), RLE definition and repetition levels. */
export function writeDataPageHeader(out: ByteWriter, sizes: PageSizes, rows: number, encoding: Encoding): void {
  const thrift = pageHeader(out, PageType.DataPage, sizes);
  thrift.beginStruct(5);
  thrift.i32(1, rows);
  thrift.i32(2, encoding);
  thrift.i32(3, Encoding.Rle);
  thrift.i32(4, Encoding.Rle);
  thrift.endStruct();
  thrift.endStruct();
}

function pageHeader(out: ByteWriter, type: PageType, sizes: PageSizes): ThriftCompactWriter {
  const thrift = new ThriftCompactWriter(out);
  thrift.i32(1, type);
  thrift.i32(2, sizes.uncompressed);
  thrift.i32(3, sizes.compressed);
  return thrift;
}
