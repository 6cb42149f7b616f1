/**
 * The Athena statements of the committed (Iceberg) tables, generated from `schemas/tables.ts`:
 * the table DDL (run at deploy time by the table custom resource), the MERGE that commits staged
 * rows exactly once, and the housekeeping (OPTIMIZE, VACUUM). Pure text: the committer runs it
 * through an `SqlRunner`, the tests check it as exact SQL and run the portable part on DuckDB
 * (differences in functions/core/tables/athena-dialect.ts). docs/tables.md explains the design.
 */
import { type ColumnType, stagedColumns, stagingTableName, type TableSpec } from '../../../schemas/tables.js';
import { dayOfKey, type ObjectCommit, type TableCommit } from './staged-ledger.js';

/** Iceberg column types as Athena's CREATE TABLE spells them. */
const ICEBERG_TYPES: Record<ColumnType, string> = {
  string: 'string',
  int32: 'int',
  int64: 'bigint',
  timestamp: 'timestamp',
};

/**
 * Table properties of every committed table, each with its reason:
 * - ZSTD: Athena's default codec for Iceberg writes, smaller than the staging files' GZIP level 1.
 * - vacuum_max_snapshot_age_seconds 3 days: VACUUM keeps three days of time travel (enough to
 *   look at a table before a bad commit) and then removes what a commit or OPTIMIZE replaced.
 * - vacuum_min_snapshots_to_keep 1: the current snapshot is always kept.
 * - optimize_rewrite_delete_file_threshold 1: a re-committed object (MERGE UPDATE/DELETE) leaves
 *   a delete file; OPTIMIZE folds even one into the data files, so readers never apply them.
 * https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-creating-tables.html
 * https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html
 * https://docs.aws.amazon.com/athena/latest/ug/optimize-statement.html
 */
const ICEBERG_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  table_type: 'ICEBERG',
  format: 'PARQUET',
  write_compression: 'ZSTD',
  vacuum_max_snapshot_age_seconds: String(3 * 86_400),
  vacuum_min_snapshots_to_keep: '1',
  optimize_rewrite_delete_file_threshold: '1',
};

/**
 * Athena's CREATE TABLE of one committed table: the table's columns and the commit columns,
 * partitioned by the day of `window_start` (Iceberg's hidden partitioning: queries filter on
 * `window_start` and prune by day; the staging tables' `dt` column is not needed).
 * `location` is the table's own folder (`s3://bucket/prefix/iceberg/summary/`).
 */
export function icebergTableDdl(spec: TableSpec, location: string): string {
  if (!/^s3:\/\/[^/]+\/.+\/$/.test(location))
    throw new Error(`Iceberg location must be an S3 folder ending in "/": ${location}`);
  const columns = stagedColumns(spec).map(
    (c) => `  ${c.name} ${ICEBERG_TYPES[c.type]} COMMENT ${literal(c.description)}`,
  );
  const properties = Object.entries(ICEBERG_TABLE_PROPERTIES).map(([k, v]) => `  ${literal(k)} = ${literal(v)}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${spec.name} (`,
    columns.join(',\n'),
    ')',
    'PARTITIONED BY (day(window_start))',
    `LOCATION ${literal(location)}`,
    'TBLPROPERTIES (',
    properties.join(',\n'),
    ')',
  ].join('\n');
}

/**
 * Athena's limit on a query string is 262,144 bytes; statements stay well below it so that long
 * identities and paths never make one fail.
 * https://docs.aws.amazon.com/athena/latest/ug/service-limits.html
 */
const MAX_STATEMENT_BYTES = 200_000;

export interface MergeOptions {
  /** Where the staged keys live, as the staging table's `"$path"` spells them (`s3://bucket/prefix/`). */
  readonly stagingLocation: string;
  readonly maxStatementBytes?: number;
}

/**
 * The MERGE statements that make the committed rows of the commit's objects equal to their
 * staged rows, each atomic (one Iceberg snapshot) and idempotent, split so that none passes the
 * statement limit (objects are never split across statements). For each object:
 * - a staged row whose `(source_object, row_key)` is not committed is inserted;
 * - a committed row whose staged twin differs (the object was re-ingested with another policy or
 *   window) is updated; an equal one is left alone, so a repeated commit writes nothing;
 * - a committed row the object no longer stages (a re-run with fewer rows, a retracted object)
 *   is deleted. Only the days the object had or has are searched, so the MERGE reads only those
 *   days of the committed table (Iceberg prunes by `day(window_start)`).
 * Staged rows are read by file (`"$path"`), the files the ledger names: an earlier run's file
 * that a re-run is about to delete is never read.
 */
export function mergeStatements(spec: TableSpec, commit: TableCommit, options: MergeOptions): string[] {
  const limit = options.maxStatementBytes ?? MAX_STATEMENT_BYTES;
  const location = options.stagingLocation;
  // An upper bound of the bytes an object adds (its literals, and its days' ranges written twice),
  // so a chunk is built once, not once per object.
  const base = Buffer.byteLength(mergeStatement(spec, [], location));
  const dayBytes = 2 * Buffer.byteLength(` OR ${dayRange('t', '2000-01-01')}`) + Buffer.byteLength(", '2000-01-01'");
  const statements: string[] = [];
  let chunk: ObjectCommit[] = [];
  let days = new Set<string>();
  let bytes = base;
  const flush = () => {
    if (chunk.length === 0) return;
    const sql = mergeStatement(spec, chunk, location);
    if (Buffer.byteLength(sql) > limit)
      throw new Error(`one object's MERGE passes ${limit} bytes: ${chunk[0]!.identity}`);
    statements.push(sql);
  };
  for (const object of commit.objects) {
    const newDays = object.days.filter((d) => !days.has(d)).length;
    const cost =
      Buffer.byteLength(literal(object.identity)) +
      2 +
      object.files.reduce((n, f) => n + Buffer.byteLength(literal(location + f)) + 2, 0) +
      newDays * dayBytes;
    if (bytes + cost > limit && chunk.length > 0) {
      flush();
      chunk = [];
      days = new Set();
      bytes = base + cost + (object.days.length - newDays) * dayBytes;
    } else {
      bytes += cost;
    }
    chunk.push(object);
    for (const d of object.days) days.add(d);
  }
  flush();
  return statements;
}

function mergeStatement(spec: TableSpec, objects: readonly ObjectCommit[], stagingLocation: string): string {
  const part = {
    objects: objects.map((o) => o.identity),
    files: objects.flatMap((o) => o.files),
    days: [...new Set(objects.flatMap((o) => o.days))].sort(),
  };
  const columns = stagedColumns(spec).map((c) => c.name);
  const keys = new Set(['source_object', 'row_key']);
  const values = columns.filter((c) => !keys.has(c));
  const staging = stagingTableName(spec);
  const paths = part.files.length > 0 ? part.files.map((f) => literal(stagingLocation + f)).join(', ') : 'NULL';
  const fileDays = [...new Set(part.files.map(dayOfKey).filter((d): d is string => d !== undefined))].sort();
  const dts = fileDays.length > 0 ? fileDays.map(literal).join(', ') : 'NULL';
  const inDays = (alias: string) => `(${part.days.map((d) => dayRange(alias, d)).join(' OR ')})`;
  return [
    `MERGE INTO ${spec.name} t`,
    'USING (',
    '  WITH staged AS (',
    `    SELECT ${columns.join(', ')}`,
    `    FROM ${staging}`,
    `    WHERE dt IN (${dts}) AND "$path" IN (${paths})`,
    '  )',
    `  SELECT ${columns.join(', ')}, false AS commit_gone FROM staged`,
    '  UNION ALL',
    `  SELECT ${columns.map((c) => `c.${c}`).join(', ')}, true AS commit_gone`,
    `  FROM ${spec.name} c`,
    `  WHERE c.source_object IN (${part.objects.map(literal).join(', ')})`,
    `    AND ${inDays('c')}`,
    '    AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.source_object = c.source_object AND s.row_key = c.row_key)',
    ') u',
    `ON t.source_object = u.source_object AND t.row_key = u.row_key AND ${inDays('t')}`,
    'WHEN MATCHED AND u.commit_gone THEN DELETE',
    `WHEN MATCHED AND (${values.map((c) => `t.${c} IS DISTINCT FROM u.${c}`).join(' OR ')})`,
    `  THEN UPDATE SET ${values.map((c) => `${c} = u.${c}`).join(', ')}`,
    'WHEN NOT MATCHED AND NOT u.commit_gone',
    `  THEN INSERT (${columns.join(', ')})`,
    `  VALUES (${columns.map((c) => `u.${c}`).join(', ')})`,
  ].join('\n');
}

/**
 * Compaction of the recent days of a committed table: every commit adds small files to today's
 * partition; BIN_PACK rewrites them (and folds delete files) into files near Iceberg's target size.
 */
export function optimizeStatement(spec: TableSpec, fromDay: string): string {
  return `OPTIMIZE ${spec.name} REWRITE DATA USING BIN_PACK WHERE window_start >= TIMESTAMP '${day(fromDay)} 00:00:00'`;
}

/** Snapshot expiry and orphan-file removal, bounded by the table properties above. */
export function vacuumStatement(spec: TableSpec): string {
  return `VACUUM ${spec.name}`;
}

function dayRange(alias: string, dt: string): string {
  const next = new Date(Date.parse(`${day(dt)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return `${alias}.window_start >= TIMESTAMP '${dt} 00:00:00' AND ${alias}.window_start < TIMESTAMP '${next} 00:00:00'`;
}

function day(dt: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dt)) throw new Error(`not a day (yyyy-MM-dd): ${dt}`);
  return dt;
}

/** A SQL string literal (both engines double a quote inside one). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
