import type { FindingClass } from '../../../schemas/alert.js';
import type { BoundaryPolicy, BoundaryVpc, ControlMode } from '../../../schemas/boundary-policy.js';
import { definedProps } from '../defined.js';
import type { CleartextGroup } from '../flow-log-aggregator.js';
import { formatBoundaryPolicy } from '../policy/policy-document.js';
import type { OutputFile } from '../ports.js';
import { type Alert, buildAlerts, type ClassifiedGroup, classifyGroups, findingRows } from './alert.js';
import type {
  AlertOrigin,
  AlertPublisher,
  DedupStore,
  FindingsWriter,
  PolicySource,
  RecordStore,
} from './alert-ports.js';
import { controlStateAlerts } from './control-state.js';
import { type PageResult, pageAlerts } from './page-alerts.js';

/** Keys of the run records, under the output folder or prefix (the CLI's `--out`). */
export const ALERT_FILES = {
  /** One line per page, appended: the log of what paged. */
  alerts: 'alerts.jsonl',
  /** This run's readiness findings, rewritten each run. */
  readiness: 'readiness.jsonl',
  /** Suppression claims of the file dedup store. */
  dedup: 'alert-dedup.json',
  /** The policy the findings were classified with; `report` reads it. */
  policy: 'boundaries.json',
} as const;

export interface AlertRunPorts {
  readonly policy: PolicySource;
  readonly dedup: DedupStore;
  /** Without one alerts are claimed but sent nowhere (local runs log them in alerts.jsonl). */
  readonly publisher?: AlertPublisher;
  /** Where each object's `findings` rows go; none when absent. */
  readonly findings?: FindingsWriter;
  /** Where the run records go (ALERT_FILES); none when absent (Lambda). */
  readonly records?: RecordStore;
  readonly clock: () => number;
  /** Milliseconds before the caller is cut off (Lambda `getRemainingTimeInMillis`); absent: no deadline (CLI). */
  readonly remainingMs?: () => number;
}

export interface AlertRunSettings {
  readonly suppressMinutes?: number;
  readonly maxAlertsPerVpc?: number;
  readonly reserveMs?: number;
  readonly maxMessageBytes?: number;
  readonly concurrency?: number;
}

/** One source object's cleartext and EC-rejected groups. */
export interface ObjectGroups {
  readonly origin: AlertOrigin;
  readonly groups: readonly CleartextGroup[];
}

export interface AlertRunOutcome {
  readonly vpcs: Record<ControlMode, number>;
  readonly findings: Record<FindingClass, Alert[]>;
  readonly paging: PageResult;
  readonly findingsFiles: readonly OutputFile[];
  /** Printable locations of the run records, when there is a record store. */
  readonly files?: { readonly alerts: string; readonly readiness: string; readonly policy: string };
}

/**
 * The alerting run, the one orchestration the CLI (once, over all objects) and the ingest Lambda
 * (per object) call: classify each object's groups with the policy in force, write its `findings`
 * rows, page the new violations (pageAlerts), and keep the run records. Failed messages and
 * deferred alerts are in `paging`; whether they fail the caller is the caller's choice.
 */
export async function runAlerts(
  objects: readonly ObjectGroups[],
  ports: AlertRunPorts,
  settings: AlertRunSettings = {},
): Promise<AlertRunOutcome> {
  const now = ports.clock();
  const index = await ports.policy.get();
  const classified: ClassifiedGroup[] = [];
  const findingsFiles: OutputFile[] = [];
  for (const { origin, groups } of objects) {
    const found = classifyGroups(groups, index);
    classified.push(...found);
    // Also with nothing found: the object's findings of an earlier run are then removed.
    if (ports.findings) findingsFiles.push(...(await ports.findings.write(origin, findingRows(found))));
  }
  const findings: Record<FindingClass, Alert[]> = {
    violation: buildAlerts(classified, 'violation', index),
    blocked: buildAlerts(classified, 'blocked', index),
    readiness: buildAlerts(classified, 'readiness', index),
    excluded: buildAlerts(classified, 'excluded', index),
  };

  const records = ports.records;
  await records?.put(ALERT_FILES.policy, Buffer.from(formatBoundaryPolicy(index.policy)), 'application/json');
  const paging = await pageWithPorts(findings.violation, ports, now, settings);
  if (records) {
    // S3 has no append: the log is read and written back whole (one run at a time, like the dedup file).
    const earlier = await records.get(ALERT_FILES.alerts);
    await records.put(
      ALERT_FILES.alerts,
      Buffer.concat([earlier ?? new Uint8Array(), jsonLines(paging.paged)]),
      NDJSON,
    );
    await records.put(ALERT_FILES.readiness, jsonLines(findings.readiness), NDJSON);
  }
  return {
    vpcs: index.countByMode(),
    findings,
    paging,
    findingsFiles,
    ...(records
      ? {
          files: {
            alerts: records.describe(ALERT_FILES.alerts),
            readiness: records.describe(ALERT_FILES.readiness),
            policy: records.describe(ALERT_FILES.policy),
          },
        }
      : {}),
  };
}

/** One paging of `alerts` through the ports both runs share (dedup claims, publisher, clock, deadline). */
function pageWithPorts(
  alerts: Parameters<typeof pageAlerts>[0],
  ports: ControlStatePorts,
  now: number,
  settings: AlertRunSettings,
): Promise<PageResult> {
  return pageAlerts(
    alerts,
    definedProps({
      dedup: ports.dedup,
      publisher: ports.publisher,
      now,
      clock: ports.clock,
      remainingMs: ports.remainingMs,
      ...settings,
    }),
  );
}

export interface ControlStatePorts {
  readonly dedup: DedupStore;
  readonly publisher?: AlertPublisher;
  readonly clock: () => number;
  readonly remainingMs?: () => number;
}

export interface ControlStateOutcome {
  /** The policy to write: every failed VPC that paged now (or that another run paged) carries `stateAlertedAt`. */
  readonly policy: BoundaryPolicy;
  readonly alerts: readonly Alert[];
  readonly paging: PageResult;
}

/**
 * The other half of the alerting orchestration, run by sync-boundaries: each VPC whose
 * encryption control entered a failed state pages once, through the same pageAlerts (two-phase
 * claims, suppression window, per-VPC cap, SNS message per boundary) as cleartext violations.
 * A paged (or already suppressed) state is marked `stateAlertedAt` in the returned policy, so the
 * next sync in the same state does not page again; a failed message leaves it unmarked, so the
 * next sync tries again. Like runAlerts it never throws for a failed message.
 */
export async function runControlStateAlerts(
  policy: BoundaryPolicy,
  ports: ControlStatePorts,
  settings: AlertRunSettings = {},
): Promise<ControlStateOutcome> {
  const now = ports.clock();
  const alerts = controlStateAlerts(policy, now);
  const paging = await pageWithPorts(alerts, ports, now, settings);
  const at = new Date(now).toISOString();
  const done = new Set([...paging.paged, ...paging.suppressed].map((a) => a.vpc_id));
  const vpcs: Record<string, BoundaryVpc> = { ...policy.vpcs };
  for (const id of done) if (id && vpcs[id]) vpcs[id] = { ...vpcs[id]!, stateAlertedAt: at };
  return { policy: { ...policy, vpcs }, alerts, paging };
}

const NDJSON = 'application/x-ndjson';
const jsonLines = (alerts: readonly Alert[]) => Buffer.from(alerts.map((a) => `${JSON.stringify(a)}\n`).join(''));
