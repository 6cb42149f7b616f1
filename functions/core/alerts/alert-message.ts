import { type AlertMessageBody, SEVERITY_ORDER, type Severity } from '../../../schemas/alert.js';
import type { Alert } from './alert.js';

/** SNS Publish limit: body plus message attributes, 256 KiB by default (topic MaximumMessageSize). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** SNS Subject: ASCII, no line breaks or control characters, "less than 100 characters". */
const SNS_MAX_SUBJECT_CHARS = 99;
/** Offenders named in one message, which is also how many alerts of one boundary VPC a run claims. */
export const DEFAULT_ALERTS_PER_VPC = 25;

interface MessageAttribute {
  readonly DataType: 'String' | 'String.Array';
  readonly StringValue: string;
}

/** One SNS message: the new paging alerts of one enforced VPC boundary (account and VPC). */
export interface AlertMessage {
  readonly accountId: string;
  readonly vpcId: string;
  readonly subject: string;
  /** JSON, shaped by schemas/alert.schema.json. */
  readonly body: string;
  readonly attributes: Readonly<Record<'severity' | 'account_id' | 'vpc_id' | 'rule', MessageAttribute>>;
  /** The offenders the message names; their dedup claims live or die with it. */
  readonly alerts: readonly Alert[];
  readonly shown: number;
  /** Alerts the message counts in `not_shown` without naming them. */
  readonly notShown: number;
}

export interface MessageOptions {
  readonly now: number;
  /** Offenders named at most (default DEFAULT_ALERTS_PER_VPC). */
  readonly maxOffenders?: number;
  /** Size limit of body + attributes (the topic's MaximumMessageSize). */
  readonly maxBytes?: number;
}

const UNKNOWN = 'unknown';

/** The boundary an alert belongs to: the account and VPC whose controls were crossed. */
export function boundaryOf(alert: Alert): string {
  return `${boundaryAccount(alert)} ${boundaryVpc(alert)}`;
}

/** Ranked alerts split by boundary, in order of each boundary's first (worst) alert; ranks kept inside. */
export function groupByBoundary(alerts: readonly Alert[]): Alert[][] {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const key = boundaryOf(alert);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(alert);
  }
  return [...groups.values()];
}

const boundaryAccount = (a: Alert) => a.boundary_account_id ?? a.account_id ?? UNKNOWN;
const boundaryVpc = (a: Alert) => a.boundary_vpc_id ?? a.vpc_id ?? UNKNOWN;

/**
 * The message of one boundary. `listed` (ranked) may be named, as many as fit the offender and
 * size limits; `more` (ranked, after `listed`) are only counted, in the totals and `not_shown`.
 */
export function renderAlertMessage(
  listed: readonly Alert[],
  more: readonly Alert[],
  options: MessageOptions,
): AlertMessage {
  const all = [...listed, ...more];
  const first = all[0]!;
  const accountId = boundaryAccount(first);
  const vpcId = boundaryVpc(first);
  const region = first.boundary_region ?? first.region ?? UNKNOWN;
  const severity = worst(all.map((a) => a.severity));
  const rules = [...new Set(all.map((a) => a.rule))].sort();
  const attributes = {
    severity: { DataType: 'String', StringValue: severity },
    account_id: { DataType: 'String', StringValue: accountId },
    vpc_id: { DataType: 'String', StringValue: vpcId },
    rule: { DataType: 'String.Array', StringValue: JSON.stringify(rules) },
  } as const;
  const noun = all.length === 1 ? 'violation' : 'violations';
  const subject = asciiSubject(
    `ciphertrail ${severity.toUpperCase()}: ${all.length} cleartext ${noun} at ${vpcId} (${accountId} ${region})`,
  );
  const volume = (list: readonly Alert[]) => ({
    alerts: list.length,
    flows: list.reduce((n, a) => n + a.flows, 0),
    bytes: list.reduce((n, a) => n + a.bytes, 0),
  });
  const payload = (shown: number) =>
    JSON.stringify(
      {
        schema_version: 1,
        source: 'ciphertrail',
        generated_at: new Date(options.now).toISOString(),
        account_id: accountId,
        region,
        vpc_id: vpcId,
        severity,
        rules,
        summary: `${all.length} cleartext ${noun} crossing the encryption boundary of ${vpcId}`,
        totals: volume(all),
        top_offenders: all.slice(0, shown),
        not_shown: volume(all.slice(shown)),
      } satisfies AlertMessageBody,
      null,
      2,
    );

  const budget = (options.maxBytes ?? SNS_MAX_MESSAGE_BYTES) - attributeBytes(attributes);
  let shown = Math.min(listed.length, options.maxOffenders ?? DEFAULT_ALERTS_PER_VPC);
  let body = payload(shown);
  // Offenders are similar in size: scale down by the overshoot, then step to fit exactly.
  while (Buffer.byteLength(body) > budget && shown > 0) {
    shown = Math.max(0, Math.min(shown - 1, Math.floor((shown * budget) / Buffer.byteLength(body))));
    body = payload(shown);
  }
  return {
    accountId,
    vpcId,
    subject,
    body,
    attributes,
    alerts: listed.slice(0, shown),
    shown,
    notShown: all.length - shown,
  };
}

function worst(severities: readonly Severity[]): Severity {
  return SEVERITY_ORDER.find((s) => severities.includes(s)) ?? 'info';
}

/** SNS counts attribute names, types and values towards the message size. */
function attributeBytes(attributes: Record<string, MessageAttribute>): number {
  return Object.entries(attributes).reduce(
    (n, [name, a]) => n + Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue),
    0,
  );
}

function asciiSubject(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= SNS_MAX_SUBJECT_CHARS ? clean : `${clean.slice(0, SNS_MAX_SUBJECT_CHARS - 3)}...`;
}
