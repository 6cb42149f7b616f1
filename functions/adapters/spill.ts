import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An encoded part waiting for its object's commit: in memory, or spilled to a temp file. */
export interface StagedBody {
  readonly length: number;
  read(): Uint8Array;
}

/**
 * Keeps staged Parquet parts in memory up to `maxHeldBytes` (8 MB), then appends further parts to one
 * temp file (Lambda's /tmp locally too), so memory stays flat however large the object: a 2 GB
 * object stages ~130 MB of Parquet. `dispose` removes the file (commit and abort both call it).
 */
export class SpillArea {
  private held = 0;
  private dir: string | undefined;
  private fd: number | undefined;
  private size = 0;

  constructor(private readonly maxHeldBytes = 8 * 1024 * 1024) {}

  keep(body: Uint8Array): StagedBody {
    if (this.held + body.length <= this.maxHeldBytes) {
      this.held += body.length;
      return { length: body.length, read: () => body };
    }
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'ciphertrail-spill-'));
      this.fd = openSync(join(this.dir, 'parts'), 'w+');
    }
    const fd = this.fd;
    const at = this.size;
    const length = body.length;
    let written = 0;
    while (written < length) written += writeSync(fd, body, written, length - written, at + written);
    this.size += length;
    return spilled(fd, at, length);
  }

  dispose(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.fd = undefined;
    this.dir = undefined;
    this.held = 0;
    this.size = 0;
  }
}

/**
 * A part in the spill file. Made in its own function on purpose: closures created in `keep`
 * would share its scope, which holds `body`, and keep every spilled buffer alive.
 */
function spilled(fd: number, at: number, length: number): StagedBody {
  return {
    length,
    read: () => {
      const out = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, out, got, length - got, at + got);
        if (n === 0) throw new Error('spilled part truncated');
        got += n;
      }
      return out;
    },
  };
}
