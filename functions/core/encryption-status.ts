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
