/**
 * Re-run replacement of one source object's output files, as a plan the sink executes: which
 * keys the run writes (file names derive from the object, so a re-run overwrites its own files),
 * which keys of earlier runs are stale, and what the object's manifest must say before and after.
 * Pure: the sink (functions/adapters/parquet-sink.ts) reads the manifest at `manifestKey`, then
 * carries out the plan's steps in order. docs/parsing.md §9 states the rules for users.
 */
import { MANIFEST_FOLDER } from '../../schemas/tables.js';

/** The keys an object's runs wrote, per table: the `tables` of its manifest. */
export type TableKeys = Readonly<Record<string, readonly string[]>>;

/** `<prefix>_manifests/<stem>.json`, beside the table folders (no table location or glob reaches it). */
interface OutputManifest {
  readonly identity: string;
  readonly tables: TableKeys;
}

export interface ReplacementRequest {
  /** Where the tables live (`''` or a folder ending in `/`). */
  readonly prefix: string;
  /** The object's file-name stem (`outputStem`). */
  readonly stem: string;
  /** What the manifest lists now (`{}` when there is none). */
  readonly previous: TableKeys;
  /** The tables this run replaces: the ingest tables on commit, one table for `writeTable`, all on retract. */
  readonly owns: (table: string) => boolean;
  /** The files this run writes. */
  readonly files: readonly { readonly table: string; readonly key: string }[];
}

/**
 * The steps of a replacement, in the order the sink runs them. The order keeps one invariant:
 * the manifest always lists every file of the object that exists, so a crash anywhere leaves
 * nothing the next run cannot find and delete.
 *  1. `claim`: if this run writes keys the manifest lacks, the manifest first lists old ∪ new.
 *     (Writing it only after the files, a crash in between followed by a run with fewer files
 *     would orphan files no manifest names.) A missing file under a listed key is harmless.
 *  2. Write the new files. Old files under the same names are overwritten; until step 3 the
 *     stale extras still count, as they did before this run.
 *  3. `stale`: delete the keys of earlier runs this run does not write; never a key of this run,
 *     so the new output is never lost.
 *  4. `final`: only then shrink the manifest to the new keys (or remove it when the object has
 *     none left): shrinking it before the deletes, a crash would forget files that still exist.
 * Two runs of one object at once may race on the manifest; runs of an object are sequential in
 * the CLI and per SQS message in the handler.
 */
export interface ReplacementPlan {
  /** Step 1: the manifest to write before any file, or null when the current one already lists every new key. */
  readonly claim: TableKeys | null;
  /** Step 3: keys of earlier runs to delete once the new files are written. */
  readonly stale: readonly string[];
  /** Step 4: the manifest to write after the deletes, `'delete'` when no key is left, null when it stays as is. */
  readonly final: TableKeys | 'delete' | null;
}

export function planReplacement(request: ReplacementRequest): ReplacementPlan {
  const { prefix, stem, previous, owns, files } = request;
  const next: Record<string, string[]> = {};
  for (const [table, keys] of Object.entries(previous)) if (!owns(table)) next[table] = [...keys];
  for (const file of files) (next[file.table] ??= []).push(file.key);
  const written = new Set(files.map((file) => file.key));
  const stale = Object.entries(previous)
    .filter(([table]) => owns(table))
    .flatMap(([table, keys]) => keys.filter((key) => !written.has(key) && isOwnFile(prefix, table, stem, key)));
  const claim = mergeTables(previous, next);
  const after = normalizeTables(next);
  return {
    claim: sameTables(claim, previous) ? null : claim,
    stale,
    final: sameTables(after, claim) ? null : Object.keys(after).length === 0 ? 'delete' : after,
  };
}

export function manifestKey(prefix: string, stem: string): string {
  return `${prefix}${MANIFEST_FOLDER}${stem}.json`;
}

/**
 * Names the files of one run: `<prefix><table>/dt=<dt>/<stem>-<part>.parquet`, parts numbered
 * per table and day in the order they are asked for (0 unless the object flushed early).
 */
export function partKeys(prefix: string, stem: string): (table: string, dt: string) => string {
  const parts = new Map<string, number>();
  return (table, dt) => {
    const dir = `${prefix}${table}/dt=${dt}/`;
    const part = parts.get(dir) ?? 0;
    parts.set(dir, part + 1);
    return `${dir}${stem}-${part}.parquet`;
  };
}

/**
 * The stem of a file `partKeys` names (`<stem>-<part>.parquet`, the stem ending in the 12 hex
 * digits of `outputStem`), or undefined for any other name (`compacted-*`, temp files).
 */
export function partFileStem(name: string): string | undefined {
  return /^(.+-[0-9a-f]{12})-\d+\.parquet$/.exec(name)?.[1];
}

/** Deletes stay inside the table's folder and the object's own file names, whatever a manifest says. */
export function isOwnFile(prefix: string, table: string, stem: string, key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return (
    key.startsWith(`${prefix}${table}/`) &&
    !key.includes('..') &&
    name.startsWith(`${stem}-`) &&
    name.endsWith('.parquet')
  );
}

/** A manifest's text: its tables with keys sorted and de-duplicated, pretty-printed JSON. */
export function manifestText(identity: string, tables: TableKeys): string {
  const manifest: OutputManifest = { identity, tables: normalizeTables(tables) };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The tables of a manifest's text; throws with the reason when it is not one. */
export function parseManifest(text: string): TableKeys {
  const manifest = JSON.parse(text) as Partial<OutputManifest> | null;
  const tables = manifest?.tables;
  if (
    typeof tables !== 'object' ||
    tables === null ||
    !Object.values(tables).every((keys) => Array.isArray(keys) && keys.every((k) => typeof k === 'string'))
  ) {
    throw new Error('no "tables" of key lists');
  }
  return tables;
}

/** Tables with their keys sorted and de-duplicated; tables without keys left out. */
function normalizeTables(tables: TableKeys): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const table of Object.keys(tables).sort()) {
    const keys = [...new Set(tables[table])].sort();
    if (keys.length > 0) out[table] = keys;
  }
  return out;
}

function mergeTables(a: TableKeys, b: TableKeys): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const tables of [a, b]) for (const [table, keys] of Object.entries(tables)) (out[table] ??= []).push(...keys);
  return normalizeTables(out);
}

function sameTables(a: TableKeys, b: TableKeys): boolean {
  const x = normalizeTables(a);
  const y = normalizeTables(b);
  const tables = Object.keys(x);
  if (tables.length !== Object.keys(y).length) return false;
  return tables.every((table) => {
    const keys = y[table];
    return keys !== undefined && keys.length === x[table]!.length && keys.every((key, i) => key === x[table]![i]);
  });
}
