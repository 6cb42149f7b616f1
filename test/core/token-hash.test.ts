import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { layoutFromFieldNames } from '../../functions/core/flow-log-format.js';
import { hashBytes, TokenDictionary } from '../../functions/core/group-table.js';
import { LineDecoder } from '../../functions/core/line-decoder.js';

// The decoder hashes key tokens while scanning them; TokenDictionary.internHashed trusts that hash.
const layout = layoutFromFieldNames(['version', 'account-id', 'vpc-id', 'interface-id', 'action'], 'format');
const decoder = new LineDecoder(layout, ['account_id', 'vpc_id', 'interface_id']);
const token = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 })
  .map((t) => t.replace(/[ \t\r\n]/g, 'x'))
  .filter((t) => t !== '-');

describe('token hashes computed while decoding', () => {
  it('equal hashBytes for any token (ASCII, UTF-8, control characters, every length)', () => {
    fc.assert(fc.property(fc.array(token, { minLength: 3, maxLength: 3 }), fc.constantFrom(' ', '\t', '  ', ' \r'),
      (tokens, sep) => {
        const bytes = Buffer.from(['10', ...tokens, 'ACCEPT'].join(sep) + sep, 'utf8');
        expect(decoder.decodeBytes(bytes, 0, bytes.length)).toBeNull();
        for (const f of [1, 2, 3]) {
          expect(decoder.hashes[f]).toBe(hashBytes(bytes, decoder.starts[f]!, decoder.ends[f]!));
          expect(decoder.token(f)).toBe(tokens[f - 1]);
        }
      }), { numRuns: 500 });
  });

  it('interns to the same id with or without the precomputed hash', () => {
    const dictionary = new TokenDictionary();
    const line = Buffer.from('10 123456789012 vpc-0a1b2c3d4e5f60718 eni-\u00e9\u0001x ACCEPT', 'utf8');
    expect(decoder.decodeBytes(line, 0, line.length)).toBeNull();
    const ids = [1, 2, 3].map((f) => dictionary.internHashed(line, decoder.starts[f]!, decoder.ends[f]!, decoder.hashes[f]!));
    expect([1, 2, 3].map((f) => dictionary.internString(decoder.token(f)))).toEqual(ids);
    expect(dictionary.size).toBe(4);
  });

  it('rejects hashing a field that is not a plain string', () => {
    expect(() => new LineDecoder(layout, ['action'])).toThrow(/not a plain string field/);
  });
});
