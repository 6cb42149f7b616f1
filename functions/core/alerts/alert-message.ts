import { SEVERITY_ORDER, type Severity } from '../../../schemas/alert.js';
import type { Alert } from './alert.js';

/** SNS Publish limit: body plus message attributes, 256 KiB by default (topic MaximumMessageSize). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** SNS Subject: ASCII, no line breaks or control characters, "less than 100 characters". */
export const SNS_MAX_SUBJECT_CHARS = 99;
export const DEFAULT_TOP_OFFENDERS = 25;

export interface MessageAttribute {
  readonly DataType: 'String' | 'String.Array';
  readonly StringValue: string;
}

/** One SNS message: the paging alerts of one enforced VPC boundary (account and VPC). */
export interface AlertMessage {
  readonly accountId: string;
  readonly vpcId: string;
  readonly subject: string;
  /** JSON, shaped by schemas/alert.schema.json. */
  readonly body: string;
  readonly attributes: Readonly<Record<'severity' | 'account_id' | 'vpc_id' | 'rule', MessageAttribute>>;
  /** Every alert the message stands for (shown or counted); their dedup claims live or die with it. */
  readonly alerts: readonly Alert[];
  readonly shown: number;
}

export interface MessageOptions {
  readonly now: number;
  readonly maxOffenders?: number;
  /** Size limit of body + attributes (the topic's MaximumMessageSize). */
  readonly maxBytes?: number;
}

const UNKNOWN = 'unknown';

/** Groups ranked alerts by (boundary account, boundary VPC) and renders one message per group. */
export function buildAlertMessages(alerts: readonly Alert[], options: MessageOptions): AlertMessage[] {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const key = `${boundaryAccount(alert)} ${boundaryVpc(alert)}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(alert);
  }
  return [...groups.values()].map((list) => renderMessage(list, options));
}

const boundaryAccount = (a: Alert) => a.boundary_account_id ?? a.account_id ?? UNKNOWN;
const boundaryVpc = (a: Alert) => a.boundary_vpc_id ?? a.vpc_id ?? UNKNOWN;

function renderMessage(alerts: readonly Alert[], options: MessageOptions): AlertMessage {
  const first = alerts[0]!;
  const accountId = boundaryAccount(first);
  const vpcId = boundaryVpc(first);
  const region = first.boundary_region ?? first.region ?? UNKNOWN;
  const severity = worst(alerts.map((a) => a.severity));
  const rules = [...new Set(alerts.map((a) => a.rule))].sort();
  const attributes = {
    severity: { DataType: 'String', StringValue: severity },
    account_id: { DataType: 'String', StringValue: accountId },
    vpc_id: { DataType: 'String', StringValue: vpcId },
    rule: { DataType: 'String.Array', StringValue: JSON.stringify(rules) },
  } as const;
  const noun = alerts.length === 1 ? 'violation' : 'violations';
  const subject = asciiSubject(
    `ciphertrail ${severity.toUpperCase()}: ${alerts.length} cleartext ${noun} at ${vpcId} (${accountId} ${region})`);
  const sum = (list: readonly Alert[], field: 'flows' | 'bytes') => list.reduce((n, a) => n + a[field], 0);
  const payload = (shown: number) => JSON.stringify({
    schema_version: 1,
    source: 'ciphertrail',
    generated_at: new Date(options.now).toISOString(),
    account_id: accountId,
    region,
    vpc_id: vpcId,
    severity,
    rules,
    summary: `${alerts.length} cleartext ${noun} crossing the encryption boundary of ${vpcId}`,
    totals: { alerts: alerts.length, flows: sum(alerts, 'flows'), bytes: sum(alerts, 'bytes') },
    top_offenders: alerts.slice(0, shown),
    not_shown: { alerts: alerts.length - shown, flows: sum(alerts.slice(shown), 'flows'), bytes: sum(alerts.slice(shown), 'bytes') },
  }, null, 2);

  const budget = (options.maxBytes ?? SNS_MAX_MESSAGE_BYTES) - attributeBytes(attributes);
  let shown = Math.min(alerts.length, options.maxOffenders ?? DEFAULT_TOP_OFFENDERS);
  let body = payload(shown);
  // Offenders are similar in size: scale down by the overshoot, then step to fit exactly.
  while (Buffer.byteLength(body) > budget && shown > 0) {
    shown = Math.min(shown - 1, Math.floor((shown * budget) / Buffer.byteLength(body)));
    body = payload(Math.max(shown, 0));
  }
  return { accountId, vpcId, subject, body, attributes, alerts, shown: Math.max(shown, 0) };
}

function worst(severities: readonly Severity[]): Severity {
  return SEVERITY_ORDER.find((s) => severities.includes(s)) ?? 'info';
}

/** SNS counts attribute names, types and values towards the message size. */
function attributeBytes(attributes: Record<string, MessageAttribute>): number {
  return Object.entries(attributes).reduce(
    (n, [name, a]) => n + Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue), 0);
}

function asciiSubject(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= SNS_MAX_SUBJECT_CHARS ? clean : `${clean.slice(0, SNS_MAX_SUBJECT_CHARS - 3)}...`;
}
