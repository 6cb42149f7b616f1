/**
 * The streaming gzip path of streamText (objects that arrive in more than one chunk), inflated on
 * the calling thread (GzipInflater) and on the thread pool: the text is the whole stream's, in
 * order, whatever the chunking; corrupt streams reject the object with zlib's reason, as the
 * one-call path does for small objects; both placements give the same text and the same errors.
 */

import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineError, ObjectRejectedError } from '../../functions/core/errors.js';
import { GzipInflater } from '../../functions/core/gzip-inflater.js';
import { type InflateOn, streamText } from '../../functions/core/text-stream.js';
import { memoryObject } from '../helpers/sources.js';

/** Text that compresses (repeated lines) with incompressible runs in it (random hex). */
const text = (lines: number, seed: number) =>
  Array.from(
    { length: lines },
    (_, i) => `2 1234567890${seed} eni-${(i * 7919 + seed).toString(16)} ${randomBytes(i % 5).toString('hex')}`,
  ).join('\n');

async function streamed(body: Uint8Array, chunkSize: number, inflateOn: InflateOn): Promise<Buffer> {
  const pieces: Buffer[] = [];
  const object = await memoryObject('o.log.gz', body, { chunkSize }).open();
  // Copied: a piece is only valid during the call.
  await streamText(object, (c) => pieces.push(Buffer.from(c)), { inflateOn });
  return Buffer.concat(pieces);
}

async function rejection(body: Uint8Array, chunkSize: number, inflateOn: InflateOn): Promise<string> {
  const err = await streamed(body, chunkSize, inflateOn).then(
    () => new Error('not rejected'),
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(ObjectRejectedError);
  return err.message;
}

describe.each(['this-thread', 'thread-pool'] as const)(
  'streamText over gzip in many stored chunks, inflated on %s',
  (on) => {
    it('gives the same text as gunzipSync for any chunking, single and multi-member streams', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 3_000 }),
          fc.integer({ min: 1, max: 4_096 }),
          fc.integer({ min: 1, max: 3 }),
          async (lines, chunkSize, members) => {
            const parts = Array.from({ length: members }, (_, m) => gzipSync(text(lines, m)));
            const body = Buffer.concat(parts);
            const got = await streamed(body, chunkSize, on);
            expect(got.equals(gunzipSync(body))).toBe(true);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('rejects a stream cut short as truncated, naming how much was read', async () => {
      const body = gzipSync(text(20_000, 2));
      expect(await rejection(body.subarray(0, body.length - 40), 8_192, on)).toMatch(
        /^corrupt gzip: unexpected end of file within the first [\d,]+ compressed bytes \(the object is truncated\)$/,
      );
    });

    it('rejects damaged data and bytes after the end of the stream, with zlib reason', async () => {
      const body = gzipSync(text(20_000, 3));
      const damaged = Buffer.from(body);
      for (let i = 2_000; i < 2_400; i++) damaged[i] = 0xff;
      expect(await rejection(damaged, 8_192, on)).toMatch(
        /^corrupt gzip: [a-z ]+ within the first [\d,]+ compressed bytes/,
      );
      const trailing = Buffer.concat([body, Buffer.from('garbage!garbage')]);
      expect(await rejection(trailing, 8_192, on)).toMatch(
        /^corrupt gzip: incorrect header check within the first [\d,]+ compressed bytes \(damaged data, or bytes after the end of the gzip stream\)$/,
      );
    });

    it('passes the consumer error and the deadline through untouched, and stops inflating', async () => {
      const body = gzipSync(text(20_000, 4));
      let calls = 0;
      const stop = new ObjectRejectedError('line 7: not a flow log');
      const object = await memoryObject('o.log.gz', body, { chunkSize: 8_192 }).open();
      const err = await streamText(
        object,
        () => {
          calls++;
          throw stop;
        },
        { inflateOn: on },
      ).catch((e: unknown) => e);
      expect(err).toBe(stop);
      expect(calls).toBe(1);
      let checks = 0;
      const late = await streamText(
        await memoryObject('o.log.gz', body, { chunkSize: 8_192 }).open(),
        () => undefined,
        {
          inflateOn: on,
          expired: () => ++checks > 3,
        },
      ).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(DeadlineError);
    });
  },
);

describe('GzipInflater', () => {
  it('hands text over in pieces of at most the output buffer, each valid only during its call', () => {
    const body = gzipSync(text(20_000, 1));
    const inflater = new GzipInflater(4_096);
    const pieces: Buffer[] = [];
    let reused = 0;
    let previous: Buffer | undefined;
    const onText = (piece: Buffer) => {
      expect(piece.length).toBeLessThanOrEqual(4_096);
      if (previous?.buffer === piece.buffer && previous.byteOffset === piece.byteOffset) reused++;
      previous = piece;
      pieces.push(Buffer.from(piece));
    };
    for (let at = 0; at < body.length; at += 10_000) inflater.write(body.subarray(at, at + 10_000), onText);
    inflater.finish(onText);
    inflater.close();
    expect(Buffer.concat(pieces).equals(gunzipSync(body))).toBe(true);
    // One buffer for the whole stream: every piece after the first starts where the first did.
    expect(reused).toBe(pieces.length - 1);
  });
});
