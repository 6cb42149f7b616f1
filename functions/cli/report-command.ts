import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { planFromTables } from '../adapters/plan-tables.js';
import { readPolicy } from '../adapters/policy-store.js';
import type { QueryRunner } from '../adapters/query-runner.js';
import { ALERT_FILES } from '../core/alerts/alert-run.js';
import { describeError } from '../core/describe-error.js';
import type { VpcPlan } from '../core/enforcement-plan.js';
import { OutputError } from '../core/errors.js';
import { formatBytes } from '../report/format.js';
import { type PlanVerdict, renderReportHtml } from '../report/html/report-html.js';
import { buildReportData, type ReportData, type ReportSource, type TableWindow } from '../report/report-data.js';
import { renderReportText } from '../report/report-text.js';
import { parseSince, windowStartOf } from '../report/since.js';
import type { ReportOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';
import { openLocalTables } from './open-tables.js';
import { UsageError } from './usage.js';

/** The local folder's tables, or with --athena the deployed ones (and the policy snapshot given). */
async function openReportTables(
  dir: string | undefined,
  options: ReportOptionValues,
): Promise<{ runner: QueryRunner; window: TableWindow; source: ReportSource; label: string }> {
  if (options.athena) {
    if (dir !== undefined) throw new UsageError(`--athena reads the deployed tables: give no folder (got ${dir})`);
    const { openAthenaTables } = await import('../report/athena-tables.js');
    const policy = options.boundaries ? await readPolicy(options.boundaries) : undefined;
    const { runner, window, label } = await openAthenaTables(options, options.since);
    return { runner, window, label, source: { athena: label, ...(policy ? { policy } : {}) } };
  }
  if (dir === undefined) throw new UsageError('give the --out folder of an ingest run, or --athena');
  if (options.boundaries)
    throw new UsageError('--boundaries goes with --athena; a local run keeps its policy in <dir>');
  const { runner, window } = await openLocalTables('report', dir, options.since);
  return { runner, window, label: dir, source: { dir } };
}

const VERDICT_WORDS: Record<VpcPlan['verdict'], PlanVerdict['verdict']> = {
  ready: 'ready',
  'needs-exclusions': 'needs exclusions',
  blocked: 'blocked',
};

/**
 * The `plan` verdict of each VPC for the HTML readiness table, over plan's default window, when
 * the run kept a policy snapshot (`<dir>/boundaries.json`); blocking resources as plan names them
 * (the ones enforce mode cannot exclude first).
 */
async function planVerdictsOf(dir: string): Promise<Map<string, PlanVerdict> | undefined> {
  const location = join(dir, ALERT_FILES.policy);
  if (!existsSync(location)) return undefined;
  const since = parseSince('14d');
  const plan = await planFromTables(dir, await readPolicy(location), {
    startOf: (untilMs) => windowStartOf(since, untilMs),
  });
  return new Map(
    plan.vpcs.map((vpc) => [
      vpc.vpcId,
      {
        verdict: VERDICT_WORDS[vpc.verdict],
        blocking: (vpc.blockingResources ?? []).filter((r) => !r.excludable).map((r) => r.label),
      },
    ]),
  );
}

/**
 * `ciphertrail report <dir>`: the coverage report of an ingest run's tables (text, --json, and
 * --html <file>); `report --athena`: the same over the deployed tables.
 */
export async function runReportCommand(dir: string | undefined, options: ReportOptionValues): Promise<number> {
  const opened = await openReportTables(dir, options);
  let report: ReportData;
  try {
    // The HTML page always charts the daily trend; the terminal shows it with --since.
    report = await buildReportData(opened.source, opened.runner, opened.window, {
      trend: options.since !== undefined || !!options.html,
    });
  } finally {
    opened.runner.close();
  }
  if (options.html) {
    const planVerdicts = dir === undefined ? undefined : await planVerdictsOf(dir);
    const html = renderReportHtml(report, { source: opened.label, ...(planVerdicts ? { planVerdicts } : {}) });
    try {
      mkdirSync(dirname(options.html), { recursive: true });
      writeFileSync(options.html, html);
    } catch (err) {
      throw new OutputError(`cannot write ${options.html}: ${describeError(err)}`, { cause: err });
    }
  }
  const { trend, ...withoutTrend } = report;
  const shown: ReportData = options.since === undefined || !trend ? withoutTrend : report;
  console.log(options.json ? JSON.stringify(shown, null, 2) : renderReportText(shown, opened.label));
  if (options.html) {
    // Last, so it is the line a reader sees; on stderr, so stdout stays the text or JSON report.
    const size = formatBytes(statSync(options.html).size);
    console.error(
      `\nciphertrail report: wrote ${options.html} (${size}): open it in a browser, or file://${resolve(options.html)}`,
    );
  }
  return EXIT.ok;
}
