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
    const commands = stdout.join('\n').split('Commands:')[1]!.split('\n\n')[0]!.trim().split('\n').map((l) => l.trim().split(' ')[0]!);
    expect(commands).toEqual(expect.arrayContaining(['ingest', 'report']));
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
    for (const option of ['--out <dir>', '--window <seconds>', '--format <fields>', '--quiet', '--json', '-h, --help']) {
      expect(help).toContain(option);
    }
    expect(help).toMatch(/Exit status: 0 every object accepted, 1 some object rejected \(the rest were written\).*, 2 usage error\./);
  });
});

describe('usage errors (exit 2, message and the command synopsis on stderr)', () => {
  it.each([
    [['frobnicate'], 'ciphertrail: unknown command "frobnicate"', 'Usage: ciphertrail <command>'],
    [['ingest'], 'ciphertrail ingest: give at least one file or directory to ingest', 'Usage: ciphertrail ingest'],
    [['ingest', 'samples'], 'ciphertrail ingest: --out <dir> is required', 'Usage: ciphertrail ingest'],
    [['ingest', 'samples', '--out', 'o', '--bogus'], "Unknown option '--bogus'", 'Usage: ciphertrail ingest'],
    [['ingest', 'samples', '--out'], "Option '--out <value>' argument missing", 'Usage: ciphertrail ingest'],
    [['ingest', 'samples', '--out', 'o', '--window', '0'], '--window must be a positive whole number, got "0"', 'Usage'],
    [['ingest', 'samples', '--out', 'o', '--window', '5m'], '--window must be a positive whole number, got "5m"', 'Usage'],
    [['ingest', 'samples', '--out', 'o', '--format', '${version} ${encryption-state}'],
      'unknown flow-log field "encryption-state" in --format', 'Usage'],
    [['ingest', 'no/such/path', '--out', 'o'], 'cannot read input: ENOENT', 'Usage'],
    [['report'], 'ciphertrail report: give exactly one output directory', 'Usage: ciphertrail report'],
    [['report', 'a', 'b'], 'ciphertrail report: give exactly one output directory', 'Usage: ciphertrail report'],
    [['report', 'no/such/dir'], 'ciphertrail report: no such directory: no/such/dir', 'Usage: ciphertrail report'],
  ])('ciphertrail %j', async (args, message, usage) => {
    expect(await main(args)).toBe(2);
    const err = stderr.join('\n');
    expect(err).toContain(message);
    expect(err).toContain(usage);
    expect(stdout).toEqual([]);
  });
});

describe('the real bin', () => {
  it('exits 0 for --help and 2 for a usage error', async () => {
    const [help, usage] = await Promise.all([runCli(['ingest', '--help']), runCli(['ingest', dir.path])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: ciphertrail ingest/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--out <dir> is required');
  });

  it('reports an empty output directory without crashing', async () => {
    const result = await runCli(['report', dir.path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Encryption coverage by VPC');
    expect(result.stdout).toContain('none: no record with encryption-status 0');
  });
});
