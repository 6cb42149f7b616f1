/**
 * The command-line contract: `--help` on every command, exit 2 with the command's synopsis on every
 * usage error. The matrix runs main() in-process (fast); the real bin is spawned to prove the
 * exit status reaches the shell.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../functions/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';

let stdout: string[];
let stderr: string[];
beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const dir = tempDir('cli');
afterAll(() => dir.remove());

describe('--help on every command (exit 0)', () => {
  it.each([
    [[], 'Usage: ciphertrail <command>'],
    [['--help'], 'Usage: ciphertrail <command>'],
    [['-h'], 'Usage: ciphertrail <command>'],
    [['help'], 'Usage: ciphertrail <command>'],
    [['ingest', 'x', '--out', 'y', '--help'], 'Usage: ciphertrail ingest '],
    [['report', 'x', '-h'], 'Usage: ciphertrail report '],
  ])('ciphertrail %j', async (args, usage) => {
    expect(await main(args)).toBe(0);
    expect(stdout.join('\n')).toContain(usage);
    expect(stderr).toEqual([]);
  });

  it('every command listed by `ciphertrail --help` answers --help and -h', async () => {
    await main(['--help']);
    // `help [command]` prints the help of another command; every other entry is a command.
    const commands = stdout
      .join('\n')
      .split('Commands:\n')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.trim().split(' ')[0]!)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(['ingest', 'report', 'query', 'plan', 'compact', 'sync-boundaries']);
    for (const command of commands) {
      for (const flag of ['--help', '-h']) {
        stdout.length = 0;
        expect(await main([command, flag])).toBe(0);
        expect(stdout.join('\n')).toMatch(new RegExp(`^Usage: ciphertrail ${command}\\b`));
      }
    }
    expect(stderr).toEqual([]);
  });

  it('documents the exit codes and the core options of ingest', async () => {
    await main(['ingest', '--help']);
    const help = stdout.join('\n').replace(/\s+/g, ' ');
    for (const option of [
      '--out <dir>',
      '--window <seconds>',
      '--format <fields>',
      '--max-object-text <size>',
      '--quiet',
      '--json',
      '-h, --help',
    ]) {
      expect(help).toContain(option);
    }
    expect(help).toContain(
      'Exit status: 0 everything was read and written 1 some object was rejected (the others were written)',
    );
    expect(help).toContain(
      '2 usage error: a wrong option or value, or an input that does not exist 3 the run itself failed',
    );
  });
});

describe('usage errors (exit 2, one balanced line and the command synopsis on stderr)', () => {
  it.each([
    [['frobnicate'], "ciphertrail: unknown command 'frobnicate'", 'Usage: ciphertrail <command>'],
    [['ingst', 'x'], "ciphertrail: unknown command 'ingst' (did you mean ingest?)", 'Usage: ciphertrail <command>'],
    [['ingest'], "ciphertrail ingest: required option '--out <dir>' not specified", 'Usage: ciphertrail ingest'],
    [
      ['ingest', 'samples'],
      "ciphertrail ingest: required option '--out <dir>' not specified",
      'Usage: ciphertrail ingest',
    ],
    [
      ['ingest', 'samples', '--out', 'o', '--bogus'],
      "ciphertrail ingest: unknown option '--bogus'",
      'Usage: ciphertrail ingest',
    ],
    [['ingest', 'samples', '--out', 'o', '--windw', '5'], "unknown option '--windw' (did you mean --window?)", 'Usage'],
    [
      ['ingest', 'samples', '--out'],
      "ciphertrail ingest: option '--out <dir>' argument missing",
      'Usage: ciphertrail ingest',
    ],
    [
      ['ingest', 'samples', '--out', 'o', '--window', '0'],
      'ciphertrail ingest: --window must be a positive whole number, got "0"',
      'Usage',
    ],
    [
      ['ingest', 'samples', '--out', 'o', '--window', '-5'],
      'ciphertrail ingest: --window must be a positive whole number, got "-5"',
      'Usage',
    ],
    [
      ['ingest', 'samples', '--out', 'o', '--window', '5m'],
      '--window must be a positive whole number, got "5m"',
      'Usage',
    ],
    [
      ['ingest', 'samples', '--out', 'o', '--max-object-text', 'lots'],
      '--max-object-text must be a size such as 512M or 4G, got "lots"',
      'Usage',
    ],
    [
      ['ingest', 'samples', '--out', 'o', '--format', '${version} ${encryption-state}'],
      'unknown flow-log field "encryption-state" in --format',
      'Usage',
    ],
    [
      ['ingest', 'samples', '--out', 'o', '--sns-topic-arn', 'arn:aws:sns:us-east-1:111111111111:t'],
      '--sns-topic-arn needs --boundaries',
      'Usage',
    ],
    [['ingest', 'no/such/path', '--out', 'o'], 'ciphertrail ingest: no such file or folder: no/such/path', 'Usage'],
    [
      ['ingest', 'samples', '--out', 'README.md'],
      'ciphertrail ingest: --out README.md is a file: give a folder',
      'Usage',
    ],
    [
      ['report'],
      'ciphertrail report: give the --out folder of an ingest run, or --athena',
      'Usage: ciphertrail report',
    ],
    [['report', 'a', 'b'], 'ciphertrail report: too many arguments', 'Usage: ciphertrail report'],
    [['report', 'no/such/dir'], 'ciphertrail report: no such folder: no/such/dir', 'Usage: ciphertrail report'],
    [['report', 'README.md'], 'ciphertrail report: no ciphertrail tables in README.md', 'Usage: ciphertrail report'],
    [
      ['report', 'samples'],
      'ciphertrail report: no ciphertrail tables in samples: give the --out folder',
      'Usage: ciphertrail report',
    ],
    [
      ['report', 's3://curated/tables/'],
      'ciphertrail report: report reads the tables of a local run; s3://curated/tables/ is in S3',
      'Usage',
    ],
  ])('ciphertrail %j', async (args, message, usage) => {
    expect(await main(args)).toBe(2);
    const err = stderr.join('\n');
    expect(err).toContain(message);
    expect(err).toContain(usage);
    expect(err.split('\n')).toHaveLength(3); // the message, the synopsis, where the rest is
    expect(stdout).toEqual([]);
  });
});

describe('the real bin', () => {
  it('exits 0 for --help and 2 for a usage error', async () => {
    const [help, usage] = await Promise.all([runCli(['ingest', '--help']), runCli(['ingest', dir.path])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: ciphertrail ingest/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--out <dir>' not specified");
  });

  it('refuses a folder without tables (exit 2) instead of printing empty sections', async () => {
    const result = await runCli(['report', dir.path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`no ciphertrail tables in ${dir.path}`);
  });
});
