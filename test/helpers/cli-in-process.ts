import { main } from '../../functions/cli/main.js';
import type { CliResult } from './cli.js';

/**
 * Runs the CLI's `main` in this process, with what it prints captured: the same commands as
 * `runCli`, minus the process boundary, so coverage sees the command code. Use `runCli` for
 * what only a real process shows (exit status, signals, the bin file, ulimit).
 */
export async function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write, log: console.log, error: console.error };
  const capture = (sink: string[]) =>
    ((chunk: string | Uint8Array) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  console.log = (...parts: unknown[]) => void stdout.push(`${parts.join(' ')}\n`);
  console.error = (...parts: unknown[]) => void stderr.push(`${parts.join(' ')}\n`);
  try {
    const code = await main([...args]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
    console.log = original.log;
    console.error = original.error;
  }
}
