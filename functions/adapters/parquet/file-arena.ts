import { TypedArena } from '../../core/typed-arena.js';

/**
 * Memory for the arrays of the Parquet file being encoded: its columns, dictionaries, pages and
 * statistics. `encodeColumns` resets it before each file, whose arrays are all dropped once the
 * file's bytes are copied out (encoding is synchronous), so writing thousands of small files
 * allocates next to nothing; code that never resets it gets arrays that live like any others.
 */
export const fileArena = new TypedArena(1 << 18);
