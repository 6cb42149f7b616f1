import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './sources.js';

export interface ScriptResult {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs an ES module in a fresh `node` process (V8 flags are per process, so tests of them need
 * their own). From a file, not `-e`: workers inherit the parent's exec arguments, and
 * `--input-type` is refused there.
 */
export async function runNodeScript(source: string, nodeArgs: readonly string[] = []): Promise<ScriptResult> {
  const dir = tempDir('node-script');
  const script = join(dir.path, 'script.mjs');
  writeFileSync(script, source);
  try {
    return await new Promise((resolve) =>
      execFile(
        process.execPath,
        [...nodeArgs, script],
        { timeout: 30_000, maxBuffer: 64 << 20 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
            signal: error?.signal ?? null,
            stdout,
            stderr,
          }),
      ),
    );
  } finally {
    dir.remove();
  }
}
