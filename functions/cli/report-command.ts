import type { ReportOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';
import { openLocalTables } from './open-tables.js';
import { buildReportData } from './report-data.js';
import { renderReportText } from './report-text.js';

/** `ciphertrail report <dir>`: the coverage report of an ingest run's tables (text, --json or --html). */
export async function runReportCommand(dir: string, options: ReportOptionValues): Promise<number> {
  const { runner, window } = await openLocalTables('report', dir, options.since);
  try {
    const report = await buildReportData(dir, runner, window, { trend: options.since !== undefined });
    console.log(options.json ? JSON.stringify(report, null, 2) : renderReportText(report, dir));
  } finally {
    runner.close();
  }
  return EXIT.ok;
}
