/**
 * What the built CLI loads: `--help` and an ingest of local files import none of the heavy
 * packages they do not use (DuckDB, the AWS SDK, Ajv), which is most of what start-up would
 * otherwise cost (docs/performance.md). Each run records every package the process resolves
 * through a module-resolution hook.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN, REPO_ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/sources.js';

const dir = tempDir('startup');
afterAll(() => dir.remove());

/** One well-formed v5 object: ingest accepts it (exit 0). */
const input = join(dir.path, 'in', 'flows.log');
mkdirSync(join(dir.path, 'in'));
writeFileSync(
  input,
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n' +
    '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.9 49152 80 6 10 8400 1763719200 1763719260 ACCEPT OK\n',
);

const hooks = join(dir.path, 'hooks.mjs');
writeFileSync(
  hooks,
  `export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
  if (m) process._rawDebug('PACKAGE ' + m[1]);
  return result;
}
`,
);
const register = join(dir.path, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);

/** The packages the built CLI resolves when run with `args`, and its exit code. */
function packagesLoaded(args: readonly string[]): Promise<{ code: number; packages: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--no-warnings', '--import', register, CLI_BIN, ...args],
      { cwd: REPO_ROOT },
      (error, _stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        const packages = [...new Set([...stderr.matchAll(/^PACKAGE (\S+)$/gm)].map((m) => m[1]!))].sort();
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, packages });
      },
    );
  });
}

describe('start-up of the built CLI', () => {
  it('--help loads commander and nothing else', async () => {
    expect(await packagesLoaded(['--help'])).toEqual({ code: 0, packages: ['commander'] });
  });

  it('an ingest of local files without --boundaries loads no DuckDB, AWS SDK or Ajv', async () => {
    const run = await packagesLoaded(['ingest', input, '--out', join(dir.path, 'out-ingest'), '--quiet']);
    expect(run.code).toBe(0);
    expect(run.packages.filter((p) => /^(@duckdb\/|@aws-sdk\/|@smithy\/|ajv$)/.test(p))).toEqual([]);
  });

  it('the hook sees what a command does load: report loads DuckDB', async () => {
    const out = join(dir.path, 'out-report');
    expect((await runCli(['ingest', input, '--out', out, '--quiet'])).code).toBe(0);
    const run = await packagesLoaded(['report', out]);
    expect(run.code).toBe(0);
    expect(run.packages).toContain('@duckdb/node-api');
  });
});
