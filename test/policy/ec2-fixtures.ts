import { readFileSync } from 'node:fs';
import type { QueryRequest, QueryResponse } from '../helpers/query-api-server.js';

/**
 * Recorded EC2 Query API responses (fixtures/ec2/*.xml, wire names as in the EC2 API reference, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Welcome.html):
 * the caller's account 111111111111 in us-east-1 (payments enforce, legacy monitor, a control
 * being deleted, two pages) and member account 222222222222 in eu-west-1 (analytics), reached
 * through STS AssumeRole.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/ec2/${name}.xml`, import.meta.url), 'utf8');
const EMPTY_CONTROLS =
  '<DescribeVpcEncryptionControlsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
  '<requestId>00000000-0000-0000-0000-000000000000</requestId><vpcEncryptionControlSet/></DescribeVpcEncryptionControlsResponse>';
export const MEMBER_ROLE = 'arn:aws:iam::222222222222:role/ciphertrail-read';
export const MEMBER_KEY = 'ASIAMEMBER222222222';

export const CALLER_ACCOUNT = '111111111111';
export const MEMBER_ACCOUNT = '222222222222';

/** STS GetCallerIdentity as the caller's own credentials see it. */
const callerIdentity = (account = CALLER_ACCOUNT): QueryResponse => ({
  body:
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    `<Arn>arn:aws:sts::${account}:assumed-role/ciphertrail-boundary-sync/ciphertrail-sync</Arn>` +
    `<UserId>AROAEXAMPLECALLER:ciphertrail-sync</UserId><Account>${account}</Account></GetCallerIdentityResult>` +
    '<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
});

/** An STS/EC2 Query-protocol error, as the services send it. */
export const queryError = (status: number, code: string, message: string): QueryResponse => ({
  status,
  body:
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${message}</Message></Error><RequestId>req-error</RequestId></ErrorResponse>`,
});

/** A JSON-protocol (SSM, Organizations) answer. */
export const jsonResponse = (body: unknown, status = 200): QueryResponse => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/x-amz-json-1.1',
});

export function respondEc2(request: QueryRequest): QueryResponse {
  if (request.action === 'GetCallerIdentity') return callerIdentity();
  if (request.action === 'AssumeRole') return { body: fixture('member-assume-role') };
  const who = request.accessKeyId === MEMBER_KEY ? 'member' : 'caller';
  const home = who === 'member' ? 'eu-west-1' : 'us-east-1';
  if (request.action === 'DescribeVpcEncryptionControls') {
    if (request.region !== home) return { body: EMPTY_CONTROLS };
    if (who === 'member') return { body: fixture('member-describe-vpc-encryption-controls') };
    return { body: fixture(`caller-describe-vpc-encryption-controls-${request.params.get('NextToken') ? 2 : 1}`) };
  }
  if (request.action === 'DescribeAccountVpcEncryptionControl') {
    return {
      body: fixture(
        `${who === 'caller' && request.region === home ? 'caller' : 'unmanaged'}-describe-account-vpc-encryption-control`,
      ),
    };
  }
  if (request.action === 'DescribeVpcs') return { body: fixture(`${who}-describe-vpcs`) };
  if (request.action === 'GetVpcResourcesBlockingEncryptionEnforcement') {
    return {
      body: fixture(
        `caller-get-vpc-resources-blocking-encryption-enforcement-${request.params.get('NextToken') ? 2 : 1}`,
      ),
    };
  }
  if (request.action === 'DescribeTransitGateways')
    return { body: fixture(`${who === 'caller' ? 'caller' : 'empty'}-describe-transit-gateways`) };
  if (request.action === 'DescribeInstances') return { body: fixture('caller-describe-instances') };
  if (request.action === 'DescribeNetworkInterfaces') return { body: fixture(`${who}-describe-network-interfaces`) };
  return {
    status: 400,
    body: `<Response><Errors><Error><Code>InvalidAction</Code><Message>${request.action}</Message></Error></Errors></Response>`,
  };
}

/** The policy the recorded responses describe. */
export const EXPECTED_VPCS = {
  'vpc-0a9b8c7d6e5f4a3b2': {
    name: 'legacy',
    mode: 'monitor',
    state: 'available',
    controlId: 'vpcec-0a1b2c3d4e5f60718',
    exclusionStates: { Lambda: 'disabling' },
    blockingResources: [
      {
        id: 'eni-0c3c3c3c3c3c3c3c3',
        type: 'NetworkInterface',
        description:
          'Network interface of instance i-0c3c3c3c3c3c3c3c3, an instance type that does not support encryption in transit',
        excludable: false,
      },
      {
        id: 'igw-0c1d2e3f4a5b6c7d8',
        type: 'InternetGateway',
        description: 'Internet gateway attached to the VPC',
        excludable: true,
      },
    ],
    exclusions: [],
    cidrs: ['10.2.0.0/16'],
    accountId: '111111111111',
    region: 'us-east-1',
  },
  'vpc-0e1f2a3b4c5d6e7f8': {
    name: 'payments',
    mode: 'enforce',
    state: 'available',
    controlId: 'vpcec-0123456789abcdef0',
    exclusionStates: { InternetGateway: 'enabled', NatGateway: 'enabled', VpcPeering: 'enabling' },
    exclusions: ['InternetGateway', 'NatGateway'],
    cidrs: ['10.1.0.0/16', '2600:1f18:4a3:6e00::/56'],
    accountId: '111111111111',
    region: 'us-east-1',
    excludedInterfaces: ['eni-0c0c0c0c0c0c0c0c0'],
  },
  'vpc-0fedcba9876543210': {
    name: 'analytics',
    mode: 'enforce',
    state: 'available',
    controlId: 'vpcec-0fedcba9876543210',
    exclusionStates: { VpcPeering: 'enabled' },
    exclusions: ['VpcPeering'],
    cidrs: ['10.20.0.0/16'],
    accountId: '222222222222',
    region: 'eu-west-1',
  },
};

/** The version 2 inventory the recorded responses describe, for the caller in us-east-1 and the member in eu-west-1. */
export function expectedInventory(regions: readonly string[] = ['us-east-1', 'eu-west-1'], member = true) {
  const unmanaged = (accountId: string, region: string) => ({
    accountId,
    region,
    mode: 'unmanaged',
    state: 'default-state',
    managedBy: 'account',
  });
  return {
    schemaVersion: 2,
    accountControls: [CALLER_ACCOUNT, ...(member ? [MEMBER_ACCOUNT] : [])].flatMap((accountId) =>
      regions.map((region) =>
        accountId === CALLER_ACCOUNT && region === 'us-east-1'
          ? {
              accountId,
              region,
              mode: 'attempt-enforce',
              state: 'transitions-successful',
              exclusions: { InternetGateway: 'enabled', NatGateway: 'enabled' },
              managedBy: 'declarative-policy',
              lastUpdatedAt: '2026-11-20T09:30:00.000Z',
            }
          : unmanaged(accountId, region),
      ),
    ),
    transitGateways: {
      'tgw-0a1b2c3d4e5f60718': {
        accountId: CALLER_ACCOUNT,
        region: 'us-east-1',
        name: 'core',
        state: 'available',
        encryptionSupport: 'enabling',
        stateMessage: 'Encryption support is being enabled',
      },
      'tgw-0b2c3d4e5f6071829': { accountId: CALLER_ACCOUNT, region: 'us-east-1', state: 'available' },
    },
    interfaces: {
      'eni-0c3c3c3c3c3c3c3c3': {
        vpcId: 'vpc-0a9b8c7d6e5f4a3b2',
        interfaceType: 'interface',
        description: 'Primary network interface',
        instanceId: 'i-0c3c3c3c3c3c3c3c3',
        instanceType: 'm4.large',
        nitro: 'not-nitro',
        label: 'i-0c3c3c3c3c3c3c3c3 (m4.large, not Nitro)',
      },
      'eni-0e5e5e5e5e5e5e5e5': {
        vpcId: 'vpc-0a9b8c7d6e5f4a3b2',
        interfaceType: 'interface',
        instanceId: 'i-0e5e5e5e5e5e5e5e5',
        instanceType: 'm6i.large',
        nitro: 'encrypts',
        label: 'i-0e5e5e5e5e5e5e5e5 (m6i.large, Nitro, encrypts in transit)',
      },
    },
  };
}
