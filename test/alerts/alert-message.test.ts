import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../functions/core/alerts/alert.js';
import {
  type AlertMessage,
  groupByBoundary,
  type MessageOptions,
  renderAlertMessage,
  SNS_MAX_MESSAGE_BYTES,
} from '../../functions/core/alerts/alert-message.js';
import alertSchema from '../../schemas/alert.schema.json' with { type: 'json' };
import { ANALYTICS, group, manyGroups, PAYMENTS, SHARED, T0, violations } from './fixtures.js';

const ajv = new AjvModule.default({ allErrors: true, strict: true });
const validateMessage = ajv.compile(alertSchema);
const validateAlert = ajv.getSchema('https://ciphertrail.dev/schemas/alert.schema.json#/definitions/alert')!;

/** One message per boundary, every alert listed (as a run that claimed them all would). */
const messagesOf = (alerts: readonly Alert[], options: MessageOptions) =>
  groupByBoundary(alerts).map((list) => renderAlertMessage(list, [], options));

const messageBytes = (m: AlertMessage) =>
  Buffer.byteLength(m.body) +
  Object.entries(m.attributes).reduce(
    (n, [k, a]) => n + k.length + a.DataType.length + Buffer.byteLength(a.StringValue),
    0,
  );

describe('alerts', () => {
  it('merges windows of the same (VPC, ENI, peer, port, protocol, rule) and ranks by severity then bytes', () => {
    const alerts = violations([
      group({ window_start: T0, first_seen: T0 + 1000, last_seen: T0 + 60_000, flows: 2n, bytes: 4000n }),
      group({ window_start: T0 + 300_000, first_seen: T0 + 301_000, last_seen: T0 + 360_000, flows: 3n, bytes: 6000n }),
      // the reply direction of the same conversation: same peer and service port
      group({
        flow_direction: 'ingress',
        traffic_path: null,
        srcaddr: '10.1.7.9',
        dstaddr: '10.1.1.10',
        flows: 1n,
        bytes: 100n,
      }),
      group({ interface_id: 'eni-0b2b2b2b2b2b2b2b2', port: 5432, bytes: 999_999n }),
      group({
        vpc_id: ANALYTICS,
        account_id: '222222222222',
        region: 'eu-west-1',
        srcaddr: '10.20.1.1',
        dstaddr: '203.0.113.5',
        traffic_path: 8,
        port: 80,
        bytes: 10n,
      }),
    ]);
    expect(alerts.map((a) => [a.severity, a.vpc_id, a.port, a.flows, a.bytes])).toEqual([
      ['critical', ANALYTICS, 80, 2, 10],
      ['high', PAYMENTS, 5432, 2, 999_999],
      ['high', PAYMENTS, 8080, 6, 10_100],
    ]);
    const merged = alerts[2]!;
    expect(merged).toMatchObject({
      dedup_key: `${PAYMENTS}|eni-0a1a1a1a1a1a1a1a1|10.1.7.9|6|8080|cleartext-in-enforced-vpc`,
      first_seen: new Date(T0 + 1000).toISOString(),
      last_seen: new Date(T0 + 360_000).toISOString(),
      srcaddr: '10.1.1.10',
      dstaddr: '10.1.7.9',
      path: 'egress to 10.1.7.9 (in the same VPC), tcp/8080',
    });
    expect(merged.remediation).toMatch(/Nitro instance type that encrypts in transit, or add TLS on tcp\/8080/);
    expect(alerts[0]!.remediation).toMatch(/enable the InternetGateway exclusion on vpc-0fedcba9876543210/);
    for (const a of alerts) expect(validateAlert(a), JSON.stringify(validateAlert.errors)).toBe(true);
  });

  it('sends one message per boundary account and VPC, with filterable attributes', () => {
    const alerts = violations([
      ...manyGroups(3),
      group({ vpc_id: SHARED, srcaddr: '10.3.0.15', dstaddr: '10.1.7.9', traffic_path: 4 }), // into payments
      ...manyGroups(2, ANALYTICS),
    ]);
    const messages = messagesOf(alerts, { now: T0 });
    expect(messages.map((m) => [m.accountId, m.vpcId, m.alerts.length])).toEqual([
      ['111111111111', PAYMENTS, 4],
      ['222222222222', ANALYTICS, 2],
    ]);
    const payments = messages[0]!;
    expect(payments.subject).toBe(
      'ciphertrail HIGH: 4 cleartext violations at vpc-0e1f2a3b4c5d6e7f8 (111111111111 us-east-1)',
    );
    expect(payments.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      account_id: { DataType: 'String', StringValue: '111111111111' },
      vpc_id: { DataType: 'String', StringValue: PAYMENTS },
      rule: { DataType: 'String.Array', StringValue: '["cleartext-in-enforced-vpc","cleartext-into-enforced-vpc"]' },
    });
    const body = JSON.parse(payments.body);
    expect(validateMessage(body), JSON.stringify(validateMessage.errors)).toBe(true);
    expect(body).toMatchObject({
      vpc_id: PAYMENTS,
      totals: { alerts: 4 },
      not_shown: { alerts: 0, flows: 0, bytes: 0 },
    });
  });

  it('keeps the body under 256 KiB and the subject under 100 ASCII characters however many violations', () => {
    const alerts = violations(manyGroups(40_000));
    const [message] = messagesOf(alerts, { now: T0, maxOffenders: 100_000 });
    expect(messageBytes(message!)).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    expect(message!.subject.length).toBeLessThan(100);
    expect(message!.subject).toMatch(/^[\x20-\x7e]+$/);
    const body = JSON.parse(message!.body);
    expect(validateMessage(body)).toBe(true);
    expect(body.top_offenders.length).toBe(message!.shown);
    expect(message!.shown).toBeGreaterThan(100);
    expect(body.totals.alerts).toBe(40_000);
    expect(body.not_shown.alerts).toBe(40_000 - message!.shown);
    expect(body.top_offenders.length + body.not_shown.alerts).toBe(body.totals.alerts);
    expect(body.not_shown.bytes + body.top_offenders.reduce((n: number, a: { bytes: number }) => n + a.bytes, 0)).toBe(
      body.totals.bytes,
    );
    // the biggest offenders are the ones shown
    expect(body.top_offenders[0].bytes).toBe(1_000_000);
  });

  it('lists the top 25 offenders by default and fits a smaller topic limit exactly', () => {
    const alerts = violations(manyGroups(60));
    expect(messagesOf(alerts, { now: T0 })[0]!.shown).toBe(25);
    const [small] = messagesOf(alerts, { now: T0, maxBytes: 8_000 });
    expect(messageBytes(small!)).toBeLessThanOrEqual(8_000);
    expect(small!.shown).toBeGreaterThan(0);
    expect(JSON.parse(small!.body).not_shown.alerts).toBe(60 - small!.shown);
  });

  it('counts the alerts over the per-VPC cap in the totals and not_shown, and names only listed ones', () => {
    const alerts = violations(manyGroups(8));
    const message = renderAlertMessage(alerts.slice(0, 3), alerts.slice(3), { now: T0 });
    expect(message).toMatchObject({
      shown: 3,
      notShown: 5,
      subject: expect.stringContaining(': 8 cleartext violations at'),
    });
    expect(message.alerts.map((a) => a.dedup_key)).toEqual(alerts.slice(0, 3).map((a) => a.dedup_key));
    const body = JSON.parse(message.body);
    expect(validateMessage(body), JSON.stringify(validateMessage.errors)).toBe(true);
    expect(body.top_offenders.map((a: Alert) => a.interface_id)).toEqual(alerts.slice(0, 3).map((a) => a.interface_id));
    expect(body.totals).toEqual({ alerts: 8, flows: 16, bytes: alerts.reduce((n, a) => n + a.bytes, 0) });
    expect(body.not_shown).toEqual({ alerts: 5, flows: 10, bytes: alerts.slice(3).reduce((n, a) => n + a.bytes, 0) });
  });
});
