import { type Cidr, cidrContains, type IpAddress, parseCidr } from './cidr.js';

/**
 * Ranges that never route to the internet: RFC 1918, shared address space (RFC 6598, usable as a
 * VPC CIDR), loopback, link-local, "this network", multicast and reserved; IPv6 unique-local,
 * link-local, loopback, unspecified and multicast. Documentation ranges (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) count as public: examples use them to stand
 * for internet hosts.
 */
const NON_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map(parseCidr);

/**
 * VPC Lattice data-plane addresses: the `com.amazonaws.<region>.vpc-lattice` managed prefix
 * list (169.254.171.0/24 and fd00:ec2:80::/64). Traffic to them goes through VPC Lattice.
 */
const VPC_LATTICE = ['169.254.171.0/24', 'fd00:ec2:80::/64'].map(parseCidr);

const IPV4_MAPPED = parseCidr('::ffff:0:0/96');

const anyContains = (ranges: readonly Cidr[], address: IpAddress) => ranges.some((r) => cidrContains(r, address));

/** IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is judged as the IPv4 address it carries. */
function unmapped(address: IpAddress): IpAddress {
  return cidrContains(IPV4_MAPPED, address) ? { family: 4, value: address.value & 0xffffffffn } : address;
}

export function isPublicAddress(address: IpAddress): boolean {
  return !anyContains(NON_PUBLIC, unmapped(address));
}

export function isVpcLatticeAddress(address: IpAddress): boolean {
  return anyContains(VPC_LATTICE, unmapped(address));
}
