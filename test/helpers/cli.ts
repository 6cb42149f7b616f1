import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * A run still going after this long is stuck (the longest test run takes a few seconds): it is
 * asked for a Node diagnostic report (SIGUSR2), whose JavaScript stack is printed, so a test that
 * then times out says where the CLI was rather than only that it did not finish.
 */
const STUCK_AFTER_MS = 40_000;

/**
 * Runs the real CLI (`node dist/functions/cli/ciphertrail.js ...`) in a child process, with Node's
 * warnings on as a user has them: a warning the product lets through is part of its output.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const reports = mkdtempSync(join(tmpdir(), 'ciphertrail-cli-report-'));
  const node = [
    process.execPath,
    '--report-on-signal',
    '--report-signal=SIGUSR2',
    `--report-directory=${reports}`,
    CLI_BIN,
    ...args,
  ];
  const [command, ...argv] =
    options.fileSizeLimitKiB === undefined
      ? node
      : ['bash', '-c', `ulimit -f ${options.fileSizeLimitKiB} && exec "$@"`, 'bash', ...node];
  return new Promise((resolve, reject) => {
    const child = execFile(
      command!,
      argv,
      { cwd: REPO_ROOT, maxBuffer: 64 << 20, timeout: options.timeoutMs ?? 0 },
      (error, stdout, stderr) => {
        clearTimeout(stuck);
        rmSync(reports, { recursive: true, force: true });
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
    const stuck = setTimeout(() => {
      child.kill('SIGUSR2');
      setTimeout(() => printStack(args, reports), 2_000).unref();
    }, STUCK_AFTER_MS);
    stuck.unref();
  });
}

function printStack(args: readonly string[], reports: string): void {
  const names = readdirSync(reports).filter((n) => n.endsWith('.json'));
  // The report is written from the event loop: none means the main thread never gets back to it
  // (busy in JavaScript, or blocked in native code: attach gdb to see where).
  if (names.length === 0) {
    console.error(
      `ciphertrail ${args.join(' ')} still running after ${STUCK_AFTER_MS} ms, off its event loop (no report)`,
    );
  }
  for (const name of names) {
    const report = JSON.parse(readFileSync(join(reports, name), 'utf8')) as {
      javascriptStack?: { message?: string; stack?: string[] };
      workers?: unknown[];
      libuv?: { type: string; is_active: boolean; is_referenced?: boolean }[];
    };
    const handles = (report.libuv ?? []).filter((h) => h.is_active).map((h) => h.type);
    console.error(
      `ciphertrail ${args.join(' ')} still running after ${STUCK_AFTER_MS} ms; JavaScript stack:\n  ${(report.javascriptStack?.stack ?? [report.javascriptStack?.message ?? 'none']).join('\n  ')}\nactive handles: ${handles.join(', ')}; workers: ${report.workers?.length ?? 0}`,
    );
  }
}
