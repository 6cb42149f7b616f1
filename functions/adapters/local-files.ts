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
import { basename, dirname, join, relative, sep } from 'node:path';
import { ObjectRejectedError, UsageError } from '../core/errors.js';
import type { SkippedInput, SourceObject } from '../core/ports.js';
import { type ListedFile, type ListedFolder, SourceList } from './source-list.js';

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
  readonly objects: SourceList;
  /** Entries inside input folders that are not read, each with the reason. */
  readonly skipped: SkippedInput[];
}

/** A listed file as a source object, made when the run reaches it. */
function listedObject({ folder, name, size }: ListedFile): SourceObject {
  const path = join(folder.path, name);
  const identity = folder.real === folder.path ? path : join(folder.real, name);
  return localObjectAt({ path, key: folder.keyPrefix + name, identity, size });
}

/**
 * Lists flow-log objects under local files and folders, recursively and sorted, so that every
 * run (and every worker) sees the same order.
 *
 * - A path that does not exist is an UsageError (a usage error at the CLI).
 * - Symlinks are followed, to files and to folders; a folder already being walked (a loop) is
 *   not entered again.
 * - The same file reached twice (a folder given twice, a folder inside another given, a symlink
 *   to a listed file or folder) is read once, the first time. Folders are compared by real path
 *   (a folder is walked once) and only the files reached one by one (named on the command line,
 *   or through a symlink) are kept by identity: no set of every file's path.
 * - Dotfiles inside folders (`.DS_Store`, editors' swap files; AWS never writes one), broken
 *   symlinks and non-regular files (FIFOs, sockets, devices) are skipped and named in `skipped`:
 *   a FIFO would block the run forever.
 * - A regular file named on the command line is always an object; a non-regular one becomes a
 *   rejected object with the reason. A file that vanishes before it is read is rejected when
 *   opened, like any unreadable object.
 */
export async function listLocalInputs(paths: readonly string[]): Promise<LocalInputs> {
  const lister = new LocalLister();
  for (const path of paths) lister.add(path);
  return { objects: lister.objects, skipped: lister.skipped };
}

/** One listing over several paths (IoTargets adds them in argument order, S3 prefixes between). */
export class LocalLister {
  readonly objects = new SourceList(listedObject);
  readonly skipped: SkippedInput[] = [];
  /** Real paths of the folders walked. */
  private readonly walked = new Set<string>();
  /** Identities of the files reached one by one (not as a plain entry of a walked folder). */
  private readonly singles = new Set<string>();

  add(path: string): void {
    let info: Stats;
    try {
      info = statSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`no such file or folder: ${path}`);
      throw err;
    }
    if (info.isDirectory()) {
      const real = realpathSync(path);
      if (!this.walked.has(real)) this.walk({ path, real, keyPrefix: '' }, new Set([real]));
    } else if (info.isFile()) {
      this.addSingle(path, path.split(sep).join('/'), info.size);
    } else {
      this.objects.push(rejectedObject(path, `not a regular file (${fileType(info)}): give flow-log files or folders`));
    }
  }

  /** A file reached on its own: read unless the same real file was listed already. */
  private addSingle(path: string, key: string, size: number): void {
    const identity = realpathSync(path);
    if (this.singles.has(identity)) return;
    // Its real folder was walked: that walk listed it (a regular file that is not a dotfile).
    const name = basename(identity);
    if (this.walked.has(dirname(identity)) && !name.startsWith('.')) return;
    this.singles.add(identity);
    this.objects.push(localObjectAt({ path, key, identity: identity === path ? path : identity, size }));
  }

  private walk(folder: ListedFolder, ancestors: ReadonlySet<string>): void {
    this.walked.add(folder.real);
    let entries: Dirent[];
    try {
      entries = readdirSync(folder.path, { withFileTypes: true });
    } catch (err) {
      this.skipped.push({ path: folder.path, reason: `unreadable folder: ${(err as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder.path, entry.name);
      if (entry.name.startsWith('.')) {
        this.skipped.push({ path, reason: 'dotfile' });
        continue;
      }
      let info: Stats;
      try {
        info = statSync(path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (entry.isSymbolicLink())
          this.skipped.push({ path, reason: code === 'ELOOP' ? 'symlink loop' : 'broken symlink' });
        // Listed a moment ago and gone now: a rejected object, as when it vanishes before it is read.
        else this.objects.push({ folder, name: entry.name, size: 0 });
        continue;
      }
      if (info.isDirectory()) {
        const real = realpathSync(path);
        if (ancestors.has(real)) {
          this.skipped.push({ path, reason: 'symlink loop (a folder that contains it)' });
          continue;
        }
        if (this.walked.has(real)) continue;
        this.walk({ path, real, keyPrefix: `${folder.keyPrefix}${entry.name}/` }, new Set([...ancestors, real]));
      } else if (info.isFile()) {
        if (entry.isSymbolicLink()) {
          this.addSingle(path, folder.keyPrefix + entry.name, info.size);
          continue;
        }
        if (this.singles.size > 0 && this.singles.has(join(folder.real, entry.name))) continue;
        this.objects.push({ folder, name: entry.name, size: info.size });
      } else {
        this.skipped.push({ path, reason: `not a regular file (${fileType(info)})` });
      }
    }
  }
}

/** The objects of `listLocalInputs`, for callers that do not report skipped entries. */
export async function listLocalObjects(paths: readonly string[]): Promise<SourceObject[]> {
  return [...(await listLocalInputs(paths)).objects];
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
