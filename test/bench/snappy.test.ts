/**
 * The bench's Snappy codec (test/bench/snappy.ts) round-trips through hyparquet's decompressor,
 * so the bench's SNAPPY figures are for files readers can read.
 */
import { snappyUncompress } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { compressSnappy } from './snappy.js';

describe('Snappy', () => {
  it("round-trips through hyparquet's decompressor: empty, short, repetitive, random, past 64 KiB", () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const inputs = [
      new Uint8Array(0),
      Uint8Array.of(1, 2, 3),
      new TextEncoder().encode('abcabcabcabcabcabcabcabcabcabc'),
      new Uint8Array(200_000).fill(9),
      Uint8Array.from({ length: 150_000 }, random),
      Uint8Array.from({ length: 300_000 }, (_, i) => (i % 1000 < 500 ? i % 7 : random())),
    ];
    for (const input of inputs) {
      const compressed = compressSnappy(input);
      const output = new Uint8Array(input.length);
      snappyUncompress(compressed, output);
      expect(Buffer.from(output).equals(Buffer.from(input))).toBe(true);
    }
    expect(compressSnappy(new Uint8Array(200_000).fill(9)).length).toBeLessThan(10_000);
  });
});
