import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { DeadlineError, ObjectRejectedError, ParquetObjectError } from './errors.js';
import { formatCount } from './format-count.js';
import { GzipInflater } from './gzip-inflater.js';

type ObjectEncoding = 'gzip' | 'text' | 'parquet';

export interface TextStreamStats {
  encoding: ObjectEncoding;
  /** Bytes read from the object as stored. */
  bytesIn: number;
  /** Bytes of text after decompression. */
  bytesText: number;
}

const GUNZIP_CHUNK = 1 << 20; // 1 MiB output chunks: ~3x faster than zlib's 16 KiB default
/**
 * A gzip object that arrived whole and is at most this big is inflated in one call, up to
 * WHOLE_TEXT_BYTES of text: most flow-log objects are a few KB, and a stream (1 MiB buffers, a
 * pipeline, a zlib handle) costs more than their text. Larger text goes through the stream.
 */
const WHOLE_GZIP_BYTES = 1 << 20;
const WHOLE_TEXT_BYTES = 16 << 20;
/** Enough leading bytes to tell gzip (2) and Parquet (4) from text. */
const MAGIC_BYTES = 4;

export interface StreamLimits {
  /** Text the object may inflate to; past it the object is rejected (a gzip bomb, a runaway object). */
  readonly maxTextBytes?: number;
  /** Called with the stored bytes of each chunk read (progress). */
  readonly onBytes?: (bytes: number) => void;
  /** Checked before each chunk: true stops the read with a DeadlineError (nothing is written). */
  readonly expired?: () => boolean;
  /** Where a gzip stream is inflated (default `this-thread`): see InflateOn. */
  readonly inflateOn?: InflateOn;
}

/**
 * Where a gzip stream of more than one chunk is inflated:
 * - `this-thread`: synchronously, into one reused buffer (GzipInflater). The least CPU: on one
 *   core, or with as many ingest threads as cores, it is the fastest (5 % of a whole ingest on
 *   one core; docs/performance.md, "2026-12-04, evening").
 * - `thread-pool`: `createGunzip` in a pipeline, on libuv's thread pool, which inflates the next
 *   piece while this thread reads the last one. Uses a core this thread leaves idle: one thread
 *   on two cores read 2M records in 1.41 s this way against 1.67 s on its own thread.
 * The caller knows how many threads ingest and how many cores there are (inflatePlacement, in
 * the adapters); both give the same text and the same errors.
 */
export type InflateOn = 'this-thread' | 'thread-pool';

/** Detects the object encoding from its first bytes (magic numbers, never the file name). */
function detectEncoding(head: Uint8Array): ObjectEncoding {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31)
    return 'parquet';
  return 'text';
}

/** Text flow logs are ASCII; a NUL byte near the start means the object is something else. */
function looksBinary(head: Uint8Array): boolean {
  return head.subarray(0, 4096).includes(0);
}

/**
 * Streams a gzip or plain-text object in constant memory: detects the encoding from the first
 * bytes (magic numbers), inflates gzip, and hands every chunk of text to `onChunk` (chunks split
 * lines anywhere; the aggregator splits lines itself; a chunk is only valid during the call, as
 * inflated text reuses one buffer). Corrupt gzip (truncated, bad CRC) rejects the object;
 * Parquet objects are refused here (they are read by row group elsewhere).
 */
export async function streamText(
  input: AsyncIterable<Uint8Array>,
  onChunk: (chunk: Buffer) => void,
  limits: StreamLimits = {},
): Promise<TextStreamStats> {
  const iterator = input[Symbol.asyncIterator]();
  try {
    return await readText(iterator, onChunk, limits);
  } finally {
    // An early exit (Parquet, binary, a rejected line) must still release the source, e.g. an S3 socket.
    // Not awaited: a source blocked in a read finishes its return when that read settles.
    iterator.return?.()?.catch(() => undefined);
  }
}

async function readText(
  iterator: AsyncIterator<Uint8Array>,
  onChunk: (chunk: Buffer) => void,
  limits: StreamLimits,
): Promise<TextStreamStats> {
  const maxText = limits.maxTextBytes ?? Infinity;
  const stats: TextStreamStats = { encoding: 'text', bytesIn: 0, bytesText: 0 };
  // Network streams may deliver tiny first chunks: gather enough bytes to see the magic number.
  let head: Uint8Array = new Uint8Array(0);
  while (head.length < MAGIC_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head.length === 0) throw new ObjectRejectedError('empty object: 0 bytes');
  stats.encoding = detectEncoding(head);
  if (stats.encoding === 'parquet') throw new ParquetObjectError();
  if (stats.encoding === 'text' && looksBinary(head))
    throw new ObjectRejectedError('not gzip, Parquet or text: binary data in the first bytes');

  // Between stored chunks and between inflated chunks: one small stored chunk can inflate to a lot.
  const checkTime = () => {
    if (limits.expired?.()) {
      throw new DeadlineError(
        `out of time after ${formatCount(stats.bytesIn)} stored bytes ` +
          `(${formatCount(stats.bytesText)} bytes of text)`,
      );
    }
  };
  // A chunk is only valid during onChunk: the inflater reuses its buffer.
  const take = (chunk: Buffer) => {
    stats.bytesText += chunk.length;
    checkTime();
    if (stats.bytesText > maxText) {
      throw new ObjectRejectedError(
        `text larger than the ${formatCount(maxText)} bytes one object may ` +
          `inflate to (${formatCount(stats.bytesIn)} stored bytes read so far): not a flow-log object, or raise the limit`,
      );
    }
    onChunk(chunk);
  };

  const read = (chunk: Uint8Array) => {
    checkTime();
    stats.bytesIn += chunk.length;
    limits.onBytes?.(chunk.length);
    return chunk;
  };

  // One more chunk: when there is none, the object arrived whole (small objects, local files).
  const second = await iterator.next();
  async function* raw(): AsyncGenerator<Uint8Array> {
    yield read(head);
    if (second.done) return;
    yield read(second.value);
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield read(next.value);
    }
  }

  if (stats.encoding === 'gzip' && second.done && head.length <= WHOLE_GZIP_BYTES) {
    checkTime();
    const text = inflateWhole(head, Math.min(maxText, WHOLE_TEXT_BYTES));
    if (text !== undefined) {
      read(head);
      // In the stream's 1 MiB pieces: a chunk is never longer than that, so a line past the
      // aggregator's 1 MiB limit always spans chunks, where the aggregator sees its length.
      for (let at = 0; at < text.length; at += GUNZIP_CHUNK) take(text.subarray(at, at + GUNZIP_CHUNK));
      return stats;
    }
  }
  if (stats.encoding === 'gzip' && limits.inflateOn === 'thread-pool') {
    await inflateOnThreadPool(raw(), take, () => stats.bytesIn);
  } else if (stats.encoding === 'gzip') {
    const inflater = new GzipInflater(GUNZIP_CHUNK);
    try {
      for await (const chunk of raw()) inflateOrReject(() => inflater.write(chunk, take), stats.bytesIn);
      inflateOrReject(() => inflater.finish(take), stats.bytesIn);
    } finally {
      inflater.close();
    }
  } else {
    for await (const chunk of raw()) take(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return stats;
}

/** Runs one inflate step: a zlib error rejects the object; errors of the text's consumer pass as they are. */
function inflateOrReject(step: () => void, compressedBytes: number): void {
  try {
    step();
  } catch (err) {
    throw asRejection(err, compressedBytes);
  }
}

/** A zlib error as the object's rejection; any other error as it is. */
function asRejection(err: unknown, compressedBytes: number): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (!(err instanceof ObjectRejectedError) && typeof code === 'string' && code.startsWith('Z_'))
    return new ObjectRejectedError(gzipFailure(code, (err as Error).message, compressedBytes));
  return err;
}

/**
 * Inflates on libuv's thread pool (InflateOn `thread-pool`). Errors of our own, thrown while
 * reading the stored chunks (the deadline) or by `take` (a rejected line), are the ones to
 * report: the pipeline rejects with an AbortError of its own when its destination throws.
 */
async function inflateOnThreadPool(
  stored: AsyncIterable<Uint8Array>,
  take: (text: Buffer) => void,
  compressedBytes: () => number,
): Promise<void> {
  let ownError: unknown;
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      yield* stored;
    } catch (err) {
      ownError ??= err;
      throw err;
    }
  }
  try {
    await pipeline(
      Readable.from(source(), { objectMode: false }),
      createGunzip({ chunkSize: GUNZIP_CHUNK }),
      async (decoded: AsyncIterable<Buffer>) => {
        for await (const text of decoded) {
          try {
            take(text);
          } catch (err) {
            ownError ??= err;
            throw err;
          }
        }
      },
    );
  } catch (err) {
    throw asRejection(ownError ?? err, compressedBytes());
  }
}

/**
 * Inflates a whole gzip object in one call; undefined when its text is larger than `maxText` (the
 * stream then reads it, with its own limit). Corrupt gzip rejects the object, as in the stream.
 */
function inflateWhole(gzip: Uint8Array, maxText: number): Buffer | undefined {
  try {
    return gunzipSync(gzip, { maxOutputLength: maxText });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return undefined;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new ObjectRejectedError(gzipFailure(code, (err as Error).message, gzip.length));
    }
    throw err;
  }
}

/**
 * Why a gzip object is refused. Text decoded before the failure is not a measure of where it
 * happened (gunzip hands text on in 1 MiB chunks), so the message says how much compressed input
 * had been read instead.
 */
function gzipFailure(code: string, message: string, compressedBytes: number): string {
  const where = `within the first ${formatCount(compressedBytes)} compressed bytes`;
  if (code === 'Z_BUF_ERROR') return `corrupt gzip: ${message} ${where} (the object is truncated)`;
  return `corrupt gzip: ${message} ${where} (damaged data, or bytes after the end of the gzip stream)`;
}
