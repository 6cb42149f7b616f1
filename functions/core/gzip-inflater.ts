import { constants, createGunzip, type Gunzip } from 'node:zlib';

/**
 * Node's zlib handle as its own synchronous path drives it (lib/zlib.js, `processChunkSync`,
 * behind `zlib.gunzipSync`): `writeSync` inflates into an output buffer the caller chooses and
 * leaves the output and input still available in `_writeState`. Not documented API: the
 * constructor checks the shape, and CI runs on Node 20 and 22.
 */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inputOffset: number,
    inputLength: number,
    output: Uint8Array,
    outputOffset: number,
    outputLength: number,
  ): void;
}

/**
 * Inflates a gzip stream a stored chunk at a time, synchronously, into one output buffer it
 * keeps. `createGunzip()` in a pipeline hands every piece of text over in a fresh Buffer and runs
 * each write on the libuv thread pool: for 460 MB of text that is 460 MB of new memory to fault
 * in and collect, and a thread hop per write. Writing into one reused buffer on the calling thread
 * made a whole `ingest` of 2M records 5 % faster on one core (docs/performance.md, 2026-12-04).
 * Errors are zlib's own (`code` Z_DATA_ERROR, Z_BUF_ERROR, …), as the stream raises them.
 */
export class GzipInflater {
  private readonly stream: Gunzip = createGunzip();
  private readonly handle: ZlibHandle;
  private readonly state: Uint32Array;
  private readonly output: Buffer;

  constructor(chunkSize: number) {
    const internals = this.stream as unknown as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
    if (typeof internals._handle?.writeSync !== 'function' || !(internals._writeState instanceof Uint32Array))
      throw new Error(`node:zlib in Node ${process.version} has no writeSync handle: GzipInflater needs updating`);
    this.handle = internals._handle as ZlibHandle;
    this.state = internals._writeState;
    this.output = Buffer.allocUnsafe(chunkSize);
    // A zlib error destroys the stream, which then emits it as an event: it is thrown from write instead.
    this.stream.on('error', () => undefined);
  }

  /**
   * Inflates `input`, handing each piece of text to `onText` as it is made. A piece is only valid
   * during the call (the next one overwrites it): copy what must outlive it.
   */
  write(input: Uint8Array, onText: (text: Buffer) => void): void {
    this.run(constants.Z_NO_FLUSH, input, onText);
  }

  /** Ends the stream: the text still held back, or zlib's error for a stream cut short. */
  finish(onText: (text: Buffer) => void): void {
    this.run(constants.Z_FINISH, new Uint8Array(0), onText);
  }

  close(): void {
    this.stream.close();
  }

  private run(flush: number, input: Uint8Array, onText: (text: Buffer) => void): void {
    const { handle, state, output } = this;
    let offset = 0;
    let length = input.length;
    for (;;) {
      handle.writeSync(flush, input, offset, length, output, 0, output.length);
      // zlib reports an error by destroying the stream, synchronously, inside writeSync.
      if (this.stream.errored) throw this.stream.errored;
      const outputLeft = state[0]!;
      const inputLeft = state[1]!;
      offset += length - inputLeft;
      length = inputLeft;
      if (outputLeft < output.length) onText(output.subarray(0, output.length - outputLeft));
      // Room left in the output: zlib took all the input it could.
      if (outputLeft !== 0) return;
    }
  }
}
