import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_TABLES } from '../../schemas/tables.js';
import { manifestKey, manifestText, parseManifest, partFileStem, type TableKeys } from '../core/output-replacement.js';
import type { BlobStore } from './blob-store.js';

/**
 * Where the sink learns which keys an object's earlier runs wrote (the `previous` of
 * `planReplacement`, functions/core/output-replacement.ts) and records what this run writes.
 */
export interface OutputManifests {
  /** The keys earlier runs of the object with this stem wrote, per table (`{}` when none). */
  read(stem: string): Promise<TableKeys>;
  /** Records the object's keys: the plan's `claim` before its files are written, its `final` after. */
  write(stem: string, identity: string, tables: TableKeys | 'delete'): Promise<void>;
}

/**
 * One manifest object per source object, `<prefix>_manifests/<stem>.json`, in the tables' store.
 * The store's own listing cannot stand in on S3: finding one object's files there would be a
 * LIST of every day of every table for each object.
 */
export class ManifestFiles implements OutputManifests {
  constructor(
    private readonly store: BlobStore,
    private readonly prefix = '',
  ) {}

  async read(stem: string): Promise<TableKeys> {
    const key = manifestKey(this.prefix, stem);
    const body = await this.store.get(key);
    if (!body) return {};
    try {
      return parseManifest(new TextDecoder().decode(body));
    } catch (err) {
      throw new Error(`unreadable output manifest ${this.store.describe(key)}: ${(err as Error).message}`);
    }
  }

  async write(stem: string, identity: string, tables: TableKeys | 'delete'): Promise<void> {
    const key = manifestKey(this.prefix, stem);
    if (tables === 'delete') await this.store.delete(key);
    else await this.store.put(key, new TextEncoder().encode(manifestText(identity, tables)), 'application/json');
  }
}

/**
 * The manifests of a local output folder, read off the folder itself: an object's files are the
 * `<table>/dt=<day>/<stem>-<part>.parquet` that exist. A file is in a folder as soon as it is
 * written, so this manifest always lists every file of the object, whatever the run did before
 * a crash (the invariant the manifest objects keep by writing a claim first), and files of runs
 * older than the manifests are found too.
 *
 * Why: on a local disk one more file per object is the largest fixed cost of a run over many
 * small objects (creating a file costs more than encoding a small one), while listing the table
 * folders is one read of each day folder, done once per run (docs/performance.md, "Many small
 * objects"). The index holds the names of the folder's files; a fresh folder holds none.
 */
export class FolderManifests implements OutputManifests {
  private readonly index: Map<string, TableKeys>;

  /**
   * Lists the folder now, before the run writes into it. `root`: the local folder the tables are
   * in (the LocalDirStore's root); `prefix`: as the sink's.
   */
  constructor(
    private readonly root: string,
    private readonly prefix = '',
  ) {
    this.index = this.list();
  }

  async read(stem: string): Promise<TableKeys> {
    return this.index.get(stem) ?? {};
  }

  /**
   * Keeps an object found in the folder current for a later replacement in the same run (its
   * findings after its tables). An object new to the folder is not added: what a later step of
   * the run replaces is another table, whose earlier keys are none, and so memory stays flat in
   * the number of objects a run writes.
   */
  async write(stem: string, _identity: string, tables: TableKeys | 'delete'): Promise<void> {
    if (tables === 'delete') this.index.delete(stem);
    else if (this.index.has(stem)) this.index.set(stem, tables);
  }

  private list(): Map<string, TableKeys> {
    const index = new Map<string, Record<string, string[]>>();
    for (const spec of OUTPUT_TABLES) {
      const table = `${this.prefix}${spec.name}`;
      for (const day of entries(join(this.root, table))) {
        if (!day.isDirectory() || !day.name.startsWith('dt=')) continue;
        for (const file of entries(join(this.root, table, day.name))) {
          const stem = file.isFile() ? partFileStem(file.name) : undefined;
          if (stem === undefined) continue;
          const tables = index.get(stem) ?? {};
          index.set(stem, tables);
          (tables[spec.name] ??= []).push(`${table}/${day.name}/${file.name}`);
        }
      }
    }
    return index;
  }
}

/** The entries of a folder (none when it does not exist). */
function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
