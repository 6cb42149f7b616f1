/** Enum values of the Parquet format's Thrift definitions (parquet.thrift) that this writer uses. */

export enum PhysicalType {
  Int32 = 1,
  Int64 = 2,
  ByteArray = 6,
}

export enum ConvertedType {
  Utf8 = 0,
  TimestampMillis = 9,
}

export enum Repetition {
  Optional = 1,
}

export enum Encoding {
  Plain = 0,
  Rle = 3,
  DeltaBinaryPacked = 5,
  RleDictionary = 8,
}

export enum CompressionCodec {
  Uncompressed = 0,
  Snappy = 1,
  Gzip = 2,
}

export enum PageType {
  DataPage = 0,
  DictionaryPage = 2,
}

export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"
