import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceObject } from '../core/ports.js';

/** A folder of a local listing: its path as reached, its real path, and the key prefix of its files. */
export interface ListedFolder {
  readonly path: string;
  readonly real: string;
  readonly keyPrefix: string;
}

/** A regular file found in a listed folder: its folder, its name and its size. */
export interface ListedFile {
  readonly folder: ListedFolder;
  readonly name: string;
  readonly size: number;
}

/** Files kept in memory before the listing moves them to its spool file. */
const SPOOL_AFTER = 4096;

/** A stretch of the spool file: `count` files between two byte offsets. */
interface SpooledFiles {
  readonly start: number;
  end: number;
  count: number;
}

/**
 * The objects of a run's listing, in order, with their count and total size. A run lists once,
 * before it reads the first object (progress knows the total, and workers are handed objects in
 * one order), and a bucket's worth of small objects is hundreds of thousands of files: held as
 * SourceObjects they would make a run's memory grow with its length (about 1.7 KB an object).
 * Files past the first 4,096 are written to a spool file instead (`folder NUL size NUL name NUL`:
 * NUL is the one byte a file name cannot hold) and read back in order while the run iterates,
 * so memory stays flat in the number of objects (docs/performance.md, "Many small objects").
 * The spool file is unlinked as soon as it is opened: nothing is left behind, even after a crash.
 *
 * Other objects (S3 objects, rejected command-line entries) are kept as they are, in order.
 * Iterate once; `dispose` closes the spool (iterating to the end does too).
 */
export class SourceList implements Iterable<SourceObject> {
  private readonly segments: (SourceObject | SpooledFiles | ListedFile[])[] = [];
  private readonly folders: ListedFolder[] = [];
  private readonly folderIndex = new Map<ListedFolder, number>();
  private count = 0;
  private bytes: number | undefined = 0;
  private buffered = 0;
  private spool: { fd: number; size: number } | undefined;

  /** `make`: a listed file as a SourceObject (local-files.ts), done as each is read. */
  constructor(private readonly make: (file: ListedFile) => SourceObject) {}

  get length(): number {
    return this.count;
  }

  /** The stored bytes of every object, or undefined when one of them has no known size. */
  get totalBytes(): number | undefined {
    return this.bytes;
  }

  push(entry: SourceObject | ListedFile): void {
    this.count++;
    if (this.bytes !== undefined) this.bytes = entry.size === undefined ? undefined : this.bytes + entry.size;
    if (!('folder' in entry)) {
      this.segments.push(entry);
      return;
    }
    const last = this.segments.at(-1);
    if (Array.isArray(last)) last.push(entry);
    else this.segments.push([entry]);
    if (++this.buffered >= SPOOL_AFTER) this.spoolBuffered();
  }

  *[Symbol.iterator](): Iterator<SourceObject> {
    try {
      for (const segment of this.segments) {
        if (Array.isArray(segment)) for (const file of segment) yield this.make(file);
        else if ('start' in segment) yield* this.readSpooled(segment);
        else yield segment;
      }
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    if (this.spool) closeSync(this.spool.fd);
    this.spool = undefined;
  }

  /** Moves the files buffered at the end of the list to the spool file. */
  private spoolBuffered(): void {
    const files = this.segments.pop() as ListedFile[];
    this.buffered = 0;
    this.spool ??= openSpool();
    const parts: string[] = [];
    for (const file of files) {
      let index = this.folderIndex.get(file.folder);
      if (index === undefined) {
        index = this.folders.push(file.folder) - 1;
        this.folderIndex.set(file.folder, index);
      }
      parts.push(`${index}\0${file.size}\0${file.name}\0`);
    }
    const bytes = Buffer.from(parts.join(''));
    const start = this.spool.size;
    writeSync(this.spool.fd, bytes, 0, bytes.length, start);
    this.spool.size += bytes.length;
    const last = this.segments.at(-1);
    if (last && !Array.isArray(last) && 'start' in last && last.end === start) {
      last.end = this.spool.size;
      last.count += files.length;
    } else {
      this.segments.push({ start, end: this.spool.size, count: files.length });
    }
  }

  private *readSpooled(segment: SpooledFiles): Generator<SourceObject> {
    const spool = this.spool;
    if (!spool) throw new Error('the listing was iterated after it was disposed');
    const chunk = Buffer.allocUnsafe(1 << 20);
    let at = segment.start;
    let rest = Buffer.alloc(0);
    while (at < segment.end) {
      const n = readSync(spool.fd, chunk, 0, Math.min(chunk.length, segment.end - at), at);
      if (n === 0) throw new Error('the listing spool file ended early');
      at += n;
      const data = rest.length ? Buffer.concat([rest, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let from = 0;
      for (;;) {
        const a = data.indexOf(0, from);
        const b = a < 0 ? -1 : data.indexOf(0, a + 1);
        const c = b < 0 ? -1 : data.indexOf(0, b + 1);
        if (c < 0) break;
        yield this.make({
          folder: this.folders[Number(data.toString('latin1', from, a))]!,
          size: Number(data.toString('latin1', a + 1, b)),
          name: data.toString('utf8', b + 1, c),
        });
        from = c + 1;
      }
      rest = Buffer.from(data.subarray(from));
    }
  }
}

/** A temp file open for reading and writing, already unlinked (it goes when the descriptor closes). */
function openSpool(): { fd: number; size: number } {
  const dir = mkdtempSync(join(tmpdir(), 'ciphertrail-listing-'));
  try {
    const fd = openSync(join(dir, 'listing'), 'w+');
    return { fd, size: 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
