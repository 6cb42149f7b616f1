/**
 * Human label of an `encryption-status` value (flow-log version 10) used in reports; `null` is `-`
 * in the record (controls off or status unavailable).
 */
export function encryptionStatusLabel(status: number | null): string {
  switch (status) {
    case 0:
      return 'cleartext';
    case 1:
      return 'nitro';
    case 2:
      return 'application';
    case 3:
      return 'both';
    default:
      return 'unknown';
  }
}

/** Words for the `traffic-path` codes (flow-log-records.html). */
export function trafficPathLabel(path: number | null): string {
  switch (path) {
    case 1:
      return 'within the VPC';
    case 2:
      return 'internet gateway or gateway endpoint';
    case 3:
      return 'virtual private gateway';
    case 4:
      return 'intra-region VPC peering';
    case 5:
      return 'inter-region VPC peering';
    case 6:
      return 'Local Zone or Wavelength Zone';
    case 7:
      return 'gateway VPC endpoint';
    case 8:
      return 'internet gateway';
    default:
      return 'not egress / unknown';
  }
}

/** One line of the status legend both reports print: the code, its label and what it means. */
export interface StatusLegendEntry {
  readonly code: string;
  readonly label: string;
  readonly meaning: string;
}

/**
 * The statuses in words, once, for a reader who has not read the flow-log documentation
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html). "no status field" is
 * not an AWS value: it is traffic from objects whose format lacks `encryption-status`.
 */
export const STATUS_LEGEND: readonly StatusLegendEntry[] = [
  { code: '0', label: 'cleartext', meaning: 'not encrypted in transit' },
  {
    code: '1',
    label: 'nitro',
    meaning: 'encrypted by the Nitro System hardware between Nitro instances (transparent to the application)',
  },
  {
    code: '2',
    label: 'application',
    meaning:
      'encrypted by the application (TLS); AWS infers it from TCP 443 to VPC endpoints and TLS-only managed endpoints',
  },
  { code: '3', label: 'both', meaning: 'Nitro-encrypted and application-encrypted' },
  {
    code: '-',
    label: 'unknown',
    meaning: 'the record says "-": encryption controls are off on the path, or flow logs could not get the status',
  },
  {
    code: '',
    label: 'no status field',
    meaning:
      "the object's log format has no encryption-status field (formats before version 10): these records cannot say anything",
  },
];
