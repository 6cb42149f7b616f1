import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AthenaOptionValues } from '../report/athena-tables.js';
import { parseSince, type Since } from '../report/since.js';
import { EXIT_STATUS_HELP } from './exit-codes.js';

/**
 * The arguments and options of each command, in one place: `main` adds the actions, and
 * `parseIngestArgs` (tests, the benchmark) parses with the same definition. No heavy import here:
 * `ciphertrail --help` loads this file and commander only.
 */

export interface IngestOptionValues {
  readonly out: string;
  readonly window: number;
  readonly endpoint?: string;
  readonly format?: string;
  readonly boundaries?: string;
  readonly snsTopicArn?: string;
  readonly suppressMinutes: number;
  readonly jobs?: number;
  readonly maxObjectText: number;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

export interface ReportOptionValues extends AthenaOptionValues {
  readonly json?: boolean;
  readonly boundaries?: string;
  readonly since?: Since;
  readonly html?: string;
}

export interface QueryOptionValues extends AthenaOptionValues {
  readonly list?: boolean;
  readonly sql?: string;
  readonly format: 'table' | 'csv' | 'json';
  readonly since?: Since;
}

const SINCE_HELP =
  'only the latest days of the tables: 30d, 2w (ending on the latest day with data) or a first day, 2025-11-20';

export interface PlanOptionValues {
  readonly vpc?: string[];
  /** The window, back from the newest window_start in the tables. */
  readonly since: Since;
  readonly boundaries?: string;
  readonly json?: boolean;
}

/** Text an object may inflate to by default: 4 GiB, about 50 times the largest text object AWS writes. */
export const DEFAULT_MAX_OBJECT_TEXT = 4 * 1024 ** 3;

export function defineIngest(command: Command): Command {
  return command
    .summary('parse flow logs and write Parquet tables')
    .description(
      'Parses VPC flow-log objects (gzip or plain text with a header line, or AWS Parquet), aggregates them and writes the Parquet tables <dir>/summary/ and <dir>/unencrypted/ (and <dir>/findings/ with --boundaries), plus <dir>/ingest-report.json. Folders are read recursively; dotfiles and entries that are not regular files are skipped and named in the report.',
    )
    .argument('<inputs...>', 'flow-log files, folders or s3://bucket/prefix')
    .requiredOption('--out <dir>', 'output folder, or s3://bucket/prefix (created when missing)')
    .addOption(new Option('--window <seconds>', 'aggregation window of window_start').argParser(positive).default(300))
    .option('--endpoint <url>', 'S3-compatible endpoint for s3:// inputs and outputs (default: AWS S3)')
    .option('--format <fields>', "layout of headerless objects: '${version} ${vpc-id} ...' or plain names")
    .option(
      '--boundaries <file>',
      'boundary policy (file or s3://): classify cleartext, write <dir>/findings/, <dir>/alerts.jsonl (new pages) and <dir>/readiness.jsonl',
    )
    .option('--sns-topic-arn <arn>', 'also publish new pages to this SNS topic (needs --boundaries)')
    .addOption(
      new Option('--suppress-minutes <n>', 'page the same VPC/ENI/peer/port/rule at most once per n minutes')
        .argParser(positive)
        .default(60),
    )
    .addOption(
      new Option(
        '--jobs <n>',
        'objects ingested in parallel by worker threads (default: the cores, when the local inputs hold 16 MB or more; s3:// inputs run one at a time)',
      ).argParser(positive),
    )
    .addOption(
      new Option('--max-object-text <size>', 'reject an object whose text inflates past this size (K, M, G, T)')
        .argParser(size)
        .default(DEFAULT_MAX_OBJECT_TEXT, '4G'),
    )
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the run report as JSON instead of text')
    .addHelpText('after', `\n${EXIT_STATUS_HELP}`);
}

export function defineReport(command: Command): Command {
  return withAthenaOptions(command)
    .summary('encryption-coverage report over the tables of an ingest run')
    .description(
      'Reads the Parquet tables written by `ciphertrail ingest --out <dir>` with an embedded DuckDB and prints the period covered, the evidence (objects in the tables, accepted and rejected), what each status means, the encryption coverage per VPC and per path (bytes and flows by status: cleartext / nitro / application / both / unknown `-` / no status field) and the top cleartext talkers. When the ingest run had --boundaries (it leaves <dir>/boundaries.json), also the violations, the EC-blocked flows and the enforcement readiness of each monitor-mode VPC. The same named queries (schemas/queries/) build --json and --html.',
    )
    .argument('[dir]', 'the --out folder of an ingest run (none with --athena)')
    .option('--json', 'print the report sections as JSON')
    .addOption(
      new Option('--since <days>', `${SINCE_HELP}; adds the daily trend per VPC and the new cleartext pairs`).argParser(
        parseSince,
      ),
    )
    .option('--html <file>', 'also write the report as one self-contained HTML file (charts and tables, no network)')
    .option(
      '--boundaries <file>',
      'with --athena: the policy snapshot (file or s3://) for the violation and readiness sections',
    )
    .addHelpText('after', `\n${EXIT_STATUS_HELP}`);
}

export function defineQuery(command: Command): Command {
  return withAthenaOptions(command)
    .summary('run a named query or ad-hoc SQL over the tables of an ingest run')
    .description(
      'Runs a named query of schemas/queries/ (the same SQL deployed as Athena named queries; `ciphertrail query --list` lists them with their descriptions) or ad-hoc SQL (--sql) over the tables summary, unencrypted and findings of <dir>, on an embedded DuckDB.',
    )
    .argument('[dir]', 'the --out folder of an ingest run')
    .argument('[name]', 'a named query (see --list)')
    .option('--list', 'list the named queries with their descriptions')
    .option('--sql <sql>', 'run this SQL instead of a named query')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .addOption(new Option('--since <days>', SINCE_HELP).argParser(parseSince))
    .addHelpText('after', `\n${EXIT_STATUS_HELP}`);
}

export function definePlan(command: Command): Command {
  return command
    .summary('what switching each monitor-mode VPC to enforce would take')
    .description(
      'For every VPC in monitor mode (and every VPC whose encryption control is in a failed state), or each --vpc: a verdict (ready, needs exclusions, blocked), the blocking resources with the cleartext flows seen on each (peers, ports, bytes, last seen) and the idle ones, and the aws ec2 modify-vpc-encryption-control command that makes the switch. Reads the tables of <dir> and the boundary policy snapshot written by sync-boundaries (rules: docs/enforcement.md).',
    )
    .argument('<dir>', 'the --out folder of an ingest run')
    .option('--vpc <id...>', 'only these VPCs (any mode)')
    .addOption(
      new Option(
        '--since <age>',
        'window: this far back from the newest window_start in the tables (14d, 36h, 2w) or from a day (2025-11-20)',
      )
        .argParser(parseSince)
        .default(parseSince('14d'), '14d'),
    )
    .option(
      '--boundaries <file>',
      'the policy snapshot (file or s3://) from sync-boundaries (default <dir>/boundaries.json, the copy ingest --boundaries keeps)',
    )
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', `\n${EXIT_STATUS_HELP}`);
}

export interface CompactOptionValues {
  readonly json?: boolean;
}

export function defineCompact(command: Command): Command {
  return command
    .summary('rewrite each day of the local tables into one file per table')
    .description(
      'Rewrites the per-object Parquet files of each table and day under <dir> (an ingest --out folder) into one file per table and day, with the same rows and totals. Safe to interrupt: report and query see either the old files or the new ones, never both (docs/tables.md). Run it when no ingest writes into <dir>.',
    )
    .argument('<dir>', 'the --out folder of an ingest run')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\n${EXIT_STATUS_HELP}`);
}

/** `--athena` and its settings: the deployed tables instead of a local folder (the same named queries). */
function withAthenaOptions(command: Command): Command {
  for (const option of [
    new Option('--athena', 'read the deployed tables through Athena instead of a local folder'),
    new Option('--workgroup <name>', 'with --athena: the workgroup').default('ciphertrail'),
    new Option('--database <name>', 'with --athena: the Glue database of the tables').default('ciphertrail'),
    new Option('--region <region>', "with --athena: the region (default: the AWS SDK's)"),
    new Option('--endpoint <url>', 'with --athena: an Athena endpoint URL (VPC endpoints, tests)'),
  ])
    command.addOption(option);
  return command;
}

/** A positive whole number ("5m", "0" and "-5" are refused in words). */
function positive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`must be a positive whole number, got "${value}"`);
  }
  return n;
}

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** A size in bytes, with an optional binary unit: 512M, 4G. */
function size(value: string): number {
  const match = /^(\d+)([KMGT]?)i?B?$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * UNITS[match[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new InvalidArgumentError(`must be a size such as 512M or 4G, got "${value}"`);
  }
  return bytes;
}
