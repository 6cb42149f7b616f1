import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../functions/cli/ciphertrail.js', import.meta.url));

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

/** Runs the real CLI (`node functions/cli/ciphertrail.js ...`) in a child process. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const node = [process.execPath, '--no-warnings', BIN, ...args];
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
