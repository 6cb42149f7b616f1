/** IPv4 and IPv6 addresses and CIDR blocks as bigints, for containment tests. */

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

export interface Cidr {
  readonly family: IpFamily;
  /** The network address (host bits cleared). */
  readonly network: bigint;
  readonly prefix: number;
  readonly text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** Parses a dotted-quad IPv4 or an RFC 4291 IPv6 address (with `::` and embedded IPv4); null if neither. */
export function parseAddress(text: string): IpAddress | null {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === null ? null : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === null ? null : { family: 4, value };
}

export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`"${text}" is not a CIDR block (no /prefix)`);
  const address = parseAddress(text.slice(0, slash));
  if (!address) throw new Error(`"${text}" is not a CIDR block (bad address)`);
  const prefixText = text.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > BITS[address.family]) {
    throw new Error(`"${text}" is not a CIDR block (prefix must be 0–${BITS[address.family]})`);
  }
  return { family: address.family, network: address.value & mask(address.family, prefix), prefix, text };
}

export function cidrContains(cidr: Cidr, address: IpAddress): boolean {
  return cidr.family === address.family && (address.value & mask(cidr.family, cidr.prefix)) === cidr.network;
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BITS[family];
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/**
 * Longest-prefix lookup from CIDR blocks to values (several values per block: VPCs in different
 * accounts often reuse the same range). Lookups cost one Map probe per distinct prefix length,
 * not one comparison per block, so thousands of VPCs stay cheap.
 */
export class CidrMap<T> {
  private readonly byPrefix = new Map<string, Map<bigint, T[]>>();
  private prefixes: { family: IpFamily; prefix: number }[] = [];

  set(cidr: Cidr, value: T): void {
    const slot = `${cidr.family}/${cidr.prefix}`;
    let table = this.byPrefix.get(slot);
    if (!table) {
      this.byPrefix.set(slot, (table = new Map()));
      this.prefixes.push({ family: cidr.family, prefix: cidr.prefix });
      this.prefixes.sort((a, b) => b.prefix - a.prefix);
    }
    const values = table.get(cidr.network);
    if (!values) table.set(cidr.network, [value]);
    else if (!values.includes(value)) values.push(value);
  }

  /** The values of the longest matching block; empty when no block contains the address. */
  lookup(address: IpAddress): readonly T[] {
    for (const { family, prefix } of this.prefixes) {
      if (family !== address.family) continue;
      const hit = this.byPrefix.get(`${family}/${prefix}`)!.get(address.value & mask(family, prefix));
      if (hit !== undefined) return hit;
    }
    return [];
  }
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const words: number[] = [];
  const push = (list: string[], allowIpv4Last: boolean): boolean => {
    for (let i = 0; i < list.length; i++) {
      const g = list[i]!;
      if (allowIpv4Last && i === list.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === null) return false;
        words.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) {
        words.push(parseInt(g, 16));
      } else {
        return false;
      }
    }
    return true;
  };
  if (!push(head, halves.length === 1)) return null;
  const headLength = words.length;
  if (!push(tail, true)) return null;
  if (halves.length === 1 ? words.length !== 8 : words.length > 7) return null;
  const full = [
    ...words.slice(0, headLength),
    ...new Array<number>(8 - words.length).fill(0),
    ...words.slice(headLength),
  ];
  return full.reduce((acc, w) => (acc << 16n) | BigInt(w), 0n);
}
