/**
 * Typed arrays carved out of shared chunks instead of one ArrayBuffer each.
 *
 * Why: V8 keeps the contents of a typed array of more than 64 bytes outside its heap, so every
 * `new Int32Array(n)` is a malloc, a registration with the garbage collector and, later, a
 * sweep and a free. Each small object of a run makes hundreds of such arrays (the groups copied
 * out of the kernel, the columns of each Parquet file): in a profile of 5,000 small objects,
 * malloc, its frees and the array-buffer sweeper were a tenth of the CPU time, and glibc's
 * fragmented arenas were the resident memory that grew with the run (docs/performance.md).
 *
 * Two ways to use one:
 * - Never reset: arrays live as long as anything references them, like ordinary ones; a chunk
 *   is freed by the collector when the last array in it is dropped.
 * - `reset()` between units of work that drop every array they took (one Parquet file): the
 *   same chunk is reused, so steady work allocates nothing.
 *
 * Arrays are zero-filled, like the constructors'. Offsets are 8-byte aligned, so any element
 * type fits. Requests larger than a quarter of a chunk get their own buffer: a large array never
 * pins a chunk's worth of small ones, and small ones never waste a large chunk.
 */
export class TypedArena {
  private chunk: ArrayBuffer;
  private used = 0;
  /** True once `reset` handed out bytes again: those need zeroing (a new chunk is zeroed). */
  private reused = false;
  /** The buffer of the last `take`, and whether its bytes need zeroing. */
  private taken: ArrayBuffer;
  private dirty = false;

  constructor(private readonly chunkBytes = 1 << 16) {
    this.chunk = new ArrayBuffer(chunkBytes);
    this.taken = this.chunk;
  }

  int32(length: number): Int32Array {
    const at = this.take(length * 4);
    return this.zeroed(new Int32Array(this.taken, at, length));
  }

  /**
   * An Int32Array holding whatever its bytes held before (no zeroing): only for arrays the caller
   * writes in full, or reads only where it wrote, before anything else reads them.
   */
  int32Unset(length: number): Int32Array {
    const at = this.take(length * 4); // first: `take` may move `taken` to a new buffer
    return new Int32Array(this.taken, at, length);
  }

  float64(length: number): Float64Array {
    const at = this.take(length * 8);
    return this.zeroed(new Float64Array(this.taken, at, length));
  }

  uint8(length: number): Uint8Array {
    const at = this.take(length);
    return this.zeroed(new Uint8Array(this.taken, at, length));
  }

  /** A copy of `source` in the arena. */
  copy<T extends Int32Array | Uint8Array | Float64Array>(source: T): T {
    const copy = (
      source instanceof Int32Array
        ? this.int32(source.length)
        : source instanceof Float64Array
          ? this.float64(source.length)
          : this.uint8(source.length)
    ) as T;
    copy.set(source as never);
    return copy;
  }

  /** Hands the chunk out again from its start: every array taken since the last reset must be dropped. */
  reset(): void {
    if (this.used > 0) this.reused = true;
    this.used = 0;
  }

  /** Where `bytes` bytes start in `this.taken`; sets `dirty` when they may hold old values. */
  private take(bytes: number): number {
    if (bytes > this.chunkBytes >>> 2) {
      this.taken = new ArrayBuffer(bytes);
      this.dirty = false;
      return 0;
    }
    let at = (this.used + 7) & ~7;
    if (at + bytes > this.chunk.byteLength) {
      this.chunk = new ArrayBuffer(this.chunkBytes);
      this.reused = false;
      at = 0;
    }
    this.used = at + bytes;
    this.taken = this.chunk;
    this.dirty = this.reused;
    return at;
  }

  private zeroed<T extends Int32Array | Float64Array | Uint8Array>(array: T): T {
    if (this.dirty) array.fill(0);
    return array;
  }
}
