/**
 * The example records of the AWS documentation, verbatim, with the values they must decode to.
 * Sources: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html and
 * the VPC Encryption Controls launch blog (https://aws.amazon.com/blogs/aws/introducing-vpc-encryption-controls-enforce-encryption-in-transit-within-and-across-vpcs-in-a-region/), and the flow log record examples (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html).
 */
import { describe, expect, it } from 'vitest';
import { FlowLogAggregator } from '../../functions/core/flow-log-aggregator.js';
import { type FlowLogLayout, layoutFromHeaderLine, parseLogFormat } from '../../functions/core/flow-log-format.js';
import { type FlowLogRecord, parseFlowLogLine } from '../../functions/core/line-decoder.js';
import { parseFlowLogKey } from '../../functions/core/s3-key.js';
import { DEFAULT_FORMAT_FIELDS } from '../../schemas/flow-log-fields.js';

function parse(line: string, layout: FlowLogLayout): FlowLogRecord {
  const parsed = parseFlowLogLine(line, layout);
  if (!parsed.ok) throw new Error(`did not parse: ${parsed.reason}`);
  return parsed.record;
}

const DEFAULT = parseLogFormat(DEFAULT_FORMAT_FIELDS.join(' '));
const V3 = layoutFromHeaderLine(
  'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr ' +
    'pkt-dstaddr protocol bytes packets start end action tcp-flags log-status',
);
const V5 = layoutFromHeaderLine(
  'version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id ' +
    'instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr ' +
    'pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status',
);

describe('AWS documentation example records', () => {
  it('(a) default format, accepted SSH', () => {
    const line =
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
    expect(parse(line, DEFAULT)).toEqual({
      version: 2,
      account_id: '123456789010',
      interface_id: 'eni-1235b8ca123456789',
      srcaddr: '172.31.16.139',
      dstaddr: '172.31.16.21',
      srcport: 20641,
      dstport: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      start: 1418530010,
      end: 1418530070,
      action: 'ACCEPT',
      log_status: 'OK',
    });
  });

  it('(b) default format, rejected RDP', () => {
    const line =
      '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK';
    expect(parse(line, DEFAULT)).toMatchObject({
      srcaddr: '172.31.9.69',
      dstaddr: '172.31.9.12',
      srcport: 49761,
      dstport: 3389,
      action: 'REJECT',
      log_status: 'OK',
    });
  });

  it('(c) NODATA and SKIPDATA records: the `-` fields are null', () => {
    const nodata = parse('2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA', DEFAULT);
    expect(nodata).toEqual({
      version: 2,
      account_id: '123456789010',
      interface_id: 'eni-1235b8ca123456789',
      srcaddr: null,
      dstaddr: null,
      srcport: null,
      dstport: null,
      protocol: null,
      packets: null,
      bytes: null,
      start: 1431280876,
      end: 1431280934,
      action: null,
      log_status: 'NODATA',
    });
    const skip = parse('2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA', DEFAULT);
    expect(skip).toMatchObject({ interface_id: 'eni-11111111aaaaaaaaa', log_status: 'SKIPDATA', bytes: null });
  });

  it('(d) IPv6 addresses, default format', () => {
    const line =
      '2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK';
    expect(parse(line, DEFAULT)).toMatchObject({
      srcaddr: '2001:db8:1234:a100:8d6e:3477:df66:f105',
      dstaddr: '2001:db8:1234:a102:3304:8879:34cf:4071',
      srcport: 34892,
      dstport: 22,
      packets: 54,
      bytes: 8855,
      start: 1477913708,
      end: 1477913820,
    });
  });

  it('(e) custom version 3 format with TCP flags', () => {
    const request = parse(
      '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK',
      V3,
    );
    expect(request).toEqual({
      version: 3,
      vpc_id: 'vpc-abcdefab012345678',
      subnet_id: 'subnet-aaaaaaaa012345678',
      instance_id: 'i-01234567890123456',
      interface_id: 'eni-1235b8ca123456789',
      account_id: '123456789010',
      type: 'IPv4',
      srcaddr: '52.213.180.42',
      dstaddr: '10.0.0.62',
      srcport: 43416,
      dstport: 5001,
      pkt_srcaddr: '52.213.180.42',
      pkt_dstaddr: '10.0.0.62',
      protocol: 6,
      bytes: 568,
      packets: 8,
      start: 1566848875,
      end: 1566848933,
      action: 'ACCEPT',
      tcp_flags: 2,
      log_status: 'OK',
    });
    const response = parse(
      '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK',
      V3,
    );
    expect(response).toMatchObject({ srcport: 5001, dstport: 43416, bytes: 376, packets: 7, tcp_flags: 18 });
  });

  it('(e) the documentation line with a double space (a typo in the docs) still parses', () => {
    const line =
      '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43638  10.0.0.62 52.213.180.42 6 967 14 1566933133 1566933193 ACCEPT 19 OK';
    expect(parse(line, V3)).toMatchObject({
      srcport: 5001,
      dstport: 43638,
      pkt_srcaddr: '10.0.0.62',
      bytes: 967,
      packets: 14,
      tcp_flags: 19,
      log_status: 'OK',
    });
  });

  it('(f) custom version 5 format with service names, traffic path and flow direction', () => {
    const ingress = parse(
      '5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 52.95.128.179 10.0.0.71 S3 - - ingress OK',
      V5,
    );
    expect(ingress).toEqual({
      version: 5,
      srcaddr: '52.95.128.179',
      dstaddr: '10.0.0.71',
      srcport: 80,
      dstport: 34210,
      protocol: 6,
      start: 1616729292,
      end: 1616729349,
      type: 'IPv4',
      packets: 14,
      bytes: 15044,
      account_id: '123456789012',
      vpc_id: 'vpc-abcdefab012345678',
      subnet_id: 'subnet-aaaaaaaa012345678',
      instance_id: 'i-0c50d5961bcb2d47b',
      interface_id: 'eni-1235b8ca123456789',
      region: 'ap-southeast-2',
      az_id: 'apse2-az3',
      sublocation_type: null,
      sublocation_id: null,
      action: 'ACCEPT',
      tcp_flags: 19,
      pkt_srcaddr: '52.95.128.179',
      pkt_dstaddr: '10.0.0.71',
      pkt_src_aws_service: 'S3',
      pkt_dst_aws_service: null,
      traffic_path: null,
      flow_direction: 'ingress',
      log_status: 'OK',
    });
    const egress = parse(
      '5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK',
      V5,
    );
    expect(egress).toMatchObject({
      pkt_src_aws_service: null,
      pkt_dst_aws_service: 'S3',
      traffic_path: 8,
      flow_direction: 'egress',
      tcp_flags: 3,
      packets: 7,
      bytes: 471,
    });
  });

  it('(g) regional NAT gateway: resource-id and the `-` interface fields', () => {
    const layout = parseLogFormat(
      '${resource-id} ${instance-id} ${interface-id} ${subnet-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}',
    );
    expect(parse('nat-1234567890abcdef - - - 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5', layout)).toEqual({
      resource_id: 'nat-1234567890abcdef',
      instance_id: null,
      interface_id: null,
      subnet_id: null,
      srcaddr: '10.0.1.5',
      dstaddr: '203.0.113.5',
      pkt_srcaddr: '10.0.1.5',
      pkt_dstaddr: '203.0.113.5',
    });
    // The docs annotate the second record with a `#...` comment: that text is not part of a record.
    const annotated =
      '- i-01234567890123456 eni-1111aaaa2222bbbb3 subnet-aaaaaaaa012345678 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5 #Traffic from the source instance to host on the internet';
    expect(parseFlowLogLine(annotated, layout)).toEqual({ ok: false, reason: 'expected 8 fields, found 18' });
    expect(parse(annotated.slice(0, annotated.indexOf(' #')), layout)).toMatchObject({
      resource_id: null,
      instance_id: 'i-01234567890123456',
      interface_id: 'eni-1111aaaa2222bbbb3',
    });
  });

  it('(h) the encryption-status example of the launch blog, with its header line', () => {
    const header = 'flow-direction traffic-path srcaddr dstaddr srcport dstport encryption-status';
    const layout = layoutFromHeaderLine(header);
    const rows = [
      'ingress - 10.0.133.8 10.0.128.55 43236 80 1',
      'egress 1 10.0.128.55 10.0.133.8 80 43236 1',
      'ingress - 10.0.130.104 10.0.128.55 55016 80 0',
      'egress 1 10.0.128.55 10.0.130.104 80 55016 0',
    ].map((line) => parse(line, layout));
    expect(
      rows.map((r) => [
        r.flow_direction,
        r.traffic_path,
        r.srcaddr,
        r.dstaddr,
        r.srcport,
        r.dstport,
        r.encryption_status,
      ]),
    ).toEqual([
      ['ingress', null, '10.0.133.8', '10.0.128.55', 43236, 80, 1],
      ['egress', 1, '10.0.128.55', '10.0.133.8', 80, 43236, 1],
      ['ingress', null, '10.0.130.104', '10.0.128.55', 55016, 80, 0],
      ['egress', 1, '10.0.128.55', '10.0.130.104', 80, 55016, 0],
    ]);
  });

  it('(a–d) as one default-format object: NODATA/SKIPDATA counted per interface, not as flows', () => {
    const key =
      'AWSLogs/123456789010/vpcflowlogs/us-east-1/2014/12/14/123456789010_vpcflowlogs_us-east-1_fl-1234abcd_20141214T0405Z_0a1b2c3d.log.gz';
    const agg = new FlowLogAggregator(key, parseFlowLogKey(key));
    for (const line of [
      DEFAULT_FORMAT_FIELDS.join(' '),
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
      '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
      '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
      '2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA',
    ])
      agg.pushLine(line, 0, line.length);
    const { summary, cleartext } = agg.finish();
    expect(agg.stats).toMatchObject({
      records: 4,
      malformed: 0,
      noData: { 'eni-1235b8ca123456789': 1 },
      skipData: { 'eni-11111111aaaaaaaaa': 1 },
    });
    expect(
      summary.map((r) => [r.action, r.flows, r.packets, r.bytes, r.vpc_id, r.region, r.encryption_status]),
    ).toEqual([
      ['ACCEPT', 1n, 20n, 4249n, null, 'us-east-1', null],
      ['REJECT', 1n, 20n, 4249n, null, 'us-east-1', null],
    ]);
    expect(summary[0]!.window_start).toBe(Date.UTC(2014, 11, 14, 4, 5));
    expect(cleartext).toEqual([]);
  });

  it('the transit gateway example has no start, end, packets or bytes: file time and null measures', () => {
    const key =
      'AWSLogs/123456789010/vpcflowlogs/us-east-1/2019/08/27/123456789010_vpcflowlogs_us-east-1_fl-00aa11bb_20190827T1310Z_77aa88bb.log.gz';
    const agg = new FlowLogAggregator(key, parseFlowLogKey(key));
    for (const line of [
      'version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status',
      '3 eni-33333333333333333 123456789010 vpc-abcdefab012345678 subnet-22222222bbbbbbbbb i-01234567890123456 10.20.33.164 10.40.2.236 39812 80 6 3 IPv4 10.20.33.164 10.40.2.236 ACCEPT OK',
      '3 eni-11111111111111111 123456789010 vpc-abcdefab012345678 subnet-11111111aaaaaaaaa - 10.40.1.175 10.40.2.236 39812 80 6 3 IPv4 10.20.33.164 10.40.2.236 ACCEPT OK',
    ])
      agg.pushLine(line, 0, line.length);
    const { summary } = agg.finish();
    expect(summary.map((r) => [r.interface_id, r.window_start, r.flows, r.packets, r.bytes])).toEqual([
      ['eni-33333333333333333', Date.UTC(2019, 7, 27, 13, 10), 1n, null, null],
      ['eni-11111111111111111', Date.UTC(2019, 7, 27, 13, 10), 1n, null, null],
    ]);
  });
});
