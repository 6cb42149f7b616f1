/**
 * `columnsOfRows`, the one conversion from rows (the findings table, hand-made batches) to the
 * columns the Parquet encoder takes: the inverse of `rowsOf`, nulls in every column type, and
 * values a column cannot hold exactly refused with the column and row named.
 */
import { describe, expect, it } from 'vitest';
import { cellOf, columnsOfRows, rowsOf } from '../../functions/core/group-columns.js';

const COLUMNS = [
  { name: 'window_start', type: 'timestamp' },
  { name: 'vpc_id', type: 'string' },
  { name: 'port', type: 'int32' },
  { name: 'bytes', type: 'int64' },
  { name: 'packets', type: 'int64' },
] as const;

describe('columnsOfRows', () => {
  it('is the inverse of rowsOf, nulls and int64 beyond 2^53 included', () => {
    const rows = [
      { window_start: 1_700_000_000_000, vpc_id: 'vpc-a', port: 443, bytes: 12n, packets: null },
      { window_start: null, vpc_id: null, port: null, bytes: 2n ** 63n - 1n, packets: null },
      { window_start: 1_700_000_060_000, vpc_id: '東京', port: 0, bytes: null, packets: null },
      { window_start: 1_700_000_060_000, vpc_id: 'vpc-a', port: 65535, bytes: 2n ** 53n + 1n, packets: null },
    ];
    const group = columnsOfRows(COLUMNS, rows);
    expect(group.length).toBe(4);
    expect(rowsOf(group)).toEqual(rows);
    // A column null in every row is the aggregator's "not in the format" column.
    expect(group.columns.packets).toMatchObject({ type: 'int64', values: null });
    // Strings are numbered in order of first appearance, id 0 is null.
    expect(group.columns.vpc_id).toMatchObject({ ids: Int32Array.of(1, 0, 2, 1) });
  });

  it('reads numbers as int64 too, and undefined as null', () => {
    const group = columnsOfRows(COLUMNS, [{ bytes: 7 }, { bytes: 2 ** 60 }]);
    expect([cellOf(group.columns.bytes!, 0), cellOf(group.columns.bytes!, 1)]).toEqual([7n, 2n ** 60n]);
    expect(rowsOf(group)[0]).toEqual({ window_start: null, vpc_id: null, port: null, bytes: 7n, packets: null });
  });

  it.each([
    ['port', -1, 'column port, row 1: -1 is not an int32 ≥ 0'],
    ['port', 2 ** 31, 'column port, row 1: 2147483648 is not an int32 ≥ 0'],
    ['port', '443', 'column port, row 1: 443 is not an int32 ≥ 0'],
    ['bytes', 1.5, 'column bytes, row 1: 1.5 is not an integer'],
    ['bytes', '12', 'column bytes, row 1: 12 is not an integer'],
    ['window_start', 5n, 'column window_start, row 1: 5 is not epoch milliseconds'],
    ['window_start', Number.NaN, 'column window_start, row 1: NaN is not epoch milliseconds'],
  ])('refuses %s = %s loudly', (column, value, message) => {
    expect(() => columnsOfRows(COLUMNS, [{}, { [column]: value }])).toThrow(message);
  });
});
