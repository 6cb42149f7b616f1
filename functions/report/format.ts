/** Numbers, bytes and times for people: every report rendering and the CLI's run summaries. */
import { formatCount } from '../core/format-count.js';

export { formatCount };

/** Bytes for people; a null measure (the format has no `bytes` field) prints as `-`. */
export function formatBytes(value: number | string | bigint | boolean | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const n = Number(value);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** "1 object", "3 objects", "2 entries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "2025-11-21 10:00 UTC" of DuckDB's "2025-11-21 10:00:00+00" or an ISO text. */
export function utcMinute(value: string): string {
  const ms = Date.parse(value.includes('T') ? value : value.replace(' ', 'T').replace(/\+00$/, 'Z'));
  return Number.isNaN(ms) ? value : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
