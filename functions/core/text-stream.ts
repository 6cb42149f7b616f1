import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ObjectRejectedError } from './flow-log-aggregator.js';

export type ObjectEncoding = 'gzip' | 'text' | 'parquet';

export interface TextStreamStats {
  encoding: ObjectEncoding;
  /** Bytes read from the object as stored. */
  bytesIn: number;
  /** Bytes of text after decompression. */
  bytesText: number;
}

/** A line sink: receives the line `text[start, end)` without the newline. */
export type LineSink = (text: string, start: number, end: number) => void;

const GUNZIP_CHUNK = 1 << 20; // 1 MiB output chunks: ~3x faster than zlib's 16 KiB default
/** Enough leading bytes to tell gzip (2) and Parquet (4) from text. */
const MAGIC_BYTES = 4;
/** Flow-log lines are at most a few KB; a longer run without a newline is not a flow-log object. */
const MAX_LINE_CHARS = 1 << 20;

/** Detects the object encoding from its first bytes (magic numbers, never the file name). */
export function detectEncoding(head: Uint8Array): ObjectEncoding {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  return 'text';
}

/** Text flow logs are ASCII; a NUL byte near the start means the object is something else. */
function looksBinary(head: Uint8Array): boolean {
  return head.subarray(0, 4096).includes(0);
}

/**
 * Streams a gzip or plain-text object line by line in constant memory. The encoding is
 * detected from the first chunk. Corrupt gzip (truncated, bad CRC) rejects the object.
 * Parquet objects are refused here; they are read by row group elsewhere.
 * Lines come as latin1 strings; the bulk path (`streamLineBytes`) skips that decoding.
 */
export async function streamLines(input: AsyncIterable<Uint8Array>, onLine: LineSink): Promise<TextStreamStats> {
  let carry = '';
  let textBytes = 0;
  const stats = await streamText(input, (chunk) => {
    textBytes += chunk.length;
    const text = carry.length === 0 ? chunk.toString('latin1') : carry + chunk.toString('latin1');
    let pos = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', pos)) !== -1) {
      onLine(text, pos, nl);
      pos = nl + 1;
    }
    carry = pos === 0 ? text : text.slice(pos);
    if (carry.length > MAX_LINE_CHARS) throw noLineBreak(carry.length, textBytes);
  });
  if (carry.length > 0) onLine(carry, 0, carry.length);
  return stats;
}

/** A line sink for bytes: receives the line `bytes[start, end)` without the newline. */
export type ByteLineSink = (bytes: Buffer, start: number, end: number) => void;

/**
 * `streamLines` without decoding: each line is a byte range of the decompressed chunk it lies in
 * (a line across two chunks is copied once). This is the ingest hot path.
 */
export async function streamLineBytes(input: AsyncIterable<Uint8Array>, onLine: ByteLineSink): Promise<TextStreamStats> {
  let carry: Buffer[] = [];
  let carryLength = 0;
  let textBytes = 0;
  const stats = await streamText(input, (chunk) => {
    textBytes += chunk.length;
    let pos = 0;
    if (carryLength > 0) {
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        carry.push(chunk);
        carryLength += chunk.length;
        if (carryLength > MAX_LINE_CHARS) throw noLineBreak(carryLength, textBytes);
        return;
      }
      carry.push(chunk.subarray(0, nl));
      const line = Buffer.concat(carry);
      carry = [];
      carryLength = 0;
      onLine(line, 0, line.length);
      pos = nl + 1;
    }
    let nl: number;
    while ((nl = chunk.indexOf(10, pos)) !== -1) {
      onLine(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      carry.push(chunk.subarray(pos));
      carryLength = chunk.length - pos;
      if (carryLength > MAX_LINE_CHARS) throw noLineBreak(carryLength, textBytes);
    }
  });
  if (carryLength > 0) {
    const line = Buffer.concat(carry);
    onLine(line, 0, line.length);
  }
  return stats;
}

function noLineBreak(length: number, textBytes: number): ObjectRejectedError {
  return new ObjectRejectedError(`no line break in the ${length} characters after byte ` +
    `${textBytes - length} of the text: not a flow-log text object`);
}

/**
 * Detects the encoding, decompresses, and hands every chunk of text to `onChunk` (chunks split
 * lines anywhere). This is the ingest hot path: the aggregator splits lines itself.
 */
export async function streamText(input: AsyncIterable<Uint8Array>, onChunk: (chunk: Buffer) => void): Promise<TextStreamStats> {
  const iterator = input[Symbol.asyncIterator]();
  try {
    return await readText(iterator, onChunk);
  } finally {
    // An early exit (Parquet, binary, a rejected line) must still release the source, e.g. an S3 socket.
    // Not awaited: a source blocked in a read finishes its return when that read settles.
    iterator.return?.()?.catch(() => undefined);
  }
}

async function readText(iterator: AsyncIterator<Uint8Array>, onChunk: (chunk: Buffer) => void): Promise<TextStreamStats> {
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
  if (stats.encoding === 'parquet') throw new ObjectRejectedError('Parquet object given to the text reader');
  if (stats.encoding === 'text' && looksBinary(head)) throw new ObjectRejectedError('not gzip, Parquet or text: binary data in the first bytes');

  const take = (chunk: Buffer) => {
    stats.bytesText += chunk.length;
    onChunk(chunk);
  };

  async function* raw(): AsyncGenerator<Uint8Array> {
    stats.bytesIn += head.length;
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      stats.bytesIn += next.value.length;
      yield next.value;
    }
  }

  if (stats.encoding === 'gzip') {
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
    try {
      await pipeline(Readable.from(raw(), { objectMode: false }), gunzip, async (decoded: AsyncIterable<Buffer>) => {
        for await (const chunk of decoded) take(chunk);
      });
    } catch (err) {
      if (err instanceof ObjectRejectedError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && code.startsWith('Z_')) {
        throw new ObjectRejectedError(`corrupt gzip after ${stats.bytesText} bytes of text: ${(err as Error).message}`);
      }
      throw err;
    }
  } else {
    for await (const chunk of raw()) take(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return stats;
}
