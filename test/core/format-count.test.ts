import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../functions/core/format-count.js';

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [-1000, '-1,000'],
    [1234567, '1,234,567'],
    [Number.MAX_SAFE_INTEGER, '9,007,199,254,740,991'],
    [1.5, '1.5'],
  ])('%s → %s', (n, text) => expect(formatCount(n)).toBe(text));

  it("writes every integer as toLocaleString('en-US') does", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1e6, max: 1e6 })),
        (n) => formatCount(n) === n.toLocaleString('en-US'),
      ),
    );
  });
});
