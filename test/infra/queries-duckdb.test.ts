import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTables } from '../../functions/adapters/duckdb-tables.js';
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { listLocalObjects } from '../../functions/adapters/local-files.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { main } from '../../functions/cli/main.js';
import { ingestObject, type ObjectReport } from '../../functions/core/ingest-object.js';
import { glueTableInputs } from '../../infra/glue-tables.js';
import { loadNamedQueries, QUERIES_DIR } from '../../schemas/queries.js';
import { stagingTableName } from '../../schemas/tables.js';
import { REPO_ROOT } from '../helpers/cli.js';

/**
 * The SQL shared with Athena runs: the bundled samples go through the project's own ingest
 * (ingestObject → ParquetTableSink → LocalDirStore), then every `schemas/queries/*.sql` runs on
 * DuckDB over the Parquet written. The Parquet column types must be the ones the Glue tables
 * declare, and file keys must sit where the Glue storage.location.template points.
 */
let dir: string;
let tables: LocalTables;
let policyDir: string;
let withPolicy: LocalTables;
let reports: ObjectReport[];
const sqlFiles = readdirSync(QUERIES_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

/** Queries with no rows over the samples, and why (test/cli/report-trend.test.ts gives them rows). */
const EMPTY_ON_SAMPLES: Record<string, string> = {
  new_cleartext_pairs: 'the samples span one day: no pair can be new against a previous week',
};

/** DuckDB's type for each Glue type, as read back from the Parquet files. */
const DUCKDB_OF_GLUE: Record<string, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ciphertrail-queries-'));
  const sink = new ParquetTableSink(new LocalDirStore(dir));
  reports = [];
  for (const object of await listLocalObjects([join(REPO_ROOT, 'samples/flow-logs')])) {
    reports.push(await ingestObject(object, { sink, windowSeconds: 300 }));
  }
  tables = await LocalTables.open(dir);
  // The same samples through the CLI with --boundaries, so findings (and the queries over them) have rows.
  policyDir = await mkdtemp(join(tmpdir(), 'ciphertrail-queries-policy-'));
  const samples = join(REPO_ROOT, 'samples');
  await main([
    'ingest',
    join(samples, 'flow-logs'),
    '--out',
    policyDir,
    '--boundaries',
    join(samples, 'boundaries.json'),
    '--quiet',
  ]);
  withPolicy = await LocalTables.open(policyDir);
});

afterAll(async () => {
  tables?.close();
  withPolicy?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (policyDir) await rm(policyDir, { recursive: true, force: true });
});

describe('queries shared by DuckDB and Athena', () => {
  it('ingests the samples into Parquet files of every table with rows', () => {
    const accepted = reports.filter((r) => r.status === 'accepted');
    expect(accepted.length).toBeGreaterThan(3);
    const rowsByTable = new Map<string, number>();
    for (const file of accepted.flatMap((r) => r.outputs)) {
      rowsByTable.set(file.table, (rowsByTable.get(file.table) ?? 0) + file.rows);
    }
    expect(rowsByTable.get('summary')).toBeGreaterThan(0);
    expect(rowsByTable.get('unencrypted')).toBeGreaterThan(0);
  });

  it('writes every file where the Glue storage.location.template points', () => {
    const templates = new Map(
      glueTableInputs({ tablesLocation: 's3://b/', projectionStartDate: '2025-11-01' }).map((t) => [
        t.name!,
        String((t.parameters as Record<string, string>)['storage.location.template']),
      ]),
    );
    const keys = reports.flatMap((r) => r.outputs);
    expect(keys.length).toBeGreaterThan(0);
    for (const file of keys) {
      const template = templates.get(stagingTableName({ name: file.table }))!.replace('s3://b/', '');
      const pattern = new RegExp(`^${template.replace('${dt}', '\\d{4}-\\d{2}-\\d{2}')}[^/]+\\.parquet$`);
      expect(file.key).toMatch(pattern);
    }
  });

  it('reads back every column with the type its Glue table declares', async () => {
    for (const input of glueTableInputs({ tablesLocation: 's3://b/', projectionStartDate: '2025-11-01' })) {
      // The local views take the plain names; the Glue staging tables the suffix.
      const described = await tables.query(`DESCRIBE ${input.name!.replace(/_staging$/, '')}`);
      const actual = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
      const columns = (input.storageDescriptor as { columns: { name: string; type: string }[] }).columns;
      for (const column of columns) {
        expect(actual.get(column.name), `${input.name}.${column.name}`).toBe(DUCKDB_OF_GLUE[column.type]);
      }
    }
  });

  it('holds the queries the terminal report prints', () =>
    expect(sqlFiles).toEqual(
      expect.arrayContaining(['coverage_by_path.sql', 'coverage_by_vpc.sql', 'top_cleartext_talkers.sql']),
    ));

  it.each(sqlFiles)('%s answers on DuckDB over the samples ingested with their boundary policy', async (file) => {
    // The samples hold cleartext, EC-blocked flows, enforced and monitor-mode VPCs: every query has rows.
    const query = loadNamedQueries().find((q) => `${q.name}.sql` === file)!;
    const rows = await withPolicy.query(query.sql);
    if (query.name in EMPTY_ON_SAMPLES) return expect(rows).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Object.keys(row)).toEqual(Object.keys(rows[0]!));
  });

  it('coverage_by_vpc accounts for every byte of summary', async () => {
    const query = loadNamedQueries().find((q) => q.name === 'coverage_by_vpc')!;
    const perVpc = await withPolicy.query(`SELECT sum(bytes) AS bytes FROM (${query.sql})`);
    const total = await withPolicy.query('SELECT sum(bytes) AS bytes FROM summary');
    expect(perVpc[0]!.bytes).toBe(total[0]!.bytes);
  });
});
