import { createHash } from 'node:crypto';
import { MANIFEST_FOLDER, SUMMARY_TABLE, type TableSpec, UNENCRYPTED_TABLE } from '../../schemas/tables.js';
import type { AggregateBatch } from '../core/flow-log-aggregator.js';
import { columnsOfRows, type GroupColumns } from '../core/group-columns.js';
import type { ObjectOutput, OutputFile, OutputSink } from '../core/ports.js';
import type { BlobStore } from './blob-store.js';
import { encodeColumns, partitionByDay } from './parquet-encoder.js';
import { SpillArea, type StagedBody } from './spill.js';

interface StagedFile {
  readonly table: string;
  readonly key: string;
  readonly rows: number;
  /** Encoded bytes, or a part spilled to a temp file (see SpillArea). */
  readonly body: Uint8Array | StagedBody;
}

/** Columns of the aggregator's cleartext groups: `unencrypted`'s plus the status that selects them. */
const CLEARTEXT_COLUMNS = [...UNENCRYPTED_TABLE.columns, { name: 'encryption_status', type: 'int32' } as const];

/** The tables `begin`/`commit` write; `writeTable` owns the others (`findings`) one at a time. */
const INGEST_TABLES: readonly string[] = [SUMMARY_TABLE.name, UNENCRYPTED_TABLE.name];

/** `<prefix>_manifests/<stem>.json`: the keys an object's runs wrote, per table. */
interface Manifest {
  readonly identity: string;
  readonly tables: Record<string, string[]>;
}

/**
 * Writes the `summary` and `unencrypted` tables as Parquet under Hive-style `dt=` partitions.
 * File names derive from the source object's identity, so re-ingesting an object overwrites
 * its files instead of adding duplicates, and a per-object manifest removes the files of an
 * earlier run that the new run no longer writes (fewer days or parts, a rejected object, no
 * findings). Batches are encoded as they arrive (memory stays bounded by the compressed
 * output) and written only on commit.
 */
export class ParquetTableSink implements OutputSink {
  constructor(private readonly store: BlobStore, private readonly prefix = '') {}

  begin(identity: string, key: string): ObjectOutput {
    const stem = outputStem(identity, key);
    const staged: StagedFile[] = [];
    const parts = new Map<string, number>();
    let open = true;
    // Staged parts past 8 MB go to a temp file: memory stays flat for objects of any size.
    const spill = new SpillArea();
    const keep = (files: StagedFile[]) => {
      for (const file of files) staged.push({ ...file, body: spill.keep(file.body as Uint8Array) });
    };
    return {
      add: (batch: AggregateBatch) => {
        if (!open) throw new Error('output already committed or aborted');
        // The aggregator's batches carry columns (no row object is made); a batch of rows only
        // (made by hand) is converted, so both go through the one column encoder.
        const { summary, cleartext } = batch.columns ?? {
          summary: columnsOfRows(SUMMARY_TABLE.columns, batch.summary),
          cleartext: columnsOfRows(CLEARTEXT_COLUMNS, batch.cleartext),
        };
        const status = cleartext.columns.encryption_status;
        const isCleartext = (row: number) => status?.type === 'int32' && status.values[row] === 0;
        keep(this.encodePartitions(SUMMARY_TABLE, stem, parts, summary));
        keep(this.encodePartitions(UNENCRYPTED_TABLE, stem, parts, cleartext, isCleartext));
      },
      commit: async (): Promise<OutputFile[]> => {
        open = false;
        try {
          return await this.replace(identity, stem, (table) => INGEST_TABLES.includes(table), staged);
        } finally {
          staged.length = 0;
          spill.dispose();
        }
      },
      abort: () => {
        open = false;
        staged.length = 0;
        spill.dispose();
      },
      // A rejected object writes nothing, and what earlier runs of it wrote (every table,
      // findings included: they derive from the same rows) would still be counted: remove it.
      retract: async () => {
        await this.replace(identity, stem, () => true, []);
      },
    };
  }

  /**
   * Writes the rows of a table derived from one source object after its ingest (`findings`),
   * under the same file names as `begin` would give them, so a re-run replaces them. No rows
   * removes the table's files of an earlier run (call it with none rather than skipping it).
   */
  async writeTable(spec: TableSpec, identity: string, key: string, rows: readonly object[]): Promise<OutputFile[]> {
    const stem = outputStem(identity, key);
    return this.replace(identity, stem, (table) => table === spec.name,
      this.encodePartitions(spec, stem, new Map(), columnsOfRows(spec.columns, rows)));
  }

  /**
   * Makes `staged` the object's files of the tables `owns` accepts, removing the keys an earlier
   * run listed in the manifest that this run does not write. The order keeps one invariant: the
   * manifest always lists every file of the object that exists, so a crash anywhere leaves
   * nothing that the next run cannot find and delete.
   *  1. Claim: if this run writes keys the manifest lacks, the manifest first lists old ∪ new.
   *     (Writing it only after the files, a crash in between followed by a run with fewer files
   *     would orphan files no manifest names.) A missing file under a listed key is harmless.
   *  2. Write the new files. Old files under the same names are overwritten; until step 3 the
   *     stale extras still count, as they did before this run.
   *  3. Delete the stale keys (old \ new); never a key of this run, so the new output is never lost.
   *  4. Only then shrink the manifest to the new keys (or remove it when the object has none
   *     left): shrinking it before the deletes, a crash would forget files that still exist.
   * Two runs of one object at once may race on the manifest; runs of an object are sequential
   * in the CLI and per SQS message in the handler.
   */
  private async replace(identity: string, stem: string, owns: (table: string) => boolean,
    staged: readonly StagedFile[]): Promise<OutputFile[]> {
    const manifestKey = `${this.prefix}${MANIFEST_FOLDER}${stem}.json`;
    const previous = await this.readManifest(manifestKey);
    const next: Record<string, string[]> = {};
    for (const [table, keys] of Object.entries(previous)) if (!owns(table)) next[table] = keys;
    for (const file of staged) (next[file.table] ??= []).push(file.key);
    const written = new Set(staged.map((file) => file.key));
    const stale = Object.entries(previous).filter(([table]) => owns(table))
      .flatMap(([table, keys]) => keys.filter((key) => !written.has(key) && this.ownsKey(table, stem, key)));
    const claim = mergeTables(previous, next);

    if (!sameTables(claim, previous)) await this.writeManifest(manifestKey, identity, claim);
    const files = await this.put(staged);
    for (const key of stale) await this.store.delete(key);
    if (!sameTables(next, claim)) {
      if (Object.keys(normalize(next)).length === 0) await this.store.delete(manifestKey);
      else await this.writeManifest(manifestKey, identity, next);
    }
    return files;
  }

  private async readManifest(key: string): Promise<Record<string, string[]>> {
    const body = await this.store.get(key);
    if (!body) return {};
    let manifest: Manifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(body)) as Manifest;
    } catch (err) {
      throw new Error(`unreadable output manifest ${this.store.describe(key)}: ${(err as Error).message}`);
    }
    const tables = manifest?.tables;
    if (typeof tables !== 'object' || tables === null ||
      !Object.values(tables).every((keys) => Array.isArray(keys) && keys.every((k) => typeof k === 'string'))) {
      throw new Error(`unreadable output manifest ${this.store.describe(key)}: no "tables" of key lists`);
    }
    return tables;
  }

  private async writeManifest(key: string, identity: string, tables: Record<string, string[]>): Promise<void> {
    const manifest: Manifest = { identity, tables: normalize(tables) };
    await this.store.put(key, new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'), 'application/json');
  }

  /** Deletes stay inside the table's folder and the object's own file names, whatever a manifest says. */
  private ownsKey(table: string, stem: string, key: string): boolean {
    const name = key.slice(key.lastIndexOf('/') + 1);
    return key.startsWith(`${this.prefix}${table}/`) && !key.includes('..') && name.startsWith(`${stem}-`) &&
      name.endsWith('.parquet');
  }

  private encodePartitions(spec: TableSpec, stem: string, parts: Map<string, number>, groups: GroupColumns,
    where?: (row: number) => boolean): StagedFile[] {
    return partitionByDay(groups, where).map(({ dt, rows }) => (
      { table: spec.name, key: this.partKey(spec, dt, stem, parts), rows: rows.length, body: encodeColumns(spec, groups, rows) }
    ));
  }

  /** `<prefix><table>/dt=<dt>/<stem>-<part>.parquet`, parts numbered per partition in write order. */
  private partKey(spec: TableSpec, dt: string, stem: string, parts: Map<string, number>): string {
    const dir = `${this.prefix}${spec.name}/dt=${dt}/`;
    const part = parts.get(dir) ?? 0;
    parts.set(dir, part + 1);
    return `${dir}${stem}-${part}.parquet`;
  }

  private async put(staged: readonly StagedFile[]): Promise<OutputFile[]> {
    const files: OutputFile[] = [];
    for (const file of staged) {
      const body = file.body instanceof Uint8Array ? file.body : file.body.read();
      await this.store.put(file.key, body, 'application/vnd.apache.parquet');
      files.push({ table: file.table, key: file.key, rows: file.rows, bytes: body.length });
    }
    return files;
  }
}

/** Tables with their keys sorted and de-duplicated; tables without keys left out. */
function normalize(tables: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(tables).sort()) {
    const keys = [...new Set(tables[table])].sort();
    if (keys.length > 0) out[table] = keys;
  }
  return out;
}

function mergeTables(a: Record<string, string[]>, b: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const tables of [a, b]) for (const [table, keys] of Object.entries(tables)) (out[table] ??= []).push(...keys);
  return normalize(out);
}

function sameTables(a: Record<string, string[]>, b: Record<string, string[]>): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** `<flow-log file name without extension>-<12 hex of sha256(identity)>`. */
export function outputStem(identity: string, key: string): string {
  const base = (key.split(/[\\/]/).pop() ?? 'object').replace(/(\.log)?(\.gz|\.parquet)?$/, '');
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'object';
  return `${safe}-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
}
