/**
 * What every bench step shares: where things live, how a step runs in a fresh pinned process, and
 * how the CLI is started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Corpora, bundles, outputs, installed peers and results (git-ignored). */
export const BENCH = join(ROOT, '.bench');
const TASKS = join(ROOT, 'test/bench/tasks');

export const log = (line = ''): void => void process.stdout.write(`${line}\n`);
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
/** GNU time reports a finished child's peak RSS (`%M`) and CPU time (`%U`, `%S`), which Node's spawn does not. */
const hasGnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;

/** The CLI as a user starts it (`npx ciphertrail` runs the package's bin, the built dist/functions/cli/ciphertrail.js). */
export function cliCommand(...args: string[]): string[] {
  const bin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
    .ciphertrail!;
  return [process.execPath, join(ROOT, bin), ...args];
}

export interface Measure {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  /** Wall time of the whole child process (node start, module loading, work, exit). */
  processMs: number;
  [field: string]: number;
}

/**
 * Task scripts are bundled with esbuild first, as the Lambda handler is: plain `node` then runs
 * them without tsx's loader thread (which alone adds ~40 MB of RSS to a CLI run). Code splitting
 * keeps the CLI's dynamic imports dynamic: the CLI loads the AWS SDK only for s3:// locations,
 * and loading it costs an ingest of local files ~20 % in extra garbage collection (docs/performance.md).
 */
export function build(script: string): string {
  const outdir = join(BENCH, 'build');
  buildSync({
    entryPoints: [join(TASKS, script)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    splitting: true,
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  return join(outdir, script.replace(/\.ts$/, '.mjs'));
}

/**
 * Runs a task script in a fresh node process on the given CPUs; returns its JSON line. `tsx`
 * runs the sources instead of a bundle (the worker pool finds the built worker in dist/ from the sources).
 */
export function task(cpuList: string, script: string, args: readonly string[], tsx = false): Measure {
  const node = [
    process.execPath,
    '--no-warnings',
    ...(tsx ? ['--import', 'tsx', join(TASKS, script)] : [build(script)]),
    ...args,
  ];
  const run = runProcess(cpuList, node);
  if (run.status !== 0) throw new Error(`${script} failed (${run.status}):\n${run.stderr}`);
  const line = run.stdout.trim().split('\n').pop()!;
  return { ...(JSON.parse(line) as Measure), processMs: run.ms };
}

export interface ProcessRun {
  /** Wall time from spawn to exit: start-up, work and exit of the whole process. */
  readonly ms: number;
  /** Peak RSS of the process (GNU time), or NaN where /usr/bin/time is missing. */
  readonly maxRssMb: number;
  /**
   * User + system CPU time of the process, all threads (GNU time, 10 ms resolution), or NaN. On
   * one pinned core it moves far less with other processes' load than the wall time does.
   */
  readonly cpuMs: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `argv` pinned to `cpuList` (`undefined`: unpinned) and times the whole process. */
export function runProcess(
  cpuList: string | undefined,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ProcessRun {
  const timeFile = join(BENCH, `.rss-${process.pid}`);
  const timed = hasGnuTime ? ['/usr/bin/time', '-f', '%M %U %S', '-o', timeFile, ...argv] : [...argv];
  const [cmd, ...rest] = hasTaskset && cpuList !== undefined ? ['taskset', '-c', cpuList, ...timed] : timed;
  const started = performance.now();
  const child = spawnSync(cmd!, rest, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - started;
  let maxRssMb = Number.NaN;
  let cpuMs = Number.NaN;
  if (hasGnuTime && existsSync(timeFile)) {
    // The last line: GNU time writes "Command exited with non-zero status" before it on failure.
    const [kb, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    maxRssMb = kb! / 1024;
    cpuMs = (user! + system!) * 1000;
    rmSync(timeFile);
  }
  return { ms, maxRssMb, cpuMs, status: child.status, stdout: child.stdout, stderr: child.stderr };
}
