import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TypedArena } from '../../functions/core/typed-arena.js';

describe('TypedArena', () => {
  it('hands out zeroed arrays again after a reset, over the bytes of the last unit of work', () => {
    const arena = new TypedArena(1024);
    const first = arena.int32(16).fill(-1);
    const bytes = arena.uint8(9).fill(0xff);
    arena.reset();
    const again = arena.int32(16);
    // The same memory (reuse is the point), and zeroed as a constructor's array would be.
    expect(again.buffer).toBe(first.buffer);
    expect(again.byteOffset).toBe(first.byteOffset);
    expect([...again]).toEqual(new Array(16).fill(0));
    expect([...arena.uint8(9)]).toEqual(new Array(9).fill(0));
    expect(bytes.buffer).toBe(again.buffer);
  });

  it('never overlaps two arrays taken between resets, whatever their sizes and types', () => {
    const request = fc.record({
      type: fc.constantFrom('int32', 'int32Unset', 'float64', 'uint8'),
      length: fc.nat(300),
    });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 60 }), fc.boolean(), (requests, resetFirst) => {
        const arena = new TypedArena(1024);
        if (resetFirst) {
          arena.float64(100).fill(Math.PI);
          arena.reset();
        }
        const taken = requests.map(({ type, length }, k) => {
          const array =
            type === 'int32'
              ? arena.int32(length)
              : type === 'int32Unset'
                ? arena.int32Unset(length)
                : type === 'float64'
                  ? arena.float64(length)
                  : arena.uint8(length);
          // Aligned for its element type, zeroed (unless asked not to be), then marked with its own number.
          expect(array.byteOffset % array.BYTES_PER_ELEMENT).toBe(0);
          if (type !== 'int32Unset') expect(array.every((v) => v === 0)).toBe(true);
          array.fill(k + 1);
          return { array, k };
        });
        for (const { array, k } of taken) expect(array.every((v) => v === k + 1)).toBe(true);
      }),
    );
  });

  it('gives a request larger than a quarter chunk its own buffer, so it pins no small arrays', () => {
    const arena = new TypedArena(1024);
    const small = arena.int32(4);
    const large = arena.uint8(257);
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(257);
    expect(arena.int32(4).buffer).toBe(small.buffer);
  });

  it('copies typed arrays, leaving the source untouched', () => {
    const arena = new TypedArena(256);
    const source = Float64Array.of(1.5, -2, Number.NaN);
    const copy = arena.copy(source);
    expect(copy).toBeInstanceOf(Float64Array);
    source[0] = 9;
    expect([...copy]).toEqual([1.5, -2, Number.NaN]);
    expect([...arena.copy(Int32Array.of(-1, 7))]).toEqual([-1, 7]);
    expect([...arena.copy(Uint8Array.of(255, 0))]).toEqual([255, 0]);
  });
});
