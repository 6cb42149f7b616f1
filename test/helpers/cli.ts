import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI as package.json `bin` names it: the built JavaScript (test/global-setup.ts builds it before the tests run). */
export const CLI_BIN = join(
  REPO_ROOT,
  (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
    .ciphertrail!,
);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** `ulimit -f` for the process, in KiB: writes past it fail with EFBIG, as on a full disk. */
  readonly fileSizeLimitKiB?: number;
  readonly timeoutMs?: number;
}

/** Runs the real CLI (`node dist/functions/cli/ciphertrail.js ...`) in a child process. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const node = [process.execPath, '--no-warnings', CLI_BIN, ...args];
  const [command, ...argv] =
    options.fileSizeLimitKiB === undefined
      ? node
      : ['bash', '-c', `ulimit -f ${options.fileSizeLimitKiB} && exec "$@"`, 'bash', ...node];
  return new Promise((resolve, reject) => {
    execFile(
      command!,
      argv,
      { cwd: REPO_ROOT, maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}
