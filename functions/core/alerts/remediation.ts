import type { CleartextGroup } from '../flow-log-aggregator.js';
import type { IndexedVpc } from '../policy/boundary-index.js';
import { type FlowClassification, protocolName } from '../policy/classify-flow.js';

/** One line telling the owner what to change. */
export function remediationHint(
  group: CleartextGroup,
  verdict: FlowClassification,
  boundary: IndexedVpc | undefined,
): string {
  const service = `${protocolName(group.protocol)}/${group.port ?? '?'}`;
  const vpc = boundary?.id ?? group.vpc_id ?? 'the VPC';
  const exclusion = verdict.wouldBeCoveredBy[0];
  const eni = group.interface_id ?? 'this ENI';
  const fix = exclusion
    ? `add TLS on ${service}, or, if the application already encrypts this traffic, enable the ${exclusion} exclusion on ${vpc}`
    : `move the workload behind ${eni} to a Nitro instance type that encrypts in transit, or add TLS on ${service}`;
  switch (verdict.rule) {
    case 'ec-blocked':
      return (
        `Encryption controls are dropping this traffic: switch the client to TLS on ${service} towards ` +
        `${verdict.peer ?? 'the peer'}, or exclude the resource if it must stay cleartext`
      );
    case 'cleartext-in-enforced-vpc':
      return capitalise(fix);
    case 'cleartext-into-enforced-vpc':
      return (
        `Add TLS on ${service} between ${group.srcaddr ?? '?'} and ${group.dstaddr ?? '?'}, ` +
        `put ${group.vpc_id ?? 'the sending VPC'} under enforced encryption controls in the same region` +
        (exclusion ? `, or enable the ${exclusion} exclusion on ${vpc}` : '')
      );
    case 'cleartext-in-monitor-vpc':
      return `Before switching ${vpc} to enforce: ${fix}`;
    case 'excluded-path':
    case 'excluded-interface':
      return `Allowed by an exclusion: the application must encrypt this traffic itself (TLS on ${service})`;
    default:
      return 'No action needed';
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
