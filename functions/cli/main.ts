import { Command, CommanderError } from 'commander';
import { settleBeforeExit } from '../adapters/gc-tuning.js';
import { isS3Url } from '../adapters/s3-url.js';
import { describeError } from '../core/describe-error.js';
import {
  type CompactOptionValues,
  defineCompact,
  defineIngest,
  definePlan,
  defineQuery,
  defineReport,
  type IngestOptionValues,
  type PlanOptionValues,
  type QueryOptionValues,
  type ReportOptionValues,
} from './commands.js';
import { EXIT, EXIT_STATUS_HELP } from './exit-codes.js';
import { UsageError } from './usage.js';

/**
 * `ciphertrail <command>`: the command line, parsed by commander (help, "did you mean",
 * negative numbers as option values). Commands load their modules on first use: `ingest` never
 * loads DuckDB or the EC2 SDK, and `--help` loads nothing but this file and gc-tuning.ts.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    return await runCommand(argv);
  } finally {
    // Else the process can hang at exit, its work done (gc-tuning.ts).
    settleBeforeExit();
  }
}

async function runCommand(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  let failure: string | undefined;
  const program = new Command('ciphertrail')
    .description('Which network traffic in an AWS organisation travels in cleartext, from VPC Flow Logs')
    .usage('<command> [options]')
    .helpCommand('help [command]', 'show the help of a command')
    .addHelpText('after', `\n${EXIT_STATUS_HELP}\n\nRun 'ciphertrail <command> --help' for the options of a command.`)
    .showSuggestionAfterError(true);
  configure(program, (message) => (failure = message));

  const ingest = defineIngest(program.command('ingest')).action(
    async (inputs: string[], options: IngestOptionValues) => {
      // With --jobs N the workers boot while this thread loads the ingest modules (worker-entry.ts).
      const started =
        (options.jobs ?? 1) > 1 && !inputs.some(isS3Url)
          ? (await import('./worker-entry.js')).startIngestWorkers(options.jobs!)
          : [];
      try {
        const { runIngestCommand } = await import('./ingest-command.js');
        exitCode = await runIngestCommand(inputs, options, started);
      } finally {
        // Workers the run did not use (one object, a usage error) would keep the process alive.
        await Promise.all(started.map((worker) => worker.terminate()));
      }
    },
  );
  const report = defineReport(program.command('report')).action(
    async (dir: string | undefined, options: ReportOptionValues) => {
      const { runReportCommand } = await import('./report-command.js');
      exitCode = await runReportCommand(dir, options);
    },
  );

  const query = defineQuery(program.command('query')).action(
    async (dir: string | undefined, name: string | undefined, options: QueryOptionValues) => {
      const { runQueryCommand } = await import('./query-command.js');
      exitCode = await runQueryCommand(dir, name, options);
    },
  );
  const plan = definePlan(program.command('plan')).action(async (dir: string, options: PlanOptionValues) => {
    const { runPlanCommand } = await import('./plan-command.js');
    exitCode = await runPlanCommand(dir, options);
  });
  const compact = defineCompact(program.command('compact')).action(
    async (dir: string, options: CompactOptionValues) => {
      const { runCompactCommand } = await import('./compact-command.js');
      exitCode = await runCompactCommand(dir, options);
    },
  );

  // Parsed by its own command file until it moves to commander too; listed here for `--help`.
  program.command('sync-boundaries').summary('build the boundary policy from the EC2 API');

  for (const command of [ingest, report, query, plan, compact]) configure(command, (message) => (failure = message));

  const name = argv[0];
  if (name === 'sync-boundaries') return syncBoundaries(argv.slice(1));
  try {
    await program.parseAsync(argv.length === 0 ? ['--help'] : argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    const command = program.commands.find((c) => c.name() === name);
    const label = command ? `ciphertrail ${command.name()}` : 'ciphertrail';
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') {
        return EXIT.ok;
      }
      return usageFailure(label, failure ?? err.message, command ?? program);
    }
    if (err instanceof UsageError) return usageFailure(label, err.message, command ?? program);
    console.error(`${label}: ${describeError(err)}`);
    if (process.env.CIPHERTRAIL_DEBUG) console.error(err);
    return EXIT.failed;
  }
}

/** The message, the command's synopsis and where the rest is: a screen of help would bury the message. */
function usageFailure(label: string, message: string, command: Command): number {
  const usage = `Usage: ${[commandPath(command), command.usage()].filter(Boolean).join(' ')}`;
  console.error(`${label}: ${message}\n${usage}\nRun '${commandPath(command)} --help' for all options.`);
  return EXIT.usage;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Help on stdout, errors collected (the caller prints them once, in its own words), no process.exit. */
function configure(command: Command, onError: (message: string) => void): void {
  command
    .exitOverride()
    .configureOutput({
      writeOut: (text) => console.log(text.trimEnd()),
      writeErr: () => undefined,
      outputError: (text) => onError(plainWords(text)),
    })
    .showSuggestionAfterError(true);
}

/** Commander's "error: unknown option '--windw'\n(Did you mean --window?)" as one balanced line. */
function plainWords(text: string): string {
  return text
    .trim()
    .replace(/^error: /, '')
    .replace(/^option '(-[^ ']+)[^']*' argument '.*' is invalid\. /s, '$1 ')
    .replace(/\n\(Did you mean (.+)\?\)$/, ' (did you mean $1?)');
}

async function syncBoundaries(args: string[]): Promise<number> {
  const { parseSyncBoundariesArgs, runSyncBoundaries, SYNC_BOUNDARIES_HELP } = await import(
    './sync-boundaries-command.js'
  );
  try {
    const settings = parseSyncBoundariesArgs(args);
    if (settings === 'help') {
      console.log(SYNC_BOUNDARIES_HELP);
      return EXIT.ok;
    }
    const { policy, text, exitCode } = await runSyncBoundaries(settings);
    console.log(settings.json ? JSON.stringify(policy, null, 2) : text);
    return exitCode;
  } catch (err) {
    if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
      console.error(
        `ciphertrail sync-boundaries: ${(err as Error).message}\n${SYNC_BOUNDARIES_HELP.split('\n')[0]}\n` +
          "Run 'ciphertrail sync-boundaries --help' for all options.",
      );
      return EXIT.usage;
    }
    console.error(`ciphertrail sync-boundaries: ${describeError(err)}`);
    return EXIT.failed;
  }
}
