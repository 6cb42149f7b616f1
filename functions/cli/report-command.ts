import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeError } from '../core/describe-error.js';
import { OutputError } from '../core/errors.js';
import type { ReportOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';
import { renderReportHtml } from './html/report-html.js';
import { openLocalTables } from './open-tables.js';
import { buildReportData, type ReportData } from './report-data.js';
import { renderReportText } from './report-text.js';
import { formatBytes } from './usage.js';

/** `ciphertrail report <dir>`: the coverage report of an ingest run's tables (text, --json, and --html <file>). */
export async function runReportCommand(dir: string, options: ReportOptionValues): Promise<number> {
  const { runner, window } = await openLocalTables('report', dir, options.since);
  let report: ReportData;
  try {
    // The HTML page always charts the daily trend; the terminal shows it with --since.
    report = await buildReportData(dir, runner, window, { trend: options.since !== undefined || !!options.html });
  } finally {
    runner.close();
  }
  if (options.html) {
    const html = renderReportHtml(report, { source: dir });
    try {
      mkdirSync(dirname(options.html), { recursive: true });
      writeFileSync(options.html, html);
    } catch (err) {
      throw new OutputError(`cannot write ${options.html}: ${describeError(err)}`, { cause: err });
    }
  }
  const { trend, ...withoutTrend } = report;
  const shown: ReportData = options.since === undefined || !trend ? withoutTrend : report;
  console.log(options.json ? JSON.stringify(shown, null, 2) : renderReportText(shown, dir));
  if (options.html) {
    // Last, so it is the line a reader sees; on stderr, so stdout stays the text or JSON report.
    const size = formatBytes(statSync(options.html).size);
    console.error(
      `\nciphertrail report: wrote ${options.html} (${size}): open it in a browser, or file://${resolve(options.html)}`,
    );
  }
  return EXIT.ok;
}
