/**
 * Whether an EC2 instance type can carry traffic in an enforce-mode VPC, decided from its family.
 * VPC Encryption Controls in enforce mode only let ENIs attach to Nitro instances that encrypt in
 * transit (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-encryption-support.html); which
 * families do is listed under "Encryption in transit" at
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/data-protection.html#encryption-transit,
 * and which families run on the older Xen hypervisor at
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html (every family not
 * listed there is Xen). The two tables below are those lists by family; a family in neither is
 * `unknown` and the plan says so rather than guess.
 */

export type NitroClass = 'encrypts' | 'nitro' | 'not-nitro' | 'unknown';

/** Xen-generation families: never Nitro, so never allowed in an enforce-mode VPC. */
const XEN_FAMILIES = new Set([
  'c1',
  'c3',
  'c4',
  'cc2',
  'cr1',
  'd2',
  'f1',
  'g2',
  'g3',
  'g3s',
  'h1',
  'hs1',
  'i2',
  'i3',
  'm1',
  'm2',
  'm3',
  'm4',
  'p2',
  'p3',
  'r3',
  'r4',
  't1',
  't2',
  'x1',
  'x1e',
]);

/** Nitro families that encrypt traffic between instances automatically (before the 7th generation). */
const ENCRYPTING_FAMILIES = new Set([
  'c5a',
  'c5ad',
  'c5n',
  'c6a',
  'c6gn',
  'c6i',
  'c6id',
  'c6in',
  'd3',
  'd3en',
  'dl1',
  'g4ad',
  'g4dn',
  'g5',
  'g6',
  'g6e',
  'gr6',
  'hpc6a',
  'hpc6id',
  'i3en',
  'i4g',
  'i4i',
  'im4gn',
  'inf1',
  'inf2',
  'is4gen',
  'm5dn',
  'm5n',
  'm5zn',
  'm6a',
  'm6i',
  'm6id',
  'm6idn',
  'm6in',
  'p3dn',
  'p4d',
  'p4de',
  'p5',
  'p5e',
  'p5en',
  'r5dn',
  'r5n',
  'r6a',
  'r6i',
  'r6id',
  'r6idn',
  'r6in',
  'trn1',
  'trn1n',
  'trn2',
  'u7i',
  'vt1',
  'x2idn',
  'x2iedn',
  'x2iezn',
]);

/** Families from the 7th generation on (c7g, m7i, r8g, ...) all encrypt in transit. */
const MODERN = /^(c|m|r|i|x|z|hpc|g|p)([7-9])/;

/** `m4.large` → `m4`; `u-6tb1.metal` → `u-6tb1`. */
function instanceFamily(instanceType: string): string {
  return instanceType.split('.')[0]!.toLowerCase();
}

export function nitroClass(instanceType: string | undefined): NitroClass {
  if (!instanceType) return 'unknown';
  const family = instanceFamily(instanceType);
  // i3.metal alone of the i3 family is Nitro (ec2-nitro-instances.html); it does not encrypt in transit.
  if (instanceType.toLowerCase() === 'i3.metal') return 'nitro';
  if (instanceType.toLowerCase() === 'p3dn.24xlarge') return 'encrypts';
  if (XEN_FAMILIES.has(family)) return 'not-nitro';
  if (ENCRYPTING_FAMILIES.has(family) || MODERN.test(family)) return 'encrypts';
  // Every other current family (m5, c5, r5, t3, t4g, m6g, ...) runs on Nitro without in-transit encryption.
  if (/^[a-z]+[1-9][a-z-]*$/.test(family)) return 'nitro';
  return 'unknown';
}

const NITRO_WORDS: Record<NitroClass, string> = {
  encrypts: 'Nitro, encrypts in transit',
  nitro: 'Nitro, no encryption in transit',
  'not-nitro': 'not Nitro',
  unknown: 'Nitro support unknown',
};

/** `i-0abc (m4.large, not Nitro)`. */
export function instanceLabel(instanceId: string, instanceType: string | undefined): string {
  if (!instanceType) return instanceId;
  return `${instanceId} (${instanceType}, ${NITRO_WORDS[nitroClass(instanceType)]})`;
}
