import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobStore } from './blob-store.js';

/** A BlobStore over a local directory. Writes are atomic (temp file + rename). */
export class LocalDirStore implements BlobStore {
  constructor(readonly root: string) {}

  describe(key: string): string {
    return join(this.root, key);
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, body);
    await rename(temp, path);
  }
}
