import { hash } from 'node:crypto';
import { SUMMARY_TABLE, type TableSpec, UNENCRYPTED_TABLE } from '../../schemas/tables.js';
import type { AggregateBatch } from '../core/flow-log-aggregator.js';
import { columnsOfRows, type GroupColumns } from '../core/group-columns.js';
import { partKeys, planReplacement } from '../core/output-replacement.js';
import type { ObjectOutput, OutputFile, OutputSink } from '../core/ports.js';
import { ledgerEntryKey, ledgerEntryText } from '../core/tables/staged-ledger.js';
import type { BlobStore } from './blob-store.js';
import { ManifestFiles, type OutputManifests } from './output-manifests.js';
import { encodeColumns, partitionByDay, type RowsWhere } from './parquet-encoder.js';
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

type PartKeys = ReturnType<typeof partKeys>;

export interface ParquetSinkOptions {
  /** Encoded bytes an object keeps in memory before further parts spill to a temp file (default 8 MB). */
  readonly spillAfterBytes?: number;
  /**
   * Write an entry in the staged ledger (`_staged/`) each time an object's files change, for the
   * committer of the Iceberg tables (the Lambda's sink). Off for local runs: nothing commits them.
   */
  readonly ledger?: boolean;
  /**
   * Where each object's earlier keys are recorded: manifest objects in the store (the default),
   * or, for a local folder, the folder itself (`FolderManifests`: no manifest file per object).
   */
  readonly manifests?: OutputManifests;
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
  private readonly manifests: OutputManifests;

  constructor(
    private readonly store: BlobStore,
    private readonly prefix = '',
    private readonly options: ParquetSinkOptions = {},
  ) {
    this.manifests = options.manifests ?? new ManifestFiles(store, prefix);
  }

  begin(identity: string, key: string): ObjectOutput {
    const stem = outputStem(identity, key);
    const staged: StagedFile[] = [];
    const keyOf = partKeys(this.prefix, stem);
    const rowKeys = new RowKeys(identity);
    let open = true;
    // Staged parts past 8 MB go to a temp file: memory stays flat for objects of any size.
    const spill = new SpillArea(this.options.spillAfterBytes);
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
        keep(this.encodePartitions(SUMMARY_TABLE, keyOf, rowKeys, summary));
        keep(this.encodePartitions(UNENCRYPTED_TABLE, keyOf, rowKeys, cleartext, cleartextRows(cleartext)));
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
    return this.replace(
      identity,
      stem,
      (table) => table === spec.name,
      this.encodePartitions(
        spec,
        partKeys(this.prefix, stem),
        new RowKeys(identity),
        columnsOfRows(spec.columns, rows),
      ),
    );
  }

  /**
   * Makes `staged` the object's files of the tables `owns` accepts, removing the keys an earlier
   * run listed in the manifest that this run does not write: the steps of `planReplacement`
   * (functions/core/output-replacement.ts), in its order. Before the manifest shrinks (step 4),
   * an entry in the staged ledger tells the committer that the object's staged files changed;
   * written before it, a crash in between leaves the manifest listing the old days, so the next
   * run's entry still names them (the committer removes committed rows of days an object lost).
   */
  private async replace(
    identity: string,
    stem: string,
    owns: (table: string) => boolean,
    staged: readonly StagedFile[],
  ): Promise<OutputFile[]> {
    const previous = await this.manifests.read(stem);
    const plan = planReplacement({
      prefix: this.prefix,
      stem,
      previous,
      owns,
      files: staged,
    });
    if (plan.claim !== null) await this.manifests.write(stem, identity, plan.claim);
    const files = await this.put(staged);
    for (const stale of plan.stale) await this.store.delete(stale);
    if (this.options.ledger) {
      const touched = plan.claim ?? previous;
      const current = plan.final === null ? touched : plan.final === 'delete' ? {} : plan.final;
      const at = new Date();
      await this.store.put(
        ledgerEntryKey(this.prefix, at, stem),
        new TextEncoder().encode(ledgerEntryText({ identity, at: at.toISOString(), files: current, touched })),
        'application/json',
      );
    }
    if (plan.final !== null) await this.manifests.write(stem, identity, plan.final);
    return files;
  }

  private encodePartitions(
    spec: TableSpec,
    keyOf: PartKeys,
    rowKeys: RowKeys,
    groups: GroupColumns,
    where?: RowsWhere,
  ): StagedFile[] {
    return partitionByDay(groups, where).map(({ dt, rows }) => {
      const file = encodeColumns(spec, groups, rows, rowKeys.next(spec.name));
      rowKeys.advance(spec.name, file.rows);
      return { table: spec.name, key: keyOf(spec.name, dt), rows: file.rows, body: file.bytes };
    });
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

/**
 * The rows of the `unencrypted` table among a batch's cleartext groups, which also hold the
 * groups rejected by encryption enforcement (for the alert rules): encryption_status 0. Groups
 * without an int32 status column have none.
 */
function cleartextRows(cleartext: GroupColumns): RowsWhere {
  const status = cleartext.columns.encryption_status;
  if (status?.type === 'int32') return { values: status.values, equals: 0 };
  return { values: new Int32Array(cleartext.length).fill(-1), equals: 0 };
}

/**
 * The `row_key`s of one object's rows, per table: numbered from 0 in the order the files are
 * encoded, which is the order the aggregator emits its groups (deterministic for one input and
 * window), so a re-run numbers the same rows the same way.
 */
class RowKeys {
  private readonly used = new Map<string, number>();

  constructor(private readonly identity: string) {}

  next(table: string): { sourceObject: string; firstRowKey: number } {
    return { sourceObject: this.identity, firstRowKey: this.used.get(table) ?? 0 };
  }

  advance(table: string, rows: number): void {
    this.used.set(table, (this.used.get(table) ?? 0) + rows);
  }
}

/** `<flow-log file name without extension>-<12 hex of sha256(identity)>`. */
export function outputStem(identity: string, key: string): string {
  const base = (key.split(/[\\/]/).pop() ?? 'object').replace(/(\.log)?(\.gz|\.parquet)?$/, '');
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'object';
  return `${safe}-${hash('sha256', identity, 'hex').slice(0, 12)}`;
}
