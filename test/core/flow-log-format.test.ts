import { describe, expect, it } from 'vitest';
import {
  formatString,
  layoutFromHeaderLine,
  looksLikeHeaderLine,
  parseLogFormat,
} from '../../functions/core/flow-log-format.js';

describe('binding a layout', () => {
  it('accepts ${}-wrapped names, plain AWS names and column names, separated by any whitespace', () => {
    const names = (format: string) => parseLogFormat(format).fields.map((f) => f.name);
    const expected = ['version', 'vpc-id', 'encryption-status'];
    expect(names('${version} ${vpc-id} ${encryption-status}')).toEqual(expected);
    expect(names('version vpc-id encryption-status')).toEqual(expected);
    expect(names('  version\tvpc_id   encryption_status \r\n')).toEqual(expected);
  });

  it('records each column position and where the layout came from', () => {
    const layout = layoutFromHeaderLine('srcaddr dstaddr encryption-status\r');
    expect([...layout.positionOf]).toEqual([
      ['srcaddr', 0],
      ['dstaddr', 1],
      ['encryption_status', 2],
    ]);
    expect(layout.origin).toBe('header');
    expect(parseLogFormat('srcaddr').origin).toBe('format');
  });

  it('writes a layout back as an AWS LogFormat string', () => {
    expect(formatString(parseLogFormat('vpc_id start'))).toBe('${vpc-id} ${start}');
  });
});

describe('the header-detection rule', () => {
  it('takes a line of lowercase field names, with at least one known field, as a header', () => {
    expect(looksLikeHeaderLine('version account-id interface-id')).toBe(true);
    expect(looksLikeHeaderLine('flow-direction traffic-path srcaddr dstaddr srcport dstport encryption-status\r')).toBe(
      true,
    );
    // An unknown name in an otherwise valid header is still a header: the object is rejected naming the field.
    expect(looksLikeHeaderLine('version account-id encryption-state')).toBe(true);
  });

  it('never takes a data line for a header', () => {
    expect(
      looksLikeHeaderLine('2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA'),
    ).toBe(false);
    expect(looksLikeHeaderLine('ingress - 10.0.133.8 10.0.128.55 43236 80 1')).toBe(false);
    expect(looksLikeHeaderLine('nat-1234567890abcdef - - - 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5')).toBe(false);
    // All tokens lowercase identifiers, but none is a field name: data (e.g. `interface-id flow-direction`).
    expect(looksLikeHeaderLine('eni-0a1b2c3d egress')).toBe(false);
  });

  it('does not take a blank line, `${}` syntax or capitalised names for a header', () => {
    expect(looksLikeHeaderLine('   ')).toBe(false);
    expect(looksLikeHeaderLine('${version} ${account-id}')).toBe(false);
    expect(looksLikeHeaderLine('Version Account-Id')).toBe(false);
  });
});
