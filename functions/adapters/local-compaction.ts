import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { OUTPUT_TABLES } from '../../schemas/tables.js';

/**
 * `ciphertrail compact <dir>`: each day folder of each local table (`<dir>/<table>/dt=…/`) with
 * more than one file becomes one file, `compacted-<id>.parquet`, with the same rows (ZSTD,
 * sorted by window_start). docs/tables.md describes the protocol; in short, per day:
 *
 *  1. `write`: the new file is written under `<dir>/_compact/work/…` (no table glob reaches
 *     `_compact/`) and read back: its row count and sums must equal the old files'.
 *  2. `journal`: `_compact/journal.json` names the day, the new folder and where the old one goes.
 *  3. `hide-old`: one rename moves the old day folder to `_compact/old/…`.
 *  4. `show-new`: one rename moves the new folder into the table.
 *  5. `clean`: the old folder and the journal are removed.
 *
 * A crash before 3 leaves the old files, after 4 the new ones, and never both: no step makes the
 * new file visible while an old one is. Between 3 and 4 (two renames apart) the day has neither;
 * the journal says so, and `recoverCompaction` (run by `compact` and before every local query,
 * functions/adapters/duckdb-tables.ts) finishes the swap, so `report` never sees it. One
 * compaction at a time per folder (`_compact/lock`), and not while an ingest writes into it.
 */
export type CompactionStep = 'write' | 'journal' | 'hide-old' | 'show-new' | 'clean';

export interface CompactionOptions {
  /** Tests: called after each step; throwing stops the run there, as a crash would. */
  readonly afterStep?: (step: CompactionStep, table: string, dt: string) => void;
}

export interface CompactionReport {
  readonly days: number;
  readonly filesBefore: number;
  readonly filesAfter: number;
  readonly rows: number;
  /** An interrupted compaction found and finished (or undone) first. */
  readonly recovered: boolean;
}

interface Journal {
  readonly table: string;
  readonly dt: string;
  /** Paths relative to the tables folder. */
  readonly day: string;
  readonly work: string;
  readonly old: string;
}

const COMPACT_FOLDER = '_compact';
const JOURNAL = join(COMPACT_FOLDER, 'journal.json');

/**
 * Finishes or undoes an interrupted compaction of `dir`. Before `hide-old` the old day is still
 * in place: the new folder is removed. After it, the new folder is moved in (roll forward).
 */
export function recoverCompaction(dir: string): boolean {
  const path = join(dir, JOURNAL);
  if (!existsSync(path)) return false;
  const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
  const day = join(dir, journal.day);
  const work = join(dir, journal.work);
  if (existsSync(day) && existsSync(work)) rmSync(work, { recursive: true, force: true });
  else if (!existsSync(day) && existsSync(work)) renameSync(work, day);
  rmSync(join(dir, journal.old), { recursive: true, force: true });
  rmSync(path, { force: true });
  return true;
}

export async function compactTables(dir: string, options: CompactionOptions = {}): Promise<CompactionReport> {
  const lock = join(dir, COMPACT_FOLDER, 'lock');
  mkdirSync(dirname(lock), { recursive: true });
  try {
    writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
  } catch {
    throw new Error(`${lock} exists: another compact runs on ${dir} (remove the file if none does)`);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run("SET TimeZone = 'UTC'");
    const recovered = recoverCompaction(dir);
    let days = 0;
    let filesBefore = 0;
    let filesAfter = 0;
    let rows = 0;
    for (const spec of OUTPUT_TABLES) {
      const tableDir = join(dir, spec.name);
      if (!existsSync(tableDir)) continue;
      for (const name of readdirSync(tableDir).sort()) {
        const dayDir = join(tableDir, name);
        if (!/^dt=\d{4}-\d{2}-\d{2}$/.test(name) || !statSync(dayDir).isDirectory()) continue;
        const files = parquetFiles(dayDir);
        filesBefore += files.length;
        if (files.length <= 1) {
          filesAfter += files.length;
          continue;
        }
        const dt = name.slice(3);
        const step = (s: CompactionStep) => options.afterStep?.(s, spec.name, dt);
        const id = randomUUID().slice(0, 8);
        const journal: Journal = {
          table: spec.name,
          dt,
          day: join(spec.name, name),
          work: join(COMPACT_FOLDER, 'work', spec.name, name),
          old: join(COMPACT_FOLDER, 'old', spec.name, name),
        };
        const work = join(dir, journal.work);
        rmSync(work, { recursive: true, force: true });
        mkdirSync(work, { recursive: true });
        const target = join(work, `compacted-${id}.parquet`);
        const described = await db.runAndReadAll(
          `DESCRIBE SELECT * FROM read_parquet([${files.map(quote).join(', ')}], union_by_name = true)`,
        );
        const names = described.getRowObjectsJson().map((r) => r.column_name);
        const source = liveRows(files, names.includes('source_object'));
        await db.run(
          `COPY (SELECT * FROM (${source}) ORDER BY window_start) TO ${quote(target)} (FORMAT parquet, COMPRESSION zstd)`,
        );
        const [want, got] = await Promise.all([
          totals(db, source),
          totals(db, `SELECT * FROM read_parquet(${quote(target)})`),
        ]);
        if (want !== got) {
          rmSync(work, { recursive: true, force: true });
          throw new Error(
            `compacted ${spec.name} dt=${dt} does not add up (${got} instead of ${want}): nothing changed`,
          );
        }
        step('write');
        writeAtomic(join(dir, JOURNAL), `${JSON.stringify(journal)}\n`);
        step('journal');
        mkdirSync(dirname(join(dir, journal.old)), { recursive: true });
        renameSync(dayDir, join(dir, journal.old));
        step('hide-old');
        renameSync(work, dayDir);
        step('show-new');
        rmSync(join(dir, journal.old), { recursive: true, force: true });
        rmSync(join(dir, JOURNAL), { force: true });
        step('clean');
        days++;
        filesAfter++;
        rows += Number(JSON.parse(got).rows);
      }
    }
    rmSync(join(dir, COMPACT_FOLDER, 'work'), { recursive: true, force: true });
    rmSync(join(dir, COMPACT_FOLDER, 'old'), { recursive: true, force: true });
    return { days, filesBefore, filesAfter, rows, recovered };
  } finally {
    db.closeSync();
    instance.closeSync();
    rmSync(lock, { force: true });
  }
}

/**
 * The rows that count: every per-object file, and the rows of a compacted file except those of
 * objects that have per-object files in the same day again (ingested again since: their new files
 * replace those rows, as a re-run replaces its own files). The same rule for `compact` and for the
 * local table views.
 */
function liveRows(files: readonly string[] | string, withSourceObject: boolean, hive = false): string {
  const list = typeof files === 'string' ? quote(files) : `[${files.map(quote).join(', ')}]`;
  const read = `read_parquet(${list}, hive_partitioning = ${hive}, union_by_name = true, filename = true)`;
  // Files written before the commit columns existed have no source_object: all their rows count.
  if (!withSourceObject) return `SELECT * EXCLUDE (filename) FROM ${read}`;
  return `WITH f AS (SELECT *, regexp_matches(filename, '/compacted-[^/]*\\.parquet$') AS compacted_,
      regexp_extract(filename, '/dt=([^/]+)/', 1) AS day_ FROM ${read})
    SELECT * EXCLUDE (filename, compacted_, day_) FROM f
    WHERE NOT compacted_ OR source_object IS NULL
      OR NOT EXISTS (SELECT 1 FROM f g WHERE NOT g.compacted_ AND g.day_ = f.day_ AND g.source_object = f.source_object)`;
}

async function totals(db: Awaited<ReturnType<DuckDBInstance['connect']>>, select: string): Promise<string> {
  const reader = await db.runAndReadAll(
    `SELECT count(*)::VARCHAR AS rows, sum(flows)::VARCHAR AS flows, sum(packets)::VARCHAR AS packets, sum(bytes)::VARCHAR AS bytes FROM (${select})`,
  );
  return JSON.stringify(reader.getRowObjectsJson()[0]);
}

function parquetFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function writeAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
