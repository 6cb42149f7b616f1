import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerEntryFile } from '../../functions/cli/worker-entry.js';

describe('worker entry for ingest --jobs', () => {
  it('is a prebundled ESM worker loop, reused while the sources do not change, that loads no AWS SDK up front', async () => {
    const file = await workerEntryFile();
    expect(file).toMatch(/node_modules\/\.cache\/ciphertrail\/ingest-worker-[0-9a-f]{16}\/worker-main\.mjs$/);
    expect(existsSync(file)).toBe(true);
    const dir = dirname(file);
    const code = readdirSync(dir)
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('\n');
    // The worker loop and the aggregation kernel are inside; packages stay imports (resolved from node_modules).
    expect(code).toContain('function workerMain');
    expect(code).toContain('FLOW_KERNEL_WASM');
    expect(code).not.toContain("from 'tsx");
    // Static imports of the entry and its static chunks: the S3 client is only imported lazily (code splitting).
    expect(staticImports(dir, 'worker-main.mjs').some((spec) => spec.startsWith('@aws-sdk/'))).toBe(false);
    expect(code).toContain('@aws-sdk/client-s3');
    expect(await workerEntryFile()).toBe(file);
  });
});

describe('worker entry cache', () => {
  it('builds a new bundle when a source file changes', async () => {
    const before = await workerEntryFile();
    const source = new URL('../../schemas/tables.ts', import.meta.url);
    const { atime, mtime } = statSync(source);
    try {
      utimesSync(source, atime, new Date(mtime.getTime() + 1000));
      const after = await workerEntryFile();
      expect(after).not.toBe(before);
      expect(existsSync(after)).toBe(true);
    } finally {
      // Restored to the millisecond: the next run may build once more, which is all a changed time costs.
      utimesSync(source, atime, mtime);
    }
  });
});

/** Package specifiers a bundle file imports statically, following its static imports of sibling chunks. */
function staticImports(dir: string, file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const code = readFileSync(join(dir, file), 'utf8');
  const specs = [...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)";?$|^import\s*"([^"]+)";?$/gm)].map(
    (m) => m[1] ?? m[2]!,
  );
  return specs.flatMap((spec) => (spec.startsWith('./') ? staticImports(dir, spec.slice(2), seen) : [spec]));
}
