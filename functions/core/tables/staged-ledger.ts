/**
 * The staged ledger: one small JSON entry per change of an object's staged files, under
 * `<prefix>_staged/<ISO time>-<stem>.json`. The sink writes it (functions/adapters/parquet-sink.ts),
 * the committer lists the entries after its watermark and plans one commit from them (`planCommit`).
 *
 * Why a ledger and not the manifests alone: a manifest is keyed by object, so finding the objects
 * staged since the last commit would mean listing every manifest ever written (4 million after a
 * month at 500 flow logs); the ledger is keyed by time, so S3 lists only what is new (`StartAfter`).
 */
import { STAGED_LEDGER_FOLDER } from '../../../schemas/tables.js';
import type { TableKeys } from '../output-replacement.js';

export interface LedgerEntry {
  /** The source object's identity (the staged rows' `source_object`). */
  readonly identity: string;
  /** When the entry was written (ISO 8601, UTC). */
  readonly at: string;
  /** The object's staged files per table after the change (none: the object was retracted). */
  readonly files: TableKeys;
  /** Every file the object had or has per table: the days whose committed rows may have to go. */
  readonly touched: TableKeys;
}

/** `<prefix>_staged/<at, ISO 8601>-<stem>.json`: keys sort by the time they were written. */
export function ledgerEntryKey(prefix: string, at: Date, stem: string): string {
  return `${prefix}${STAGED_LEDGER_FOLDER}${at.toISOString()}-${stem}.json`;
}

/** The time part of a ledger key name (after the folder), for bounding a listing. */
export function ledgerKeyAt(prefix: string, at: Date): string {
  return `${prefix}${STAGED_LEDGER_FOLDER}${at.toISOString()}`;
}

export function ledgerEntryText(entry: LedgerEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** An entry from its text; throws with the reason when it is not one. */
export function parseLedgerEntry(text: string): LedgerEntry {
  const entry = JSON.parse(text) as Partial<LedgerEntry> | null;
  const isKeys = (tables: unknown) =>
    typeof tables === 'object' &&
    tables !== null &&
    Object.values(tables).every((keys) => Array.isArray(keys) && keys.every((k) => typeof k === 'string'));
  if (
    typeof entry?.identity !== 'string' ||
    typeof entry.at !== 'string' ||
    !isKeys(entry.files) ||
    !isKeys(entry.touched)
  ) {
    throw new Error('not a staged-ledger entry (identity, at, files, touched)');
  }
  return entry as LedgerEntry;
}

/** One source object in a table's commit: its staged files and the days its rows were or are in. */
export interface ObjectCommit {
  /** The object's identity (its rows' `source_object`). */
  readonly identity: string;
  /** Its staged files of the table now (keys under the tables' prefix); none when retracted. */
  readonly files: readonly string[];
  /** UTC days (`yyyy-MM-dd`), sorted. */
  readonly days: readonly string[];
}

/** The objects of one commit in one table. */
export interface TableCommit {
  readonly table: string;
  readonly objects: readonly ObjectCommit[];
}

export interface CommitPlan {
  /** One entry per table with anything to do, in the order given. */
  readonly tables: readonly TableCommit[];
  /** The last ledger key planned: the watermark once every table's statements succeeded. */
  readonly watermark: string | null;
  /** Ledger entries read (an object staged three times counts three times). */
  readonly entries: number;
  /** Distinct source objects. */
  readonly objects: number;
}

/**
 * One commit from ledger entries, given in key order: per object the latest entry decides its
 * files (an object re-staged three times is committed once, as it is now), and the days of all
 * its entries are searched for rows it no longer has.
 */
export function planCommit(
  entries: readonly { readonly key: string; readonly entry: LedgerEntry }[],
  tables: readonly string[],
): CommitPlan {
  const latest = new Map<string, LedgerEntry>();
  const touched = new Map<string, Map<string, Set<string>>>();
  for (const { entry } of entries) {
    latest.set(entry.identity, entry);
    let days = touched.get(entry.identity);
    if (!days) touched.set(entry.identity, (days = new Map()));
    for (const tableKeys of [entry.touched, entry.files]) {
      for (const [table, keys] of Object.entries(tableKeys)) {
        let set = days.get(table);
        if (!set) days.set(table, (set = new Set()));
        for (const key of keys) {
          const dt = dayOfKey(key);
          if (dt) set.add(dt);
        }
      }
    }
  }
  const plans: TableCommit[] = [];
  for (const table of tables) {
    const objects: ObjectCommit[] = [];
    for (const [identity, entry] of latest) {
      const days = touched.get(identity)?.get(table);
      if (!days || days.size === 0) continue;
      objects.push({ identity, files: [...(entry.files[table] ?? [])].sort(), days: [...days].sort() });
    }
    if (objects.length > 0) plans.push({ table, objects });
  }
  return {
    tables: plans,
    watermark: entries.length > 0 ? entries[entries.length - 1]!.key : null,
    entries: entries.length,
    objects: latest.size,
  };
}

/** `…/dt=2026-12-01/…` → `2026-12-01`. */
export function dayOfKey(key: string): string | undefined {
  return /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
}
