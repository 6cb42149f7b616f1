import type { ColumnType } from '../../../schemas/tables.js';
import { ByteWriter } from './byte-writer.js';
import type { ByteDictionary, ColumnValues, IntColumn } from './column-values.js';
import { writeDeltaBinaryPacked } from './delta-binary-packed.js';
import { fileArena } from './file-arena.js';
import type { ColumnChunkMeta, EncodingCount } from './file-metadata.js';
import { Encoding, PageType } from './format.js';
import { encodeIntDictionary } from './int-dictionary.js';
import type { PageCodec, PageKind } from './page-codec.js';
import { writeDataPageHeader, writeDictionaryPageHeader } from './page-header.js';
import { bitWidthOf, writeRleHybrid } from './rle-hybrid.js';
import { type ChunkStatistics, intStatistics, stringStatistics } from './statistics.js';

/**
 * Rows per data page. Our widest value is 8 bytes (PLAIN int64), so a page holds at most 256 KiB
 * before compression: readers never hold a large page, and the page count stays low enough that
 * the per-page cost (header, codec call) is noise.
 */
export const ROWS_PER_PAGE = 32_768;

/** By how a chunk's values are encoded: its data pages' encoding, and every encoding the chunk uses (levels are RLE). */
const ENCODINGS = {
  dictionary: { data: Encoding.RleDictionary, chunk: [Encoding.Plain, Encoding.Rle, Encoding.RleDictionary] },
  plain: { data: Encoding.Plain, chunk: [Encoding.Plain, Encoding.Rle] },
  delta: { data: Encoding.DeltaBinaryPacked, chunk: [Encoding.Rle, Encoding.DeltaBinaryPacked] },
};

/** Integer dictionaries stop at a 1 MiB dictionary page (as arrow-rs does); the column is then PLAIN. */
const MAX_DICTIONARY_BYTES = 1 << 20;

// Scratch reused by every page of every column (pages are written one at a time, synchronously):
// a page costs no allocation beyond what its codec returns.
const pageHeader = new ByteWriter(64);
const pageBody = new ByteWriter(1 << 16);
const levelsScratch = new Int32Array(ROWS_PER_PAGE);
const presentScratch = new Int32Array(ROWS_PER_PAGE);
const plainScratch = new Int32Array(2 * ROWS_PER_PAGE);

export interface ColumnToWrite {
  readonly name: string;
  readonly type: ColumnType;
  readonly values: ColumnValues;
  /** Dictionary-encode integers (strings always are). */
  readonly dictionary: boolean;
  /** Write an INT64 column as DELTA_BINARY_PACKED (see delta-binary-packed.ts): for values that count up, like `row_key`. */
  readonly delta?: boolean;
}

/** A column's values as written: dictionary indices (-1 null) with a PLAIN dictionary page, or PLAIN integers. */
type Encoded =
  | {
      readonly kind: 'dictionary';
      readonly indices: Int32Array;
      readonly entries: number;
      readonly page: Uint8Array;
      readonly statistics: ChunkStatistics;
    }
  | { readonly kind: 'plain' | 'delta'; readonly column: IntColumn; readonly statistics: ChunkStatistics };

/** Appends one column chunk (dictionary page, then data pages) to `out`; returns what the footer needs. */
export function writeColumnChunk(out: ByteWriter, column: ColumnToWrite, codec: PageCodec): ColumnChunkMeta {
  const rows = column.values.kind === 'string' ? column.values.indices.length : column.values.low.length;
  const encoded = encode(column);
  const sizes = { uncompressed: 0, compressed: 0 };
  const header = pageHeader;
  const writePage = (
    body: Uint8Array,
    kind: PageKind,
    writeHeader: (sizes: { uncompressed: number; compressed: number }) => void,
  ) => {
    const compressed = codec.compress(body, kind);
    header.reset();
    writeHeader({ uncompressed: body.length, compressed: compressed.length });
    out.append(header.view());
    out.append(compressed);
    sizes.uncompressed += header.length + body.length;
    sizes.compressed += header.length + compressed.length;
  };

  let dictionaryPageOffset: number | null = null;
  const counts: EncodingCount[] = [];
  if (encoded.kind === 'dictionary') {
    dictionaryPageOffset = out.length;
    writePage(encoded.page, 'dictionary', (s) => writeDictionaryPageHeader(header, s, encoded.entries));
    counts.push({ pageType: PageType.DictionaryPage, encoding: Encoding.Plain, count: 1 });
  }
  const dataPageOffset = out.length;
  const encoding = ENCODINGS[encoded.kind].data;
  const body = pageBody;
  let pages = 0;
  for (let from = 0; from < rows || pages === 0; from += ROWS_PER_PAGE) {
    const to = Math.min(from + ROWS_PER_PAGE, rows);
    body.reset();
    if (encoded.kind === 'dictionary')
      writeIndexPage(body, encoded.indices, from, to, encoded.entries, encoded.statistics.nullCount);
    else if (encoded.kind === 'delta') writeDeltaPage(body, encoded.column, from, to);
    else writePlainPage(body, encoded.column, from, to, encoded.statistics.nullCount);
    writePage(body.view(), 'data', (s) => writeDataPageHeader(header, s, to - from, encoding));
    pages++;
  }
  counts.push({ pageType: PageType.DataPage, encoding, count: pages });
  return {
    name: column.name,
    type: column.type,
    codec: codec.id,
    encodings: ENCODINGS[encoded.kind].chunk,
    encodingCounts: counts,
    rows,
    uncompressedSize: sizes.uncompressed,
    compressedSize: sizes.compressed,
    dictionaryPageOffset,
    dataPageOffset,
    statistics: encoded.statistics,
  };
}

function encode(column: ColumnToWrite): Encoded {
  const values = column.values;
  if (values.kind === 'string') {
    return {
      kind: 'dictionary',
      indices: values.indices,
      entries: values.dictionary.count,
      page: plainStrings(values.dictionary),
      statistics: stringStatistics(values.dictionary, values.nullCount),
    };
  }
  if (column.delta) {
    if (values.high === null || values.defined !== null)
      throw new Error(`${column.name}: DELTA_BINARY_PACKED is written for INT64 columns without nulls`);
    return { kind: 'delta', column: values, statistics: intStatistics(values.low, values.high, null, 0) };
  }
  const width = values.high === null ? 4 : 8;
  const dictionary = column.dictionary ? encodeIntDictionary(values, MAX_DICTIONARY_BYTES / width) : null;
  const nullCount = values.defined === null ? 0 : values.defined.length - sum(values.defined);
  if (dictionary === null) {
    return {
      kind: 'plain',
      column: values,
      statistics: intStatistics(values.low, values.high, values.defined, nullCount),
    };
  }
  return {
    kind: 'dictionary',
    indices: dictionary.indices,
    entries: dictionary.count,
    page: plainInts(dictionary.low, dictionary.high, null, 0, dictionary.count),
    statistics: intStatistics(dictionary.low, dictionary.high, null, nullCount),
  };
}

function sum(bytes: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < bytes.length; i++) total += bytes[i]!;
  return total;
}

/** PLAIN BYTE_ARRAY: a 4-byte length before each value. */
function plainStrings(dictionary: ByteDictionary): Uint8Array {
  const { count, data, starts, ends } = dictionary;
  let size = 4 * count;
  for (let k = 0; k < count; k++) size += ends[k]! - starts[k]!;
  const out = fileArena.uint8(size);
  let at = 0;
  for (let k = 0; k < count; k++) {
    const start = starts[k]!;
    const length = ends[k]! - start;
    out[at] = length;
    out[at + 1] = length >>> 8;
    out[at + 2] = length >>> 16;
    out[at + 3] = length >>> 24;
    at += 4;
    // Most entries are ids and addresses: a loop beats making a subarray for each.
    if (length <= 64) for (let b = 0; b < length; b++) out[at + b] = data[start + b]!;
    else out.set(data.subarray(start, start + length), at);
    at += length;
  }
  return out;
}

/** PLAIN INT32 or INT64 (little-endian halves) of the defined values in [from, to), in `words` if given. */
function plainInts(
  low: Int32Array,
  high: Int32Array | null,
  defined: Uint8Array | null,
  from: number,
  to: number,
  // Only the `w` words written are returned.
  words = fileArena.int32Unset((to - from) * (high === null ? 1 : 2)),
): Uint8Array {
  let w = 0;
  if (defined === null && high === null) {
    words.set(low.subarray(from, to));
    w = to - from;
  } else if (defined === null) {
    for (let i = from; i < to; i++) {
      words[w++] = low[i]!;
      words[w++] = high![i]!;
    }
  } else {
    for (let i = from; i < to; i++) {
      if (defined[i] === 0) continue;
      words[w++] = low[i]!;
      if (high !== null) words[w++] = high[i]!;
    }
  }
  // Typed arrays are little-endian on every platform Node and Lambda run on (x86-64, arm64).
  return new Uint8Array(words.buffer, words.byteOffset, w * 4);
}

/** Definition levels (bit width 1) with their 4-byte length prefix: `isNull(i)` gives level 0. */
function writeDefinitionLevels(
  body: ByteWriter,
  from: number,
  to: number,
  nullCount: number,
  levels: (scratch: Int32Array) => void,
): void {
  const lengthAt = body.length;
  body.int32(0);
  if (nullCount === 0) {
    body.varint((to - from) * 2);
    body.byte(1);
  } else {
    levels(levelsScratch);
    writeRleHybrid(body, levelsScratch, 0, to - from, 1);
  }
  const length = body.length - lengthAt - 4;
  const b = body.bytes;
  b[lengthAt] = length;
  b[lengthAt + 1] = length >>> 8;
  b[lengthAt + 2] = length >>> 16;
  b[lengthAt + 3] = length >>> 24;
}

/** A data page of dictionary indices: levels, then the bit width and the RLE/bit-packed indices of non-null rows. */
function writeIndexPage(
  body: ByteWriter,
  indices: Int32Array,
  from: number,
  to: number,
  entries: number,
  nullCount: number,
): void {
  writeDefinitionLevels(body, from, to, nullCount, (levels) => {
    for (let i = from; i < to; i++) levels[i - from] = indices[i]! < 0 ? 0 : 1;
  });
  const bitWidth = bitWidthOf(entries - 1);
  body.byte(bitWidth);
  if (nullCount === 0) {
    writeRleHybrid(body, indices, from, to, bitWidth);
    return;
  }
  const present = presentScratch;
  let n = 0;
  for (let i = from; i < to; i++) if (indices[i]! >= 0) present[n++] = indices[i]!;
  writeRleHybrid(body, present, 0, n, bitWidth);
}

/** A data page of DELTA_BINARY_PACKED values (no nulls: the levels are one run of 1). */
function writeDeltaPage(body: ByteWriter, column: IntColumn, from: number, to: number): void {
  writeDefinitionLevels(body, from, to, 0, () => undefined);
  writeDeltaBinaryPacked(body, column.low, column.high!, from, to);
}

function writePlainPage(body: ByteWriter, column: IntColumn, from: number, to: number, nullCount: number): void {
  const defined = column.defined;
  writeDefinitionLevels(body, from, to, nullCount, (levels) => {
    for (let i = from; i < to; i++) levels[i - from] = defined === null ? 1 : defined[i]!;
  });
  body.append(plainInts(column.low, column.high, defined, from, to, plainScratch));
}
