/**
 * The V8 flags `ingest --jobs` sets for its workers (worker-entry.ts `startIngestWorkers`) are set
 * at run time, after the parent's own isolate was created: the parent must still survive full
 * collections afterwards (a run of many objects gathers their reports in the parent), and exit.
 * Driven in a child process through the built module, as the CLI starts its workers.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { runNodeScript } from '../helpers/node-script.js';

const WORKER_ENTRY = pathToFileURL(join(REPO_ROOT, 'dist/functions/cli/worker-entry.js')).href;
const GC_TUNING = pathToFileURL(join(REPO_ROOT, 'dist/functions/adapters/gc-tuning.js')).href;

/** As many workers as cores (the case in which the flags are set), then the parent allocates through several mark-compacts. */
const SCRIPT = `
import { startIngestWorkers } from ${JSON.stringify(WORKER_ENTRY)};
import { settleBeforeExit } from ${JSON.stringify(GC_TUNING)};
const workers = startIngestWorkers(${availableParallelism()});
const kept = [];
for (let round = 0; round < 8; round++) {
  for (let i = 0; i < 400000; i++) kept.push({ i, name: 'object-' + i });
  kept.length = 0;
}
settleBeforeExit();
await Promise.all(workers.map((worker) => worker.terminate()));
console.log('exited cleanly');
`;

describe('ingest --jobs: V8 flags for the workers', () => {
  it('leave the parent able to run full collections and exit', async () => {
    const result = await runNodeScript(SCRIPT, ['--trace-gc']);
    expect(result.stderr.split('\n').filter((l) => /Fatal|Check failed/.test(l))).toEqual([]);
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    // The parent did collect its old generation meanwhile: the test exercised what it says.
    expect(result.stdout).toMatch(/Mark-Compact/);
    expect(result.stdout).toContain('exited cleanly');
  });
});
