import type { ColumnType } from '../../../schemas/tables.js';
import { type ColumnValues, type IntColumn, setBigHalves, setHalves, type StringColumn } from './column-values.js';

const utf8 = new TextEncoder();

/** One column of row objects (`values[i]` is row i's cell: string, number, bigint, null or undefined). */
export function columnFromRows(type: ColumnType, values: readonly unknown[]): ColumnValues {
  return type === 'string' ? stringColumn(values) : intColumn(type, values);
}

function stringColumn(values: readonly unknown[]): StringColumn {
  const n = values.length;
  const indices = new Int32Array(n);
  let nullCount = 0;
  const index = new Map<string, number>();
  const encoded: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      indices[i] = -1;
      nullCount++;
      continue;
    }
    const text = String(value);
    let k = index.get(text);
    if (k === undefined) {
      k = encoded.length;
      index.set(text, k);
      const bytes = utf8.encode(text);
      encoded.push(bytes);
      size += bytes.length;
    }
    indices[i] = k;
  }
  const data = new Uint8Array(size);
  const starts = new Int32Array(encoded.length);
  const ends = new Int32Array(encoded.length);
  let at = 0;
  encoded.forEach((bytes, k) => {
    data.set(bytes, at);
    starts[k] = at;
    at += bytes.length;
    ends[k] = at;
  });
  return { kind: 'string', indices, nullCount, dictionary: { count: encoded.length, data, starts, ends } };
}

function intColumn(kind: 'int32' | 'int64' | 'timestamp', values: readonly unknown[]): IntColumn {
  const n = values.length;
  const low = new Int32Array(n);
  const high = kind === 'int32' ? null : new Int32Array(n);
  let defined: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      defined ??= new Uint8Array(n).fill(1);
      defined[i] = 0;
    } else if (high === null) {
      low[i] = Number(value);
    } else if (typeof value === 'bigint') {
      setBigHalves(low, high, i, value);
    } else {
      setHalves(low, high, i, Number(value));
    }
  }
  return { kind, low, high, defined };
}
