import { createReadStream } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ObjectRejectedError } from '../core/flow-log-aggregator.js';
import type { SourceObject } from '../core/ports.js';

const READ_CHUNK = 1 << 20;

/**
 * Lists flow-log objects under local files and directories (recursively, sorted, dotfiles
 * skipped). Unreadable files become rejected objects, never a crashed run.
 */
export async function listLocalObjects(paths: readonly string[]): Promise<SourceObject[]> {
  const objects: SourceObject[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const file of await walk(path)) objects.push(await localObject(file, info.isDirectory() ? path : undefined));
    } else {
      objects.push(await localObject(path, undefined));
    }
  }
  return objects;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

export async function localObject(path: string, root: string | undefined): Promise<SourceObject> {
  const info = await stat(path);
  const identity = await realpath(path);
  return {
    name: path,
    key: (root ? relative(root, path) : path).split(sep).join('/'),
    identity,
    size: info.size,
    open: async () => readLocal(path),
    readRange: async (start, end) => readLocalRange(path, start, end),
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
