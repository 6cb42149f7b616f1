import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTables } from '../../functions/adapters/duckdb-tables.js';

/**
 * LocalTables loads every Parquet file of a table, in batches of 500 files, by column name: more
 * files than one batch, in several `dt` folders, one of them written before `server_side` existed
 * (an older ciphertrail), must all be counted, with NULL where a file lacks a column.
 */
const FILES = 1_203;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ciphertrail-localtables-'));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  for (let i = 0; i < FILES; i++) {
    const day = `2025-11-${String(20 + (i % 3)).padStart(2, '0')}`;
    const folder = join(dir, 'unencrypted', `dt=${day}`);
    mkdirSync(folder, { recursive: true });
    const serverSide = i === 7 ? '' : `, 'dst' AS server_side`;
    await c.run(
      `COPY (SELECT 'vpc-${i % 5}' AS vpc_id, 6 AS protocol, 443 AS port${serverSide}, ` +
        `CAST(${i + 1} AS BIGINT) AS bytes, CAST(1 AS BIGINT) AS flows) TO '${join(folder, `f${i}.parquet`)}' (FORMAT parquet)`,
    );
  }
  c.closeSync();
  db.closeSync();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalTables', () => {
  it('loads every file of every batch and day, by column name', async () => {
    const tables = await LocalTables.open(dir);
    try {
      const [row] = await tables.query(
        'SELECT count(*) AS files, sum(bytes) AS bytes, count(DISTINCT dt) AS days, ' +
          'count(*) FILTER (WHERE server_side IS NULL) AS without_server_side FROM unencrypted',
      );
      expect(row).toEqual({
        files: String(FILES),
        bytes: String((FILES * (FILES + 1)) / 2),
        days: '3',
        without_server_side: '1',
      });
      const [summary] = await tables.query('SELECT count(*) AS n FROM summary');
      expect(summary?.n).toBe('0');
    } finally {
      tables.close();
    }
  });
});
