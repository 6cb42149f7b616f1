import { partitionDate, SUMMARY_TABLE, type SummaryRow } from '../../../schemas/tables.js';

/**
 * `summary` rows as newline-delimited JSON for Firehose record-format conversion: one object per
 * line with the table's column names. Timestamps are UTC `yyyy-MM-dd HH:mm:ss.SSS`, the form the
 * Hive and OpenX JSON deserializers accept by default; int64 values are written as exact digits.
 */
export function summaryJsonLines(rows: readonly SummaryRow[]): string {
  let out = '';
  for (const row of rows) {
    const fields = SUMMARY_TABLE.columns.map((column) => {
      const value = (row as Record<string, unknown>)[column.name];
      return `"${column.name}":${jsonValue(column.type, value)}`;
    });
    out += `{${fields.join(',')}}\n`;
  }
  return out;
}

function jsonValue(type: string, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (type === 'timestamp') return `"${firehoseTimestamp(value as number)}"`;
  if (type === 'string') return JSON.stringify(value);
  return String(value);
}

function firehoseTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

/** The `dt` partition of a row: UTC day of `window_start`, as in the S3 table layout. */
export function partitionDay(row: SummaryRow): string {
  return partitionDate(row.window_start ?? 0);
}

const KEY_COLUMNS = SUMMARY_TABLE.keyColumns;

/** Adds rows of the same grain together (flows, packets, bytes; first/last seen widen). */
export function mergeSummaryRows(groups: readonly (readonly SummaryRow[])[]): SummaryRow[] {
  const merged = new Map<string, SummaryRow>();
  for (const rows of groups) {
    for (const row of rows) {
      const key = JSON.stringify(KEY_COLUMNS.map((c) => (row as Record<string, unknown>)[c] ?? null));
      const seen = merged.get(key);
      if (!seen) {
        merged.set(key, { ...row });
        continue;
      }
      seen.flows = sum(seen.flows, row.flows);
      seen.packets = sum(seen.packets, row.packets);
      seen.bytes = sum(seen.bytes, row.bytes);
      seen.first_seen = minTime(seen.first_seen, row.first_seen);
      seen.last_seen = maxTime(seen.last_seen, row.last_seen);
    }
  }
  return [...merged.values()];
}

/** A measure the format lacks is null in every row; null plus null stays unknown. */
const sum = (a: bigint | null, b: bigint | null) => (a === null && b === null ? null : (a ?? 0n) + (b ?? 0n));
const minTime = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxTime = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
