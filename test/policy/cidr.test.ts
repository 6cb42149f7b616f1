import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPublicAddress, isVpcLatticeAddress } from '../../functions/core/policy/address-ranges.js';
import { CidrMap, cidrContains, parseAddress, parseCidr } from '../../functions/core/policy/cidr.js';

const addr = (text: string) => {
  const a = parseAddress(text);
  if (!a) throw new Error(`test address ${text} does not parse`);
  return a;
};

describe('addresses and CIDR blocks', () => {
  it('parses IPv4 and every IPv6 spelling to the same value', () => {
    expect(addr('10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    const full = addr('2001:0db8:0000:0000:0000:0000:0000:0001').value;
    expect(addr('2001:db8::1').value).toBe(full);
    expect(addr('2001:DB8:0:0:0:0:0:1').value).toBe(full);
    expect(addr('::ffff:10.1.2.3').value).toBe(0xffff0a010203n);
    expect(addr('::').value).toBe(0n);
  });

  it('rejects what is not an address', () => {
    for (const bad of [
      '10.1.2',
      '10.1.2.256',
      '1.2.3.4.5',
      'a.b.c.d',
      '2001:db8::1::2',
      '2001:db8:1:2:3:4:5:6:7',
      '12345::',
      '-',
      '',
    ]) {
      expect(parseAddress(bad), bad).toBeNull();
    }
  });

  it('tests containment for IPv4 and IPv6, never across families', () => {
    const v4 = parseCidr('10.1.0.0/16');
    expect(cidrContains(v4, addr('10.1.255.255'))).toBe(true);
    expect(cidrContains(v4, addr('10.2.0.0'))).toBe(false);
    const v6 = parseCidr('2600:1f18:4a3:6e00::/56');
    expect(cidrContains(v6, addr('2600:1f18:4a3:6eff:ffff::1'))).toBe(true);
    expect(cidrContains(v6, addr('2600:1f18:4a3:6f00::1'))).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), addr('::1'))).toBe(false);
  });

  it('clears host bits and explains a bad block', () => {
    expect(parseCidr('10.1.2.3/16').network).toBe(0x0a010000n);
    expect(() => parseCidr('10.1.0.0')).toThrow(/no \/prefix/);
    expect(() => parseCidr('10.1.0.0/33')).toThrow(/prefix must be 0–32/);
    expect(() => parseCidr('2600::/129')).toThrow(/prefix must be 0–128/);
    expect(() => parseCidr('10.1.0/16')).toThrow(/bad address/);
  });

  it('every address lies in each of its own prefixes (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) =>
        cidrContains(parseCidr(`${ip}/${prefix}`), addr(ip)),
      ),
    );
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 128 }), (ip, prefix) =>
        cidrContains(parseCidr(`${ip}/${prefix}`), addr(ip)),
      ),
    );
  });

  it('CidrMap returns the values of the longest matching prefix', () => {
    const map = new CidrMap<string>();
    map.set(parseCidr('10.0.0.0/8'), 'wide');
    map.set(parseCidr('10.1.0.0/16'), 'a');
    map.set(parseCidr('10.1.0.0/16'), 'b');
    map.set(parseCidr('2600:1f18::/32'), 'v6');
    expect(map.lookup(addr('10.1.9.9'))).toEqual(['a', 'b']);
    expect(map.lookup(addr('10.7.0.1'))).toEqual(['wide']);
    expect(map.lookup(addr('11.0.0.1'))).toEqual([]);
    expect(map.lookup(addr('2600:1f18:1::1'))).toEqual(['v6']);
  });

  it('tells public from private, loopback, link-local and ULA', () => {
    for (const p of ['203.0.113.10', '52.216.8.10', '8.8.8.8', '2001:db8::1', '2600:1f18::1', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(addr(p)), p).toBe(true);
    }
    for (const p of [
      '10.1.1.1',
      '172.20.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '127.0.0.1',
      '169.254.169.254',
      'fd00::1',
      'fe80::1',
      '::1',
      '::ffff:10.0.0.1',
      '224.0.0.5',
    ]) {
      expect(isPublicAddress(addr(p)), p).toBe(false);
    }
    expect(isVpcLatticeAddress(addr('169.254.171.33'))).toBe(true);
    expect(isVpcLatticeAddress(addr('fd00:ec2:80::9'))).toBe(true);
    expect(isVpcLatticeAddress(addr('169.254.169.254'))).toBe(false);
  });
});
