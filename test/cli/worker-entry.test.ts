import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workerEntryFile } from '../../functions/cli/worker-entry.js';

describe('worker entry for ingest --jobs', () => {
  it('is one prebundled ESM file of the worker loop, reused while the sources do not change', async () => {
    const file = await workerEntryFile();
    expect(file).toMatch(/node_modules\/\.cache\/ciphertrail\/ingest-worker-[0-9a-f]{16}\.mjs$/);
    expect(existsSync(file)).toBe(true);
    const code = readFileSync(file, 'utf8');
    // The worker loop and the aggregation kernel are inside; packages stay imports (resolved from node_modules).
    expect(code).toContain('function workerMain');
    expect(code).toContain('FLOW_KERNEL_WASM');
    expect(code).not.toContain("from 'tsx");
    expect(await workerEntryFile()).toBe(file);
  });
});
