/**
 * A digest of one output table, the same whichever tool wrote it: rows, the measure totals and an
 * order-free hash of every row's values (timestamps as epoch milliseconds, integers as decimals,
 * null spelled out), computed by DuckDB over the tool's Parquet files. Two tools with equal
 * digests wrote the same rows, whatever their column types, file layout or row order.
 */

import { SUMMARY_TABLE, type TableSpec, UNENCRYPTED_TABLE } from '../../schemas/tables.js';
import { Oracle } from '../helpers/duckdb.js';

export interface TableDigest {
  readonly rows: number;
  readonly flows: string;
  readonly packets: string;
  readonly bytes: string;
  readonly hash: string;
}

/**
 * `encryption_status_field` is left out: it is a constant of the log format (every bench corpus
 * carries encryption-status), which the peers' SQL has no input to compute; the aggregator and
 * e2e tests check it.
 */
const canonical = (spec: TableSpec) =>
  spec.columns
    .filter(({ name }) => name !== 'encryption_status_field')
    .map(({ name, type }) => {
      const value = type === 'timestamp' ? `epoch_ms("${name}")::VARCHAR` : `"${name}"::VARCHAR`;
      return `coalesce(${value}, '∅')`;
    })
    .join(`, '|', `);

/** Digests of `summary` and `unencrypted` from Parquet files matched by the two globs. */
export async function digestTables(
  summaryGlob: string,
  unencryptedGlob: string,
): Promise<Record<'summary' | 'unencrypted', TableDigest>> {
  const oracle = await Oracle.open();
  try {
    const digest = async (spec: TableSpec, glob: string): Promise<TableDigest> => {
      const [row] = await oracle.query(`SELECT count(*)::BIGINT AS rows, sum(flows)::VARCHAR AS flows,
        sum(packets)::VARCHAR AS packets, sum(bytes)::VARCHAR AS bytes, sum(hash(concat(${canonical(spec)})))::VARCHAR AS hash
        FROM read_parquet('${glob.replace(/'/g, "''")}', union_by_name = true)`);
      return {
        rows: Number(row!.rows),
        flows: String(row!.flows),
        packets: String(row!.packets),
        bytes: String(row!.bytes),
        hash: String(row!.hash),
      };
    };
    return {
      summary: await digest(SUMMARY_TABLE, summaryGlob),
      unencrypted: await digest(UNENCRYPTED_TABLE, unencryptedGlob),
    };
  } finally {
    oracle.close();
  }
}
