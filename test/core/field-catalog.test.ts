import { describe, expect, it } from 'vitest';
import { layoutFromHeaderLine, parseLogFormat, UnknownFieldError } from '../../functions/core/flow-log-format.js';
import { type FieldValue, parseFlowLogLine } from '../../functions/core/line-decoder.js';
import { FLOW_LOG_FIELDS, type FlowLogFieldSpec, fieldKind } from '../../schemas/flow-log-fields.js';

/** A valid non-null text value for a field and the value it must decode to. */
function sample(spec: FlowLogFieldSpec): [string, FieldValue] {
  const kind = fieldKind(spec);
  const enumValue = spec.enumValues?.[spec.enumValues.length - 1];
  if (kind === 'string') return [enumValue ?? `${spec.name}-value`, enumValue ?? `${spec.name}-value`];
  if (kind === 'int32') return enumValue ? [enumValue, Number(enumValue)] : ['2147483647', 2147483647];
  return ['9223372036854775807', 9223372036854775807n];
}

describe('the field catalog (54 fields, versions 2–11)', () => {
  it('has every AWS field once, with the documented count per version', () => {
    expect(FLOW_LOG_FIELDS).toHaveLength(54);
    expect(new Set(FLOW_LOG_FIELDS.map((f) => f.name)).size).toBe(54);
    const perVersion: Record<number, number> = {};
    for (const f of FLOW_LOG_FIELDS) perVersion[f.version] = (perVersion[f.version] ?? 0) + 1;
    expect(perVersion).toEqual({ 2: 14, 3: 7, 4: 4, 5: 4, 7: 10, 8: 1, 9: 1, 10: 1, 11: 12 });
    // Column names as AWS's own Athena DDL and Parquet delivery spell them (flow-logs-athena.html).
    const columnOf = new Map(FLOW_LOG_FIELDS.map((f) => [f.name, f.column]));
    expect(
      ['log-status', 'pkt-src-aws-service', 'ecs-container-instance-arn', 'encryption-status', 'srcaddr'].map((n) =>
        columnOf.get(n),
      ),
    ).toEqual(['log_status', 'pkt_src_aws_service', 'ecs_container_instance_arn', 'encryption_status', 'srcaddr']);
    expect(FLOW_LOG_FIELDS.filter((f) => f.column.includes('-'))).toEqual([]);
  });

  it('types the numeric fields as AWS does in Parquet', () => {
    const numeric = FLOW_LOG_FIELDS.filter((f) => f.parquetType !== 'STRING').map((f) => `${f.name}:${f.parquetType}`);
    expect(numeric).toEqual([
      'version:INT_32',
      'srcport:INT_32',
      'dstport:INT_32',
      'protocol:INT_32',
      'packets:INT_64',
      'bytes:INT_64',
      'start:INT_64',
      'end:INT_64',
      'tcp-flags:INT_32',
      'traffic-path:INT_32',
      'encryption-status:INT_32',
    ]);
  });

  describe.each(FLOW_LOG_FIELDS.map((f) => [f.name, f] as const))('%s', (_name, spec) => {
    const [text, value] = sample(spec);

    it('decodes from a header line, a ${} format and a column-name format', () => {
      for (const layout of [
        layoutFromHeaderLine(spec.name),
        parseLogFormat(`\${${spec.name}}`),
        parseLogFormat(spec.column),
      ]) {
        expect(parseFlowLogLine(text, layout)).toEqual({ ok: true, record: { [spec.column]: value } });
        expect(parseFlowLogLine('-', layout)).toEqual({ ok: true, record: { [spec.column]: null } });
      }
    });

    it('checks its value kind', () => {
      const layout = layoutFromHeaderLine(spec.name);
      if (fieldKind(spec) === 'string' && !spec.enumValues) {
        expect(parseFlowLogLine('any:thing/at%20all', layout).ok).toBe(true);
      } else {
        const parsed = parseFlowLogLine('bogus', layout);
        expect(parsed).toEqual({
          ok: false,
          reason: expect.stringMatching(new RegExp(`^${spec.name}: (unknown value|not a number) "bogus"$`)),
        });
      }
    });
  });

  it('decodes one line carrying all 54 fields, in catalog order and reversed', () => {
    for (const fields of [FLOW_LOG_FIELDS, [...FLOW_LOG_FIELDS].reverse()]) {
      const layout = layoutFromHeaderLine(fields.map((f) => f.name).join(' '));
      const line = fields.map((f) => sample(f)[0]).join(' ');
      const expected = Object.fromEntries(fields.map((f) => [f.column, sample(f)[1]]));
      expect(parseFlowLogLine(line, layout)).toEqual({ ok: true, record: expected });
    }
  });

  it('accepts every value of every closed value set and nothing else', () => {
    for (const spec of FLOW_LOG_FIELDS.filter((f) => f.enumValues)) {
      const layout = layoutFromHeaderLine(spec.name);
      for (const v of spec.enumValues!) expect(parseFlowLogLine(v, layout).ok).toBe(true);
      expect(parseFlowLogLine(`${spec.enumValues![0]!.toLowerCase()}x`, layout).ok).toBe(false);
    }
  });

  it('enforces int32 and int64 ranges', () => {
    const ports = parseLogFormat('srcport bytes');
    expect(parseFlowLogLine('2147483648 1', ports)).toEqual({
      ok: false,
      reason: 'srcport: out of int32 range "2147483648"',
    });
    expect(parseFlowLogLine('1 9223372036854775808', ports)).toEqual({
      ok: false,
      reason: 'bytes: out of int64 range "9223372036854775808"',
    });
    expect(parseFlowLogLine('1 -5', ports)).toEqual({ ok: false, reason: 'bytes: not a number "-5"' });
    expect(parseFlowLogLine('1.5 5', ports)).toEqual({ ok: false, reason: 'srcport: not a number "1.5"' });
    expect(parseFlowLogLine('007 0009007199254740993', ports)).toEqual({
      ok: true,
      record: { srcport: 7, bytes: 9007199254740993n },
    });
  });

  it('names an unknown field and a repeated field', () => {
    expect(() => parseLogFormat('${version} ${encryption_state}')).toThrow(
      new UnknownFieldError('encryption_state', '--format'),
    );
    expect(() => layoutFromHeaderLine('version vpc-id vpc_id')).toThrow(
      'flow-log field "vpc-id" appears twice in header',
    );
    expect(() => parseLogFormat('   ')).toThrow('empty flow-log format');
  });
});
