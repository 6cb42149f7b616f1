import {
  closeSync,
  createReadStream,
  type Dirent,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ObjectRejectedError, UsageError } from '../core/errors.js';
import type { SkippedInput, SourceObject } from '../core/ports.js';

const READ_CHUNK = 1 << 20;

/** Where a local object lives: enough to open it again in another thread (plain data). */
export interface LocalObjectRef {
  readonly path: string;
  /** Path relative to the folder given on the command line (`/` separators), or the path itself. */
  readonly key: string;
  /** The file's real path: the same file reached twice (a symlink, a folder given twice) is read once. */
  readonly identity: string;
  readonly size: number;
}

export interface LocalInputs {
  readonly objects: SourceObject[];
  /** Entries inside input folders that are not read, each with the reason. */
  readonly skipped: SkippedInput[];
}

/**
 * Lists flow-log objects under local files and folders, recursively and sorted, so that every
 * run (and every worker) sees the same order.
 *
 * - A path that does not exist is an UsageError (a usage error at the CLI).
 * - Symlinks are followed, to files and to folders; a folder already being walked (a loop) is
 *   not entered again.
 * - The same file reached twice (a folder given twice, a symlink to a listed file) is read once.
 * - Dotfiles inside folders (`.DS_Store`, editors' swap files; AWS never writes one), broken
 *   symlinks and non-regular files (FIFOs, sockets, devices) are skipped and named in `skipped`:
 *   a FIFO would block the run forever.
 * - A regular file named on the command line is always an object; a non-regular one becomes a
 *   rejected object with the reason. A file that vanishes before it is read is rejected when
 *   opened, like any unreadable object.
 */
export async function listLocalInputs(paths: readonly string[]): Promise<LocalInputs> {
  const objects: SourceObject[] = [];
  const skipped: SkippedInput[] = [];
  const seen = new Set<string>();
  const add = (ref: LocalObjectRef) => {
    if (seen.has(ref.identity)) return;
    seen.add(ref.identity);
    objects.push(localObjectAt(ref));
  };

  function walk(dir: string, root: string, ancestors: ReadonlySet<string>): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      skipped.push({ path: dir, reason: `unreadable folder: ${(err as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) {
        skipped.push({ path, reason: 'dotfile' });
        continue;
      }
      let info: Stats;
      try {
        info = statSync(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (entry.isSymbolicLink())
          skipped.push({ path, reason: code === 'ELOOP' ? 'symlink loop' : 'broken symlink' });
        // Listed a moment ago and gone now: a rejected object, as when it vanishes before it is read.
        else add({ path, key: keyOf(root, path), identity: path, size: 0 });
        continue;
      }
      if (info.isDirectory()) {
        const real = realpathSync(path);
        if (ancestors.has(real)) {
          skipped.push({ path, reason: 'symlink loop (a folder that contains it)' });
          continue;
        }
        walk(path, root, new Set([...ancestors, real]));
      } else if (info.isFile()) {
        add({ path, key: keyOf(root, path), identity: realPath(path), size: info.size });
      } else {
        skipped.push({ path, reason: `not a regular file (${fileType(info)})` });
      }
    }
  }

  for (const path of paths) {
    let info: Stats;
    try {
      info = statSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`no such file or folder: ${path}`);
      throw err;
    }
    if (info.isDirectory()) {
      walk(path, path, new Set([realpathSync(path)]));
    } else if (info.isFile()) {
      add({ path, key: path.split(sep).join('/'), identity: realPath(path), size: info.size });
    } else {
      objects.push(rejectedObject(path, `not a regular file (${fileType(info)}): give flow-log files or folders`));
    }
  }
  return { objects, skipped };
}

/** The objects of `listLocalInputs`, for callers that do not report skipped entries. */
export async function listLocalObjects(paths: readonly string[]): Promise<SourceObject[]> {
  return (await listLocalInputs(paths)).objects;
}

/** A local file as a source object. Nothing is read until `open` or `readRange`. */
export function localObjectAt(ref: LocalObjectRef): SourceObject & { readonly ref: LocalObjectRef } {
  return {
    ref,
    name: ref.path,
    key: ref.key,
    identity: ref.identity,
    size: ref.size,
    open: async () => readLocal(ref.path),
    readRange: async (start, end) => readLocalRange(ref.path, start, end),
  };
}

/** The real path, as the same string as `path` when they are equal (most files): one string per object, not two. */
function realPath(path: string): string {
  const real = realpathSync(path);
  return real === path ? path : real;
}

/** A local file given by path alone (tests, tools): stats it and resolves its identity. */
export async function localObject(path: string, root: string | undefined): Promise<SourceObject> {
  return localObjectAt({ path, key: keyOf(root, path), identity: realpathSync(path), size: statSync(path).size });
}

const keyOf = (root: string | undefined, path: string) => (root ? relative(root, path) : path).split(sep).join('/');

function fileType(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a file';
}

function rejectedObject(path: string, reason: string): SourceObject {
  return {
    name: path,
    key: path,
    identity: path,
    open: async () => {
      throw new ObjectRejectedError(reason);
    },
  };
}

/**
 * A file of up to READ_CHUNK bytes is read in one synchronous call, as one chunk: most flow-log
 * objects are a few KB, and a stream (its own 1 MiB buffer, several thread-pool round trips)
 * costs more than reading them. Larger files stream in READ_CHUNK pieces.
 */
async function* readLocal(path: string): AsyncGenerator<Uint8Array> {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size <= READ_CHUNK) {
      const body = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const n = readSync(fd, body, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      closeSync(fd);
      fd = undefined;
      yield body.subarray(0, got);
      return;
    }
    const stream = createReadStream(path, { fd, highWaterMark: READ_CHUNK });
    fd = undefined; // the stream closes it
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw new ObjectRejectedError(`unreadable: ${(err as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function readLocalRange(path: string, start: number, end: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
