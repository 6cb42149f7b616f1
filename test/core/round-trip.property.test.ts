/**
 * Property-based tests: for any subset and order of the 54 fields and any valid values,
 * format → header line → bytes → lines → parse gives back exactly the values written.
 */

import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowLogAggregator } from '../../functions/core/flow-log-aggregator.js';
import {
  formatString,
  layoutFromHeaderLine,
  looksLikeHeaderLine,
  parseLogFormat,
} from '../../functions/core/flow-log-format.js';
import { type FieldValue, type FlowLogRecord, parseFlowLogLine } from '../../functions/core/line-decoder.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';
import { streamText } from '../../functions/core/text-stream.js';
import { FLOW_LOG_FIELDS, type FlowLogFieldSpec, fieldKind } from '../../schemas/flow-log-fields.js';
import { memoryObject } from '../helpers/sources.js';

interface Cell {
  readonly text: string;
  readonly value: FieldValue;
}

const MAX_INT64 = 2n ** 63n - 1n;
const decoded = (v: bigint): FieldValue => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
const STRING_TOKEN = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.stringMatching(/^[A-Za-z0-9.:/%_+=@-]{1,40}$/).filter((s) => s !== '-'),
);

/** Any valid value of a field, as text and as the value the decoder must return (`-` is null). */
function cellOf(spec: FlowLogFieldSpec, int64?: fc.Arbitrary<bigint>): fc.Arbitrary<Cell> {
  const kind = fieldKind(spec);
  let present: fc.Arbitrary<Cell>;
  if (spec.enumValues) {
    present = fc.constantFrom(...spec.enumValues).map((t) => ({ text: t, value: kind === 'string' ? t : Number(t) }));
  } else if (kind === 'string') {
    present = STRING_TOKEN.map((t) => ({ text: t, value: t }));
  } else if (kind === 'int32') {
    present = fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((n) => ({ text: String(n), value: n }));
  } else {
    const any =
      int64 ??
      fc.oneof(fc.bigInt({ min: 0n, max: MAX_INT64 }), fc.bigInt({ min: 2n ** 53n - 3n, max: 2n ** 53n + 3n }));
    present = any.map((n) => ({ text: String(n), value: decoded(n) }));
  }
  return fc.oneof({ weight: 4, arbitrary: present }, { weight: 1, arbitrary: fc.constant({ text: '-', value: null }) });
}

const layoutFields = fc.shuffledSubarray([...FLOW_LOG_FIELDS], { minLength: 1 });
const separator = fc.constantFrom(' ', ' ', ' ', '  ', '\t', ' \t ');
const lineEnd = fc.constantFrom('\n', '\r\n');

/** Records of a layout, each written with random separators, edge whitespace and line ends. */
function objectOf(fields: readonly FlowLogFieldSpec[], timeValues?: fc.Arbitrary<bigint>) {
  const row = fc.tuple(
    ...fields.map((f) => cellOf(f, f.name === 'start' || f.name === 'end' ? timeValues : undefined)),
  );
  const written = fc.tuple(
    row,
    fc.array(separator, { minLength: fields.length, maxLength: fields.length }),
    fc.constantFrom('', ' ', '\t'),
    lineEnd,
  );
  return fc.array(written, { minLength: 1, maxLength: 30 }).map((rows) => ({
    fields,
    rows: rows.map(([cells]) => cells),
    lines: rows.map(
      ([cells, seps, lead, end]) =>
        lead + cells.map((c, i) => c.text + (i < cells.length - 1 ? seps[i] : '')).join('') + end,
    ),
  }));
}

const recordOf = (fields: readonly FlowLogFieldSpec[], cells: readonly Cell[]): FlowLogRecord =>
  Object.fromEntries(fields.map((f, i) => [f.column, cells[i]!.value]));

/** The lines of an object's text as the ingest stream delivers it (any chunking, gzip or not). */
async function linesOf(body: Uint8Array, chunkSize: number): Promise<string[]> {
  const chunks: Buffer[] = [];
  await streamText(await memoryObject('p', body, { chunkSize }).open(), (chunk) => chunks.push(Buffer.from(chunk)));
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

describe('format → header → parse round trip (fast-check)', () => {
  it('binds the same fields from the header line and from the LogFormat string', () => {
    fc.assert(
      fc.property(layoutFields, (fields) => {
        const header = fields.map((f) => f.name).join(' ');
        expect(looksLikeHeaderLine(header)).toBe(true);
        const layout = layoutFromHeaderLine(header);
        expect(layout.fields).toEqual(fields);
        expect(parseLogFormat(formatString(layout)).fields).toEqual(fields);
        expect(parseLogFormat(fields.map((f) => f.column).join(' ')).fields).toEqual(fields);
      }),
    );
  });

  it('parses every written value back exactly (int64 above 2^53, IPv6, nulls, tabs, CRLF)', async () => {
    await fc.assert(
      fc.asyncProperty(
        layoutFields.chain((fields) => objectOf(fields)),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        async ({ fields, rows, lines }, chunkSize, gzip) => {
          const text = `${fields.map((f) => f.name).join(' ')}\r\n${lines.join('')}`;
          const body = gzip ? gzipSync(text) : Buffer.from(text);
          const [header, ...data] = await linesOf(body, chunkSize);
          const layout = layoutFromHeaderLine(header!);
          expect(data).toHaveLength(rows.length);
          data.forEach((line, i) => {
            expect(parseFlowLogLine(line, layout)).toEqual({ ok: true, record: recordOf(fields, rows[i]!) });
          });
        },
      ),
    );
  });

  it('aggregation conserves flows, packets and bytes exactly, whatever the flush size', () => {
    const withTime = layoutFields.map((fields) =>
      fields.some((f) => f.name === 'start') ? fields : [...fields, FLOW_LOG_FIELDS.find((f) => f.name === 'start')!],
    );
    const seconds = fc.bigInt({ min: 0n, max: 253402300799n });
    fc.assert(
      fc.property(
        withTime.chain((fields) => objectOf(fields, seconds)),
        fc.integer({ min: 1, max: 8 }),
        ({ fields, rows, lines }, maxGroups) => {
          const key =
            'AWSLogs/123456789012/vpcflowlogs/us-east-1/2025/11/21/123456789012_vpcflowlogs_us-east-1_fl-1a_20251121T1005Z_ab.log.gz';
          let flows = 0n;
          let packets = 0n;
          let bytes = 0n;
          const collect = (summary: { flows: bigint | null; packets: bigint | null; bytes: bigint | null }[]) => {
            for (const r of summary) {
              flows += r.flows!;
              packets += r.packets ?? 0n;
              bytes += r.bytes ?? 0n;
            }
          };
          const agg = new FlowLogAggregator('p', parseFlowLogKey(key), {
            maxGroups,
            onFlush: (b) => collect(b.summary),
          });
          for (const line of [fields.map((f) => f.name).join(' '), ...lines.map((l) => l.replace(/\r?\n$/, ''))]) {
            agg.pushLine(line, 0, line.length);
          }
          collect(agg.finish().summary);

          const records = rows.map((cells) => recordOf(fields, cells));
          const flowsIn = records.filter(
            (r) => r.log_status === undefined || r.log_status === null || r.log_status === 'OK',
          );
          const sum = (column: string) => flowsIn.reduce((n, r) => n + BigInt(r[column] ?? 0), 0n);
          expect(agg.stats.malformed).toBe(0);
          expect(flows).toBe(BigInt(flowsIn.length));
          expect(packets).toBe(sum('packets'));
          expect(bytes).toBe(sum('bytes'));
        },
      ),
    );
  });
});
