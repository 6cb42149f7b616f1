import { createHash } from 'node:crypto';
import { SUMMARY_TABLE, type TableSpec, UNENCRYPTED_TABLE, type UnencryptedRow } from '../../schemas/tables.js';
import type { AggregateBatch } from '../core/flow-log-aggregator.js';
import type { GroupColumns } from '../core/group-columns.js';
import type { ObjectOutput, OutputFile, OutputSink } from '../core/ports.js';
import type { BlobStore } from './blob-store.js';
import { encodeColumns, encodeParquet, partitionByDay } from './parquet-encoder.js';
import { SpillArea, type StagedBody } from './spill.js';

interface StagedFile {
  readonly table: string;
  readonly key: string;
  readonly rows: number;
  /** Encoded bytes, or a part spilled to a temp file (see SpillArea). */
  readonly body: Uint8Array | StagedBody;
}

type Row = Record<string, unknown> & { window_start: number | null };

/**
 * Writes the `summary` and `unencrypted` tables as Parquet under Hive-style `dt=` partitions.
 * File names derive from the source object's identity, so re-ingesting an object overwrites
 * its files instead of adding duplicates. Batches are encoded as they arrive (memory stays
 * bounded by the compressed output) and written only on commit.
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
    const stage = (spec: TableSpec, rows: Row[]) => keep(this.encodePartitions(spec, stem, parts, rows));
    return {
      add: (batch: AggregateBatch) => {
        if (!open) throw new Error('output already committed or aborted');
        if (batch.columns) {
          // Fast path: the aggregator's columns, no row objects (docs/performance.md).
          const { summary, cleartext } = batch.columns;
          const status = cleartext.columns.encryption_status;
          const isCleartext = (row: number) => status?.type === 'int32' && status.values[row] === 0;
          keep(this.encodeColumnPartitions(SUMMARY_TABLE, stem, parts, summary));
          keep(this.encodeColumnPartitions(UNENCRYPTED_TABLE, stem, parts, cleartext, isCleartext));
          return;
        }
        stage(SUMMARY_TABLE, batch.summary as Row[]);
        const unencrypted: UnencryptedRow[] = [];
        for (const group of batch.cleartext) {
          if (group.encryption_status !== 0) continue;
          const { encryption_status: _status, ...row } = group;
          unencrypted.push(row);
        }
        stage(UNENCRYPTED_TABLE, unencrypted as Row[]);
      },
      commit: async (): Promise<OutputFile[]> => {
        open = false;
        try {
          return await this.put(staged);
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
    };
  }

  /**
   * Writes the rows of a table derived from one source object after its ingest (`findings`),
   * under the same file names as `begin` would give them, so a re-run replaces them.
   */
  async writeTable(spec: TableSpec, identity: string, key: string, rows: readonly object[]): Promise<OutputFile[]> {
    return this.put(this.encodePartitions(spec, outputStem(identity, key), new Map(), rows as Row[]));
  }

  private encodePartitions(spec: TableSpec, stem: string, parts: Map<string, number>, rows: Row[]): StagedFile[] {
    const files: StagedFile[] = [];
    for (const [dt, partitionRows] of byDay(rows)) {
      const dir = `${this.prefix}${spec.name}/dt=${dt}/`;
      const part = parts.get(dir) ?? 0;
      parts.set(dir, part + 1);
      partitionRows.sort((a, b) => a.window_start! - b.window_start!);
      files.push({ table: spec.name, key: `${dir}${stem}-${part}.parquet`, rows: partitionRows.length,
        body: encodeParquet(spec, partitionRows) });
    }
    return files;
  }

  private encodeColumnPartitions(spec: TableSpec, stem: string, parts: Map<string, number>, groups: GroupColumns,
    where?: (row: number) => boolean): StagedFile[] {
    return partitionByDay(groups, where).map(({ dt, rows }) => {
      const dir = `${this.prefix}${spec.name}/dt=${dt}/`;
      const part = parts.get(dir) ?? 0;
      parts.set(dir, part + 1);
      return { table: spec.name, key: `${dir}${stem}-${part}.parquet`, rows: rows.length, body: encodeColumns(spec, groups, rows) };
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

/** `<flow-log file name without extension>-<12 hex of sha256(identity)>`. */
export function outputStem(identity: string, key: string): string {
  const base = (key.split(/[\\/]/).pop() ?? 'object').replace(/(\.log)?(\.gz|\.parquet)?$/, '');
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'object';
  return `${safe}-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
}

function byDay(rows: Row[]): Map<string, Row[]> {
  const days = new Map<string, Row[]>();
  for (const row of rows) {
    const dt = new Date(row.window_start ?? 0).toISOString().slice(0, 10);
    let list = days.get(dt);
    if (!list) days.set(dt, (list = []));
    list.push(row);
  }
  return days;
}
