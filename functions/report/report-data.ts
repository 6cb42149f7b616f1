import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BoundaryPolicy } from '../../schemas/boundary-policy.js';
import { namedQuery } from '../../schemas/queries.js';
import { readPolicy } from '../adapters/policy-store.js';
import type { QueryRow, QueryRunner } from '../adapters/query-runner.js';
import { ALERT_FILES } from '../core/alerts/alert-run.js';
import { definedProps } from '../core/defined.js';
import { STATUS_LEGEND, type StatusLegendEntry } from '../core/encryption-status.js';
import { type BoundaryReport, buildBoundaryReport } from './boundary-report.js';

/** The days a report or query covers: all of the tables, or from `fromDay` to the latest day. */
export interface TableWindow {
  /** `--since` as given (30d, 2025-11-20), or null for all days. */
  readonly since: string | null;
  /** First UTC day the tables show (null: from their first day). */
  readonly fromDay: string | null;
  /** Latest UTC day in the tables (null: no rows). */
  readonly lastDay: string | null;
}

/** What the evidence behind a report is: the period its rows cover and the objects read. */
export interface Evidence {
  /** First window and last record end in the tables (ISO text), and the number of UTC days with rows. */
  readonly period: { readonly start: string | null; readonly end: string | null; readonly days: number };
  /** Source objects whose rows are in the tables, over every ingest run (their `source_object`s). */
  readonly objectsInTables: number | null;
  /** The latest ingest run into the folder (`ingest-report.json`), when there is one. */
  readonly lastIngestRun: {
    readonly objects: number;
    readonly accepted: number;
    readonly rejected: number;
    readonly malformedLines: number;
    readonly rejectedObjects: readonly { readonly name: string; readonly reason: string }[];
  } | null;
  /** Objects quarantined as never readable (`rejects/`, written by the ingest Lambda); null when not known (Athena). */
  readonly quarantined: number | null;
}

/** The sections of `report` (text, `--json` and `--html` are renderings of this). */
export interface ReportData {
  readonly generatedAt: string;
  readonly window: TableWindow;
  readonly legend: readonly StatusLegendEntry[];
  readonly evidence: Evidence;
  /** The coverage_totals row: headline flows, bytes and shares. */
  readonly totals: QueryRow;
  readonly byVpc: QueryRow[];
  readonly byPath: QueryRow[];
  readonly topCleartextTalkers: QueryRow[];
  /** Daily coverage per VPC and the cleartext pairs new since the previous week (with `--since`, and in HTML). */
  readonly trend?: { readonly byVpcDay: QueryRow[]; readonly newCleartextPairs: QueryRow[] };
  /** Violations, EC-blocked flows and readiness, when the ingest run had --boundaries. */
  readonly boundaries?: BoundaryReport;
}

/** Rejected objects named in the report; the rest are counted. */
const REJECTED_SHOWN = 10;

/**
 * Where the tables of a report are: a local ingest folder (its run report, manifests, policy copy
 * and alerts are evidence too), or deployed tables through Athena (evidence from the tables only;
 * the policy from the snapshot the sync wrote, when given).
 */
export type ReportSource = { readonly dir: string } | { readonly athena: string; readonly policy?: BoundaryPolicy };

/**
 * Runs the report's named queries through `runner` (DuckDB locally, Athena deployed) and reads
 * the evidence the source has besides the tables.
 */
export async function buildReportData(
  source: ReportSource,
  runner: QueryRunner,
  window: TableWindow,
  options: { readonly trend: boolean; readonly now?: Date },
): Promise<ReportData> {
  const run = (name: string) => runNamed(runner, name);
  const [totals] = await run('coverage_totals');
  const tables = await tableEvidence(totals ?? {}, run);
  const evidence = 'dir' in source ? { ...tables, ...folderEvidence(source.dir) } : tables;
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    window,
    legend: STATUS_LEGEND,
    evidence,
    totals: totals ?? {},
    byVpc: await run('coverage_by_vpc'),
    byPath: await run('coverage_by_path'),
    topCleartextTalkers: await run('top_cleartext_talkers'),
    ...(options.trend
      ? {
          trend: {
            byVpcDay: await run('coverage_trend_by_vpc'),
            newCleartextPairs: await run('new_cleartext_pairs'),
          },
        }
      : {}),
    ...definedProps({
      boundaries:
        'dir' in source
          ? await buildBoundaryReport(await localPolicy(source.dir), join(source.dir, ALERT_FILES.alerts), run)
          : await buildBoundaryReport(source.policy, undefined, run),
    }),
  };
}

/** The rows of the named query `name` (schemas/queries/<name>.sql). */
function runNamed(runner: QueryRunner, name: string): Promise<QueryRow[]> {
  const query = namedQuery(name);
  if (!query) throw new Error(`no named query ${name} in schemas/queries/`);
  return runner.query(query.sql);
}

/** The policy copy a local ingest run with --boundaries keeps in its folder. */
async function localPolicy(dir: string): Promise<BoundaryPolicy | undefined> {
  const path = join(dir, ALERT_FILES.policy);
  return existsSync(path) ? readPolicy(path) : undefined;
}

/** Evidence of deployed tables: the period from the tables, the source objects from their commit column. */
async function tableEvidence(totals: QueryRow, run: (name: string) => Promise<QueryRow[]>): Promise<Evidence> {
  const [objects] = await run('source_objects');
  return {
    period: periodOf(totals),
    objectsInTables: objects?.objects === undefined || objects.objects === null ? null : Number(objects.objects),
    lastIngestRun: null,
    quarantined: null,
  };
}

function periodOf(totals: QueryRow): Evidence['period'] {
  return {
    start: (totals.period_start as string | null | undefined) ?? null,
    end: (totals.period_end as string | null | undefined) ?? null,
    days: Number(totals.days ?? 0),
  };
}

/** Evidence a local ingest folder holds besides its tables: the last run's report and the quarantine. */
function folderEvidence(dir: string): Pick<Evidence, 'lastIngestRun' | 'quarantined'> {
  return {
    lastIngestRun: readLastRun(join(dir, 'ingest-report.json')),
    quarantined: countJson(join(dir, 'rejects')),
  };
}

function readLastRun(path: string): Evidence['lastIngestRun'] {
  if (!existsSync(path)) return null;
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as {
      totals?: { objects?: number; accepted?: number; rejected?: number; malformed?: number };
      rejected?: { name: string; reason: string }[];
    };
    const t = report.totals ?? {};
    return {
      objects: t.objects ?? 0,
      accepted: t.accepted ?? 0,
      rejected: t.rejected ?? 0,
      malformedLines: t.malformed ?? 0,
      rejectedObjects: (report.rejected ?? [])
        .slice(0, REJECTED_SHOWN)
        .map((r) => ({ name: r.name, reason: r.reason })),
    };
  } catch {
    // A damaged run report says nothing about the tables: the report shows the evidence as unknown.
    return null;
  }
}

function countJson(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) n += countJson(path);
    else if (entry.endsWith('.json')) n++;
  }
  return n;
}
