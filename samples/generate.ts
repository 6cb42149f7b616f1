/**
 * Regenerates the bundled samples: `npx tsx samples/generate.ts`. Deterministic output.
 *
 * The sample organisation:
 *   111111111111 us-east-1  vpc-0e1f2a3b4c5d6e7f8 "payments"  enforce, 10.1.0.0/16, exclusions: InternetGateway, NatGateway
 *   111111111111 us-east-1  vpc-0a9b8c7d6e5f4a3b2 "legacy"    monitor, 10.2.0.0/16
 *   111111111111 us-east-1  vpc-0123456789abcdef0 "shared"    no encryption controls, 10.3.0.0/16
 *   222222222222 eu-west-1  vpc-0fedcba9876543210 "analytics" enforce, 10.20.0.0/16, exclusions: VpcPeering
 * (samples/boundaries.json holds the matching boundary policy.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = join(import.meta.dirname, 'flow-logs');
const write = (key: string, text: string | Buffer, gzip = true) => {
  const path = join(root, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzip ? gzipSync(text) : text);
};

// 1. The AWS documentation example records (flow-logs-records-examples.html), default format.
write(
  'AWSLogs/123456789010/vpcflowlogs/us-east-1/2014/12/14/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20141214T0405Z_0a1b2c3d.log.gz',
  `${[
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
    '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
    '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
    '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
    '2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA',
    '2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK',
  ].join('\n')}\n`,
);

// 2. AWS documentation examples for custom formats v3 (TCP flags) and v5 (service, path, direction).
write(
  'AWSLogs/123456789010/vpcflowlogs/eu-west-1/2019/08/26/19/123456789010_vpcflowlogs_eu-west-1_fl-5678efab_20190826T1945Z_1b2c3d4e.log.gz',
  `${[
    'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status',
    '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK',
    '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK',
  ].join('\n')}\n`,
);
write(
  'AWSLogs/123456789012/vpcflowlogs/ap-southeast-2/2021/03/26/123456789012_vpcflowlogs_ap-southeast-2_fl-9abc0def_20210326T0330Z_2c3d4e5f.log.gz',
  `${[
    'version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status',
    '5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 52.95.128.179 10.0.0.71 S3 - - ingress OK',
    '5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK',
  ].join('\n')}\n`,
);

// 3. A custom v10 format with encryption-status: the sample organisation in us-east-1.
const V10 =
  'version account-id vpc-id subnet-id interface-id instance-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction traffic-path pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service reject-reason encryption-status';
const T0 = 1763719200; // 2025-11-21T10:00:00Z
const acct = '111111111111';
const pay = `${acct} vpc-0e1f2a3b4c5d6e7f8 subnet-0aa11bb22cc33dd44`;
const legacy = `${acct} vpc-0a9b8c7d6e5f4a3b2 subnet-0ee55ff66aa77bb88`;
const shared = `${acct} vpc-0123456789abcdef0 subnet-0cc99dd00ee11ff22`;
const v10Lines = [
  V10,
  // payments (enforce): Nitro-encrypted database traffic.
  `10 ${pay} eni-0a1a1a1a1a1a1a1a1 i-0a1a1a1a1a1a1a1a1 10.1.1.10 10.1.5.20 41822 5432 6 1200 1843200 ${T0 + 3} ${T0 + 58} ACCEPT OK egress 1 10.1.1.10 10.1.5.20 - - - 1`,
  `10 ${pay} eni-0a1a1a1a1a1a1a1a1 i-0a1a1a1a1a1a1a1a1 10.1.5.20 10.1.1.10 5432 41822 6 900 620000 ${T0 + 3} ${T0 + 58} ACCEPT OK ingress - 10.1.5.20 10.1.1.10 - - - 1`,
  // payments: cleartext HTTP to an internal service on a non-Nitro instance: a violation.
  `10 ${pay} eni-0a1a1a1a1a1a1a1a1 i-0a1a1a1a1a1a1a1a1 10.1.1.10 10.1.7.9 50110 8080 6 340 412000 ${T0 + 10} ${T0 + 70} ACCEPT OK egress 1 10.1.1.10 10.1.7.9 - - - 0`,
  `10 ${pay} eni-0a1a1a1a1a1a1a1a1 i-0a1a1a1a1a1a1a1a1 10.1.1.10 10.1.7.9 50112 8080 6 120 98000 ${T0 + 130} ${T0 + 170} ACCEPT OK egress 1 10.1.1.10 10.1.7.9 - - - 0`,
  // payments: TLS to S3 through a gateway endpoint (application-encrypted).
  `10 ${pay} eni-0a1a1a1a1a1a1a1a1 i-0a1a1a1a1a1a1a1a1 10.1.1.10 52.216.8.10 48222 443 6 64 52000 ${T0 + 20} ${T0 + 80} ACCEPT OK egress 7 10.1.1.10 52.216.8.10 - S3 - 2`,
  // payments: cleartext HTTP out through the internet gateway: covered by the InternetGateway exclusion.
  `10 ${pay} eni-0b2b2b2b2b2b2b2b2 i-0b2b2b2b2b2b2b2b2 10.1.2.30 203.0.113.10 51000 80 6 15 9000 ${T0 + 40} ${T0 + 90} ACCEPT OK egress 8 10.1.2.30 203.0.113.10 - - - 0`,
  // payments: enforcement dropped cleartext to an interface endpoint (reject-reason EC): blocked.
  `10 ${pay} eni-0b2b2b2b2b2b2b2b2 i-0b2b2b2b2b2b2b2b2 10.1.2.30 10.1.9.100 51544 80 6 3 180 ${T0 + 60} ${T0 + 61} REJECT OK egress 1 10.1.2.30 10.1.9.100 - - EC 0`,
  // legacy (monitor): Redis in cleartext: readiness finding.
  `10 ${legacy} eni-0c3c3c3c3c3c3c3c3 i-0c3c3c3c3c3c3c3c3 10.2.3.4 10.2.8.8 33012 6379 6 5000 2400000 ${T0 + 5} ${T0 + 65} ACCEPT OK egress 1 10.2.3.4 10.2.8.8 - - - 0`,
  `10 ${legacy} eni-0c3c3c3c3c3c3c3c3 i-0c3c3c3c3c3c3c3c3 10.2.8.8 10.2.3.4 6379 33012 6 4800 1900000 ${T0 + 5} ${T0 + 65} ACCEPT OK ingress - 10.2.8.8 10.2.3.4 - - - 0`,
  `10 ${legacy} eni-0c3c3c3c3c3c3c3c3 i-0c3c3c3c3c3c3c3c3 10.2.3.4 10.2.9.9 33020 443 6 300 210000 ${T0 + 5} ${T0 + 65} ACCEPT OK egress 1 10.2.3.4 10.2.9.9 - - - 3`,
  // shared (no controls) sends cleartext into the enforced payments VPC over peering: a violation.
  `10 ${shared} eni-0d4d4d4d4d4d4d4d4 i-0d4d4d4d4d4d4d4d4 10.3.0.15 10.1.7.9 60222 8080 6 44 31000 ${T0 + 100} ${T0 + 160} ACCEPT OK egress 4 10.3.0.15 10.1.7.9 - - - 0`,
  // shared: status unknown (controls off on the path): never a violation.
  `10 ${shared} eni-0d4d4d4d4d4d4d4d4 i-0d4d4d4d4d4d4d4d4 10.3.0.15 10.3.4.4 60300 9200 6 10 8000 ${T0 + 100} ${T0 + 160} ACCEPT OK egress 1 10.3.0.15 10.3.4.4 - - - -`,
  `10 ${acct} vpc-0123456789abcdef0 - eni-0e5e5e5e5e5e5e5e5 - - - - - - - - ${T0} ${T0 + 60} - NODATA - - - - - - - -`,
  // A malformed line (an action AWS never writes): counted and sampled, the rest of the object is kept.
  `10 ${pay} eni-0a1a1a1a1a1a1a1a1 i-0a1a1a1a1a1a1a1a1 10.1.1.10 10.1.5.20 41830 5432 6 10 9000 ${T0 + 3} ${T0 + 58} ACCEPTED OK egress 1 10.1.1.10 10.1.5.20 - - - 1`,
];
write(
  `AWSLogs/${acct}/vpcflowlogs/us-east-1/2025/11/21/${acct}_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20251121T1005Z_5e6f7a8b.log.gz`,
  `${v10Lines.join('\n')}\n`,
);

// 4. A Hive-prefixed, hourly object with a v11 custom format (interface-type) in another account.
const V11 =
  'account-id region vpc-id interface-id interface-type flow-direction traffic-path srcaddr dstaddr srcport dstport protocol packets bytes start end action reject-reason encryption-status log-status';
const an = '222222222222 eu-west-1 vpc-0fedcba9876543210';
write(
  'AWSLogs/aws-account-id=222222222222/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2025/month=11/day=21/hour=10/222222222222_vpcflowlogs_eu-west-1_fl-0f0e0d0c0b0a09080_20251121T1010Z_9c8d7e6f.log.gz',
  `${[
    V11,
    `${an} eni-0f1f1f1f1f1f1f1f1 - egress 1 10.20.1.5 10.20.2.6 40001 9092 6 8000 9600000 ${T0 + 300} ${T0 + 360} ACCEPT - 1 OK`,
    `${an} eni-0f1f1f1f1f1f1f1f1 - egress 4 10.20.1.5 10.30.0.7 40002 5000 6 12 4000 ${T0 + 300} ${T0 + 360} ACCEPT - 0 OK`,
    `${an} eni-0f2f2f2f2f2f2f2f2 nat_gateway egress 2 10.20.9.1 198.51.100.7 40100 80 6 30 24000 ${T0 + 310} ${T0 + 370} ACCEPT - 0 OK`,
    `${an} eni-0f3f3f3f3f3f3f3f3 - egress 1 10.20.3.3 10.20.4.4 40200 8000 6 25 17000 ${T0 + 320} ${T0 + 380} ACCEPT - 0 OK`,
    `${an} eni-0f3f3f3f3f3f3f3f3 - ingress - 10.20.4.4 10.20.3.3 8000 40200 6 22 15000 ${T0 + 320} ${T0 + 380} ACCEPT - 0 OK`,
  ].join('\r\n')}\r\n`,
);

// 5. The launch-blog example (encryption status only), as plain text with its header line.
write(
  'AWSLogs/333333333333/vpcflowlogs/us-west-2/2025/11/21/333333333333_vpcflowlogs_us-west-2_fl-0b10b10b10b10b10b_20251121T0900Z_0d0e0f10.log',
  `${[
    'flow-direction traffic-path srcaddr dstaddr srcport dstport encryption-status',
    'ingress - 10.0.133.8 10.0.128.55 43236 80 1',
    'egress 1 10.0.128.55 10.0.133.8 80 43236 1',
    'ingress - 10.0.130.104 10.0.128.55 55016 80 0',
    'egress 1 10.0.128.55 10.0.130.104 80 55016 0',
  ].join('\n')}\n`,
  false,
);

// 6. A deliberately corrupt object: a gzip file cut off half way, as an interrupted copy leaves it.
const whole = gzipSync(`${v10Lines.join('\n')}\n`);
write(
  `AWSLogs/${acct}/vpcflowlogs/us-east-1/2025/11/21/${acct}_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20251121T1010Z_deadbeef.log.gz`,
  whole.subarray(0, Math.floor(whole.length / 2)),
  false,
);
