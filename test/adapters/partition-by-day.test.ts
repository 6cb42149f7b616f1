/**
 * partitionByDay against the rule it implements, written the slow way: the kept rows grouped by
 * the UTC day of window_start, each day's rows ordered by window_start, ties in row order, days
 * in time order. Windows arrive interleaved and out of order, as a flush of the kernel gives them.
 */
import { describe, expect, it } from 'vitest';
import { partitionByDay } from '../../functions/adapters/parquet-encoder.js';
import type { GroupColumns } from '../../functions/core/group-columns.js';

const DAY = 86_400_000;
const MIN5 = 300_000;

/** Keeps rows with a 1 in `flags`. */
const keeping = (flags: readonly number[]) => ({ values: Int32Array.from(flags), equals: 1 });

function groupsAt(starts: readonly number[]): GroupColumns {
  return { length: starts.length, columns: { window_start: { type: 'timestamp', values: Float64Array.from(starts) } } };
}

function reference(starts: readonly number[], keep: (row: number) => boolean) {
  const rows = starts.map((_, r) => r).filter(keep);
  rows.sort((a, b) => starts[a]! - starts[b]! || a - b);
  const days = new Map<string, number[]>();
  for (const r of rows) {
    const dt = new Date(Math.floor(starts[r]! / DAY) * DAY).toISOString().slice(0, 10);
    days.set(dt, [...(days.get(dt) ?? []), r]);
  }
  return [...days].map(([dt, rows]) => ({ dt, rows }));
}

let seed = 7;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

describe('partitionByDay', () => {
  it('splits runs of windows across midnight into days, rows ordered by window, ties in row order', () => {
    const midnight = Date.UTC(2025, 10, 22);
    // Windows on both sides of midnight and two days later, in runs, out of order.
    const windows = [midnight - MIN5, midnight, midnight + MIN5, midnight - 2 * MIN5, midnight + 2 * DAY];
    for (let round = 0; round < 20; round++) {
      const starts: number[] = [];
      for (let run = 0; run < 30; run++) {
        const w = windows[Math.floor(random() * windows.length)]!;
        for (let k = Math.floor(random() * 5); k >= 0; k--) starts.push(w);
      }
      const keep = (r: number) => r % 3 !== 1;
      const all = partitionByDay(groupsAt(starts)).map(({ dt, rows }) => ({ dt, rows: [...rows] }));
      expect(all).toEqual(reference(starts, () => true));
      const kept = partitionByDay(groupsAt(starts), keeping(starts.map((_, r) => (keep(r) ? 1 : 0))));
      expect(kept.map(({ dt, rows }) => ({ dt, rows: [...rows] }))).toEqual(reference(starts, keep));
    }
  });

  it('takes any number of windows (a batch of many objects spans days of them)', () => {
    const start = Date.UTC(2025, 10, 21, 22);
    // 60 windows 100 minutes apart (six days), each twice, newest first.
    const starts = Array.from({ length: 120 }, (_, r) => start + (59 - (r % 60)) * 20 * MIN5);
    const got = partitionByDay(groupsAt(starts)).map(({ dt, rows }) => ({ dt, rows: [...rows] }));
    expect(got).toEqual(reference(starts, () => true));
    expect(got.map((d) => d.dt)).toEqual([
      '2025-11-21',
      '2025-11-22',
      '2025-11-23',
      '2025-11-24',
      '2025-11-25',
      '2025-11-26',
    ]);
  });

  it('gives no day when no row is kept, and names a row without a window', () => {
    expect(partitionByDay(groupsAt([0, MIN5]), keeping([0, 0]))).toEqual([]);
    expect(() => partitionByDay(groupsAt([0, Number.NaN]))).toThrow('row 1 has no window_start');
    // A row that is not kept may lack one.
    expect(partitionByDay(groupsAt([0, Number.NaN]), keeping([1, 0])).map((d) => [...d.rows])).toEqual([[0]]);
  });
});
