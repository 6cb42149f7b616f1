import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { describeError } from '../core/describe-error.js';
import { OutputError, UsageError } from '../core/errors.js';
import type { BlobStore } from './blob-store.js';

/**
 * A BlobStore over a local directory. Writes are atomic (temp file + rename); a write that fails
 * (disk full, read-only) removes its temp file and throws OutputError naming the path.
 *
 * Writes are synchronous: output files are small (a few KB for most objects) and a run writes
 * tens of thousands of them, so the thread-pool round trips of fs/promises would cost more than
 * the writes; folders already made are remembered.
 */
export class LocalDirStore implements BlobStore {
  private readonly folders = new Set<string>();
  /** The root and a separator, '' for an empty root (where only join gives the right path). */
  private readonly rootWithSeparator: string;

  constructor(readonly root: string) {
    this.rootWithSeparator = root === '' ? '' : root.endsWith(sep) ? root : root + sep;
  }

  /**
   * Checks, before any work, that the root is a folder this process can write: created when
   * missing, refused when it is a file, probed with a temp file.
   */
  static async open(root: string): Promise<LocalDirStore> {
    const info = await stat(root).catch(() => undefined);
    if (info && !info.isDirectory())
      throw new UsageError(`--out ${root} is a file: give a folder (it is created when missing)`);
    const store = new LocalDirStore(root);
    const probe = `.ciphertrail-write-check.${process.pid}`;
    try {
      await mkdir(root, { recursive: true });
      await writeFile(join(root, probe), '');
    } catch (err) {
      throw new OutputError(`cannot write to ${root}: ${describeError(err, { path: false })}`, { cause: err });
    } finally {
      await rm(join(root, probe), { force: true }).catch(() => undefined);
    }
    return store;
  }

  /**
   * `join(root, key)`, without normalizing the keys the sinks make (`table/dt=…/name`: no `.`,
   * `..` or doubled separator), which is most of join's cost when a run writes 100,000 files.
   */
  private pathOf(key: string): string {
    if (this.rootWithSeparator === '' || key.startsWith('/') || key.includes('./') || key.includes('//'))
      return join(this.root, key);
    return this.rootWithSeparator + key;
  }

  describe(key: string): string {
    return join(this.root, key);
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const temp = `${path}.${process.pid}.tmp`;
    try {
      const folder = dirname(path);
      if (!this.folders.has(folder)) {
        mkdirSync(folder, { recursive: true });
        this.folders.add(folder);
      }
      try {
        writeFileSync(temp, body);
      } catch (err) {
        // The folder went away since it was made (removed by hand, or by `compact`): make it again once.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        mkdirSync(folder, { recursive: true });
        writeFileSync(temp, body);
      }
      renameSync(temp, path);
    } catch (err) {
      rmSync(temp, { force: true });
      throw new OutputError(`cannot write ${path}: ${describeError(err)}`, { cause: err });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const path = join(this.root, key);
    // Most keys asked for do not exist (an object's first run has no manifest): no exception for those.
    if (!statSync(path, { throwIfNoEntry: false })) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(join(this.root, key), { force: true });
    } catch (err) {
      throw new OutputError(`cannot delete ${join(this.root, key)}: ${describeError(err)}`, { cause: err });
    }
  }
}
