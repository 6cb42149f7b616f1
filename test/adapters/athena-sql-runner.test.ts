import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaQueryError, AthenaSqlRunner } from '../../functions/adapters/athena-sql-runner.js';
import { duckDbStatement } from '../../functions/core/tables/athena-dialect.js';
import { icebergTableDdl } from '../../functions/core/tables/iceberg-sql.js';
import { SUMMARY_TABLE } from '../../schemas/tables.js';
import { AthenaEndpoint } from '../helpers/athena-endpoint.js';
import { tempDir } from '../helpers/sources.js';

/** The Athena adapter through a real @aws-sdk/client-athena client and the local Athena endpoint. */
describe('AthenaSqlRunner', () => {
  const dir = tempDir('athena');
  let athena: AthenaEndpoint;
  let sql: AthenaSqlRunner;

  beforeAll(async () => {
    athena = await AthenaEndpoint.start({
      stagingDir: dir.path,
      fail: (statement) =>
        statement.includes('boom') ? 'SYNTAX_ERROR: line 1:8: Column boom cannot be resolved' : undefined,
    });
    sql = new AthenaSqlRunner(athena.client(), { workGroup: 'wg', database: 'db', pollMs: 1 });
  });

  afterAll(async () => {
    await athena.close();
    dir.remove();
  });

  it('pages a SELECT of 2,500 rows (three pages), drops the header row, keeps NULL apart from text', async () => {
    const result = await sql.run("SELECT range AS n, CASE WHEN range = 7 THEN NULL ELSE 'x' END AS s FROM range(2500)");
    expect(result.columns).toEqual(['n', 's']);
    expect(result.rows).toHaveLength(2500);
    expect(result.rows[0]).toEqual({ n: '0', s: 'x' });
    expect(result.rows[7]).toEqual({ n: '7', s: null });
    expect(result.rows[2499]).toEqual({ n: '2499', s: 'x' });
    const id = result.queryId;
    // Polled until SUCCEEDED (the first answer is RUNNING), then three GetQueryResults pages.
    const execution = athena.executions.find((e) => e.id === id)!;
    expect(execution.polls).toBeGreaterThanOrEqual(2);
  });

  it('throws the FAILED state with its reason and the query id', async () => {
    const error = await sql.run('SELECT boom').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as AthenaQueryError).message).toMatch(/FAILED: SYNTAX_ERROR: line 1:8: Column boom/);
    expect((error as AthenaQueryError).queryId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs Iceberg DDL as its DuckDB stand-in and reports a MERGE count', async () => {
    await sql.run(icebergTableDdl(SUMMARY_TABLE, 's3://b/p/iceberg/summary/'));
    const described = await sql.run(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'summary' ORDER BY ordinal_position",
    );
    expect(described.rows.map((r) => r.column_name)).toEqual([
      ...SUMMARY_TABLE.columns.map((c) => c.name),
      'source_object',
      'row_key',
    ]);
    const merged = await sql.run(
      "MERGE INTO summary t USING (SELECT 'o' AS source_object, 0 AS row_key) u ON t.source_object = u.source_object AND t.row_key = u.row_key WHEN NOT MATCHED THEN INSERT (source_object, row_key) VALUES (u.source_object, u.row_key)",
    );
    expect(merged.updateCount).toBe(1);
  });
});

describe('athena-dialect: duckDbStatement', () => {
  it('turns Iceberg DDL into a DuckDB table with the same columns', () => {
    expect(duckDbStatement(icebergTableDdl(SUMMARY_TABLE, 's3://b/p/iceberg/summary/'))).toBe(
      'CREATE TABLE IF NOT EXISTS summary (window_start TIMESTAMPTZ, account_id VARCHAR, region VARCHAR, vpc_id VARCHAR, ' +
        'subnet_id VARCHAR, interface_id VARCHAR, flow_direction VARCHAR, traffic_path INTEGER, encryption_status INTEGER, ' +
        'encryption_status_field VARCHAR, action VARCHAR, flows BIGINT, packets BIGINT, bytes BIGINT, first_seen TIMESTAMPTZ, last_seen TIMESTAMPTZ, ' +
        'source_object VARCHAR, row_key BIGINT)',
    );
  });

  it('passes MERGE and SELECT through unchanged', () => {
    const merge = 'MERGE INTO summary t USING (SELECT 1) u ON false WHEN NOT MATCHED THEN INSERT (flows) VALUES (1)';
    expect(duckDbStatement(merge)).toBe(merge);
    expect(duckDbStatement('SELECT 1')).toBe('SELECT 1');
  });
});
