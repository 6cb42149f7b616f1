import { constants, gzipSync } from 'node:zlib';
import { CompressionCodec } from './format.js';

/** Which kind of page is being compressed: codecs may tune their effort per kind. */
export type PageKind = 'dictionary' | 'data';

/** How pages are compressed; one codec per column chunk (all its pages, the dictionary page included). */
export interface PageCodec {
  readonly id: CompressionCodec;
  compress(page: Uint8Array, kind: PageKind): Uint8Array;
}

/** GZIP at `level`; data pages may use another zlib strategy (any strategy still writes plain gzip). */
export function gzipCodec(level: number, dataStrategy: number = constants.Z_DEFAULT_STRATEGY): PageCodec {
  return {
    id: CompressionCodec.Gzip,
    compress: (page, kind) =>
      gzipSync(page, { level, strategy: kind === 'data' ? dataStrategy : constants.Z_DEFAULT_STRATEGY }),
  };
}

export const UNCOMPRESSED: PageCodec = { id: CompressionCodec.Uncompressed, compress: (page) => page };
