import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
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

  async function walk(dir: string, root: string, ancestors: ReadonlySet<string>): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
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
        info = await stat(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (entry.isSymbolicLink())
          skipped.push({ path, reason: code === 'ELOOP' ? 'symlink loop' : 'broken symlink' });
        // Listed a moment ago and gone now: a rejected object, as when it vanishes before it is read.
        else add({ path, key: keyOf(root, path), identity: path, size: 0 });
        continue;
      }
      if (info.isDirectory()) {
        const real = await realpath(path);
        if (ancestors.has(real)) {
          skipped.push({ path, reason: 'symlink loop (a folder that contains it)' });
          continue;
        }
        await walk(path, root, new Set([...ancestors, real]));
      } else if (info.isFile()) {
        add({ path, key: keyOf(root, path), identity: await realpath(path), size: info.size });
      } else {
        skipped.push({ path, reason: `not a regular file (${fileType(info)})` });
      }
    }
  }

  for (const path of paths) {
    let info: Stats;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`no such file or folder: ${path}`);
      throw err;
    }
    if (info.isDirectory()) {
      await walk(path, path, new Set([await realpath(path)]));
    } else if (info.isFile()) {
      add({ path, key: path.split(sep).join('/'), identity: await realpath(path), size: info.size });
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

/** A local file given by path alone (tests, tools): stats it and resolves its identity. */
export async function localObject(path: string, root: string | undefined): Promise<SourceObject> {
  const info = await stat(path);
  return localObjectAt({ path, key: keyOf(root, path), identity: await realpath(path), size: info.size });
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

async function* readLocal(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) yield chunk as Buffer;
  } catch (err) {
    throw new ObjectRejectedError(`unreadable: ${(err as Error).message}`);
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
