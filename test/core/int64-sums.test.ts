/**
 * `splitWideSums`: groups whose sums pass INT64 become several rows with the same key whose
 * sums add up exactly, every value within INT64; everything else is left alone.
 */
import { describe, expect, it } from 'vitest';
import { cellOf, columnsOfRows, type GroupColumns, rowsOf } from '../../functions/core/group-columns.js';
import { INT64_MAX, splitWideSums } from '../../functions/core/int64-sums.js';

const COLUMNS = [
  { name: 'window_start', type: 'timestamp' },
  { name: 'vpc_id', type: 'string' },
  { name: 'port', type: 'int32' },
  { name: 'flows', type: 'int64' },
  { name: 'packets', type: 'int64' },
  { name: 'bytes', type: 'int64' },
  { name: 'last_seen', type: 'timestamp' },
] as const;
const SUMS = ['flows', 'packets', 'bytes'];
const MAX = INT64_MAX;
const T = 1_700_000_000_000;

type Row = Record<string, unknown>;
const row = (vpc: string, flows: number, packets: bigint | null, bytes: bigint | null): Row => ({
  window_start: T,
  vpc_id: vpc,
  port: 443,
  flows: BigInt(flows),
  packets,
  bytes,
  last_seen: T + 5,
});
const all = (group: GroupColumns) => Int32Array.from({ length: group.length }, (_, r) => r);

/** Sums of the rows per key (vpc_id), as SUM() in a query gives them. */
function sums(rows: readonly Row[]): Record<string, Record<string, bigint | null>> {
  const out: Record<string, Record<string, bigint | null>> = {};
  for (const r of rows) {
    const into = (out[r.vpc_id as string] ??= { flows: null, packets: null, bytes: null });
    for (const name of SUMS) {
      const v = r[name] as bigint | null;
      if (v !== null) into[name] = (into[name] ?? 0n) + v;
    }
  }
  return out;
}

describe('splitWideSums', () => {
  it('leaves groups that fit alone (null: nothing copied), INT64_MAX itself included', () => {
    const group = columnsOfRows(COLUMNS, [row('a', 1, 5n, MAX), row('b', 2, null, 2n ** 60n)]);
    expect(splitWideSums(group, all(group), SUMS)).toBeNull();
  });

  it.each([
    [
      '2 × (2^63 − 1) bytes: two rows of 2^63 − 1',
      [row('a', 2, 10n, 2n * MAX)],
      [
        [2n, 10n, MAX],
        [0n, 0n, MAX],
      ],
    ],
    [
      '2^63 bytes: 2^63 − 1 and 1',
      [row('a', 3, 4n, MAX + 1n)],
      [
        [3n, 4n, MAX],
        [0n, 0n, 1n],
      ],
    ],
    [
      'a sum near 2^64 + more: three rows',
      [row('a', 3, 1n, 2n * MAX + 5n)],
      [
        [3n, 1n, MAX],
        [0n, 0n, MAX],
        [0n, 0n, 5n],
      ],
    ],
    [
      'both packets and bytes wide, packets the wider: rows for the wider',
      [row('a', 4, 3n * MAX, MAX + 7n)],
      [
        [4n, MAX, MAX],
        [0n, MAX, 7n],
        [0n, MAX, 0n],
      ],
    ],
    [
      'null packets stay null on every row',
      [row('a', 2, null, MAX + 2n)],
      [
        [2n, null, MAX],
        [0n, null, 2n],
      ],
    ],
  ])('%s', (_name, rows, expected) => {
    const group = columnsOfRows(COLUMNS, rows);
    const split = splitWideSums(group, all(group), SUMS)!;
    const out = rowsOf<Row>(split.group);
    expect([...split.rows]).toEqual(expected.map((_, r) => r));
    expect(out.map((r) => [r.flows, r.packets, r.bytes])).toEqual(expected);
    // Every row keeps the group's key and times; the sums add up exactly.
    for (const r of out) expect([r.window_start, r.vpc_id, r.port, r.last_seen]).toEqual([T, 'a', 443, T + 5]);
    expect(sums(out)).toEqual(sums(rows));
  });

  it("keeps the order of the selection, a wide group's rows together, and reads only the selected rows", () => {
    const rows = [
      row('a', 1, 1n, 1n),
      row('wide', 2, 2n, MAX + 10n),
      row('b', 3, 3n, 3n),
      row('unselected', 1, 1n, 5n * MAX),
    ];
    const group = columnsOfRows(COLUMNS, rows);
    const split = splitWideSums(group, Int32Array.of(2, 1, 0), SUMS)!;
    const out = rowsOf<Row>(split.group);
    expect(out.map((r) => r.vpc_id)).toEqual(['b', 'wide', 'wide', 'a']);
    expect(sums(out)).toEqual(sums(rows.slice(0, 3)));
    // Only an unselected row is wide: nothing to split.
    expect(splitWideSums(group, Int32Array.of(0, 2), SUMS)).toBeNull();
  });

  it('never writes a value outside INT64 and never a negative one', () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      row(`g${i % 7}`, i, BigInt(i) * (MAX / 3n), BigInt(i) ** 3n * (MAX / 1000n)),
    );
    const group = columnsOfRows(COLUMNS, rows);
    const split = splitWideSums(group, all(group), SUMS)!;
    for (const name of SUMS) {
      const column = split.group.columns[name]!;
      for (let r = 0; r < split.group.length; r++) {
        const v = cellOf(column, r) as bigint;
        expect(v >= 0n && v <= MAX, `${name} row ${r}: ${v}`).toBe(true);
      }
    }
    expect(sums(rowsOf(split.group))).toEqual(sums(rows));
  });

  it('does not split int64 columns that are not sums', () => {
    const group = columnsOfRows(COLUMNS, [row('a', 1, 1n, MAX + 1n)]);
    expect(splitWideSums(group, all(group), ['flows', 'packets'])).toBeNull();
  });
});
