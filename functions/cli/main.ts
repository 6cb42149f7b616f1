import { UsageError } from './usage.js';

const HELP = `Usage: ciphertrail <command> [options]

Commands:
  ingest <file-or-dir>... --out <dir>   parse flow logs and write Parquet tables
  report <dir>                          encryption-coverage report over a run's tables
  sync-boundaries --out <file|s3://..>  build the boundary policy from the EC2 API

Run 'ciphertrail <command> --help' for the options of a command.`;

interface Command {
  readonly help: string;
  run(args: string[]): Promise<number>;
}

/**
 * Commands load their modules on first use: `ingest` never loads DuckDB or the EC2 SDK, and a
 * lean heap measurably cuts garbage-collection time on large runs (docs/performance.md).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  ingest: async () => {
    const { INGEST_HELP, parseIngestArgs, renderIngestReport, runIngest } = await import('./ingest-command.js');
    const { renderAlertingSummary } = await import('./alerting.js');
    return {
      help: INGEST_HELP,
      async run(args) {
        const settings = parseIngestArgs(args);
        if (settings === 'help') return help(INGEST_HELP);
        const { report, exitCode, alerting } = await runIngest(settings);
        console.log(settings.json ? JSON.stringify(alerting ? { ...report, alerting } : report, null, 2)
          : renderIngestReport(report, settings.out) + (alerting ? '\n' + renderAlertingSummary(alerting, settings.out) : ''));
        return exitCode;
      },
    };
  },
  'sync-boundaries': async () => {
    const { parseSyncBoundariesArgs, runSyncBoundaries, SYNC_BOUNDARIES_HELP } = await import('./sync-boundaries-command.js');
    return {
      help: SYNC_BOUNDARIES_HELP,
      async run(args) {
        const settings = parseSyncBoundariesArgs(args);
        if (settings === 'help') return help(SYNC_BOUNDARIES_HELP);
        const { policy, text, exitCode } = await runSyncBoundaries(settings);
        console.log(settings.json ? JSON.stringify(policy, null, 2) : text);
        return exitCode;
      },
    };
  },
  report: async () => {
    const { buildCoverageReport, parseReportArgs, renderCoverageReport, REPORT_HELP } = await import('./report-command.js');
    return {
      help: REPORT_HELP,
      async run(args) {
        const settings = parseReportArgs(args);
        if (settings === 'help') return help(REPORT_HELP);
        const report = await buildCoverageReport(settings.dir);
        console.log(settings.json ? JSON.stringify(report, null, 2) : renderCoverageReport(report));
        return 0;
      },
    };
  },
};

function help(text: string): number {
  console.log(text);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') return help(HELP);
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    console.error(`ciphertrail: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
      // The error, the synopsis and where the rest is: a screenful of help would bury the message.
      const synopsis = command.help.split('\n')[0];
      console.error(`ciphertrail ${name}: ${(err as Error).message}\n${synopsis}\nRun 'ciphertrail ${name} --help' for all options.`);
      return 2;
    }
    throw err;
  }
}
