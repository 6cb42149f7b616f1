import { describe, expect, it } from 'vitest';
import { duckDbStatement } from '../../functions/core/tables/athena-dialect.js';
import {
  icebergTableDdl,
  mergeStatements,
  optimizeStatement,
  vacuumStatement,
} from '../../functions/core/tables/iceberg-sql.js';
import { type LedgerEntry, planCommit } from '../../functions/core/tables/staged-ledger.js';
import { OUTPUT_TABLES, SUMMARY_TABLE, type TableSpec } from '../../schemas/tables.js';

/** A two-column table: the generated text is short enough to state exactly. */
const PROBE = {
  name: 'probe',
  description: 'probe table',
  columns: [
    { name: 'window_start', type: 'timestamp', description: 'start' },
    { name: 'flows', type: 'int64', description: "the flows' count" },
  ],
  keyColumns: ['window_start'],
  partitionKeys: [],
} as const satisfies TableSpec;

describe('Iceberg DDL from schemas/tables.ts', () => {
  it('is exact: columns, commit columns, day partitioning, location and properties', () => {
    expect(icebergTableDdl(PROBE, 's3://bucket/tables/iceberg/probe/')).toBe(
      [
        'CREATE TABLE IF NOT EXISTS probe (',
        "  window_start timestamp COMMENT 'start',",
        "  flows bigint COMMENT 'the flows'' count',",
        "  source_object string COMMENT 'Identity of the flow-log object the row came from (bucket/key/version, or the real path)',",
        "  row_key bigint COMMENT 'The row''s number among its source object''s rows of this table, from 0'",
        ')',
        'PARTITIONED BY (day(window_start))',
        "LOCATION 's3://bucket/tables/iceberg/probe/'",
        'TBLPROPERTIES (',
        "  'table_type' = 'ICEBERG',",
        "  'format' = 'PARQUET',",
        "  'write_compression' = 'ZSTD',",
        "  'vacuum_max_snapshot_age_seconds' = '259200',",
        "  'vacuum_min_snapshots_to_keep' = '1',",
        "  'optimize_rewrite_delete_file_threshold' = '1'",
        ')',
      ].join('\n'),
    );
  });

  it('has every column of each output table, in order, with its Iceberg type', () => {
    for (const spec of OUTPUT_TABLES) {
      const ddl = icebergTableDdl(spec, `s3://b/p/iceberg/${spec.name}/`);
      const names = [...ddl.matchAll(/^ {2}(\w+) (string|int|bigint|timestamp) COMMENT/gm)].map((m) => m[1]);
      expect(names).toEqual([...spec.columns.map((c) => c.name), 'source_object', 'row_key']);
    }
  });

  it('refuses a location that is a bucket root or not a folder', () => {
    expect(() => icebergTableDdl(PROBE, 's3://bucket/')).toThrow(/S3 folder/);
    expect(() => icebergTableDdl(PROBE, 's3://bucket/probe')).toThrow(/S3 folder/);
  });
});

describe('housekeeping statements', () => {
  it('OPTIMIZE bin-packs the days from a given day; VACUUM names the table', () => {
    expect(optimizeStatement(SUMMARY_TABLE, '2026-12-01')).toBe(
      "OPTIMIZE summary REWRITE DATA USING BIN_PACK WHERE window_start >= TIMESTAMP '2026-12-01 00:00:00'",
    );
    expect(vacuumStatement(SUMMARY_TABLE)).toBe('VACUUM summary');
    expect(() => optimizeStatement(SUMMARY_TABLE, "2026-12-01' OR 1=1 --")).toThrow(/not a day/);
  });

  it('have no DuckDB counterpart (the dialect says so rather than failing)', () => {
    expect(duckDbStatement(optimizeStatement(SUMMARY_TABLE, '2026-12-01'))).toBeNull();
    expect(duckDbStatement(vacuumStatement(SUMMARY_TABLE))).toBeNull();
  });
});

describe('the MERGE of a commit', () => {
  const commit = {
    table: 'probe',
    objects: [
      {
        identity: "b/k/v'1",
        files: ['probe/dt=2026-12-01/k-aaa-0.parquet'],
        days: ['2026-11-30', '2026-12-01'],
      },
    ],
  };

  it('is exact: staged rows by file, gone rows of the object, day-bounded match, three clauses', () => {
    expect(mergeStatements(PROBE, commit, { stagingLocation: 's3://bucket/tables/' })).toEqual([
      [
        'MERGE INTO probe t',
        'USING (',
        '  WITH staged AS (',
        '    SELECT window_start, flows, source_object, row_key',
        '    FROM probe_staging',
        "    WHERE dt IN ('2026-12-01') AND \"$path\" IN ('s3://bucket/tables/probe/dt=2026-12-01/k-aaa-0.parquet')",
        '  )',
        '  SELECT window_start, flows, source_object, row_key, false AS commit_gone FROM staged',
        '  UNION ALL',
        '  SELECT c.window_start, c.flows, c.source_object, c.row_key, true AS commit_gone',
        '  FROM probe c',
        "  WHERE c.source_object IN ('b/k/v''1')",
        "    AND (c.window_start >= TIMESTAMP '2026-11-30 00:00:00' AND c.window_start < TIMESTAMP '2026-12-01 00:00:00' OR c.window_start >= TIMESTAMP '2026-12-01 00:00:00' AND c.window_start < TIMESTAMP '2026-12-02 00:00:00')",
        '    AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.source_object = c.source_object AND s.row_key = c.row_key)',
        ') u',
        "ON t.source_object = u.source_object AND t.row_key = u.row_key AND (t.window_start >= TIMESTAMP '2026-11-30 00:00:00' AND t.window_start < TIMESTAMP '2026-12-01 00:00:00' OR t.window_start >= TIMESTAMP '2026-12-01 00:00:00' AND t.window_start < TIMESTAMP '2026-12-02 00:00:00')",
        'WHEN MATCHED AND u.commit_gone THEN DELETE',
        'WHEN MATCHED AND (t.window_start IS DISTINCT FROM u.window_start OR t.flows IS DISTINCT FROM u.flows)',
        '  THEN UPDATE SET window_start = u.window_start, flows = u.flows',
        'WHEN NOT MATCHED AND NOT u.commit_gone',
        '  THEN INSERT (window_start, flows, source_object, row_key)',
        '  VALUES (u.window_start, u.flows, u.source_object, u.row_key)',
      ].join('\n'),
    ]);
  });

  it('reads no staged file for a retracted object and still removes its committed rows', () => {
    const [sql] = mergeStatements(
      PROBE,
      { table: 'probe', objects: [{ identity: 'b/k/v1', files: [], days: ['2026-12-01'] }] },
      { stagingLocation: 's3://bucket/tables/' },
    );
    expect(sql).toContain('WHERE dt IN (NULL) AND "$path" IN (NULL)');
    expect(sql).toContain("WHERE c.source_object IN ('b/k/v1')");
  });

  it('splits a large commit into statements under the limit, never splitting an object', () => {
    const objects = Array.from({ length: 50 }, (_, i) => ({
      identity: `bucket/key-${i}/version`,
      files: [`probe/dt=2026-12-01/key-${i}-0.parquet`, `probe/dt=2026-12-02/key-${i}-0.parquet`],
      days: ['2026-12-01', '2026-12-02'],
    }));
    const statements = mergeStatements(
      PROBE,
      { table: 'probe', objects },
      { stagingLocation: 's3://bucket/tables/', maxStatementBytes: 4000 },
    );
    expect(statements.length).toBeGreaterThan(2);
    for (const sql of statements) expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(4000);
    const named = statements.flatMap((sql) => [...sql.matchAll(/key-(\d+)-0\.parquet/g)].map((m) => m[1]));
    // Each object's two files, each exactly once, in order.
    expect(named).toEqual(objects.flatMap((_, i) => [String(i), String(i)]));
    expect(() =>
      mergeStatements(PROBE, { table: 'probe', objects }, { stagingLocation: 's3://b/', maxStatementBytes: 500 }),
    ).toThrow(/one object's MERGE passes 500 bytes/);
  });
});

describe('planCommit', () => {
  const entry = (identity: string, at: string, files: Record<string, string[]>, touched = files): LedgerEntry => ({
    identity,
    at,
    files,
    touched,
  });

  it('commits an object staged three times once, as its latest entry says, over all days it touched', () => {
    const plan = planCommit(
      [
        { key: '_staged/1', entry: entry('o1', '1', { summary: ['summary/dt=2026-12-01/a-0.parquet'] }) },
        { key: '_staged/2', entry: entry('o2', '2', { summary: ['summary/dt=2026-12-01/b-0.parquet'] }) },
        {
          key: '_staged/3',
          entry: entry(
            'o1',
            '3',
            { summary: ['summary/dt=2026-12-02/a-0.parquet'] },
            { summary: ['summary/dt=2026-12-01/a-0.parquet', 'summary/dt=2026-12-02/a-0.parquet'] },
          ),
        },
        { key: '_staged/4', entry: entry('o3', '4', {}, { unencrypted: ['unencrypted/dt=2026-11-29/c-0.parquet'] }) },
      ],
      ['summary', 'unencrypted', 'findings'],
    );
    expect(plan).toEqual({
      tables: [
        {
          table: 'summary',
          objects: [
            { identity: 'o1', files: ['summary/dt=2026-12-02/a-0.parquet'], days: ['2026-12-01', '2026-12-02'] },
            { identity: 'o2', files: ['summary/dt=2026-12-01/b-0.parquet'], days: ['2026-12-01'] },
          ],
        },
        { table: 'unencrypted', objects: [{ identity: 'o3', files: [], days: ['2026-11-29'] }] },
      ],
      watermark: '_staged/4',
      entries: 4,
      objects: 3,
    });
  });

  it('plans nothing and keeps the watermark from nothing', () => {
    expect(planCommit([], ['summary'])).toEqual({ tables: [], watermark: null, entries: 0, objects: 0 });
  });
});
