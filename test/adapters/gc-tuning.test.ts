/**
 * functions/adapters/gc-tuning.ts in a child process of its own (V8 flags are per process), as the
 * CLI and the Lambda import it. V8's own GC trace is the witness: an incremental full collection
 * reports the marking steps it took "since start of marking", an atomic one does not, and a
 * collection asked for by `gc()` gives the reason "testing".
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { runNodeScript } from '../helpers/node-script.js';

const GC_TUNING = pathToFileURL(join(REPO_ROOT, 'dist/functions/adapters/gc-tuning.js')).href;

const SCRIPT = `
const { settleBeforeExit } = await import(${JSON.stringify(GC_TUNING)});
// Enough short-lived garbage, promoted, for several full collections of the old generation.
const kept = [];
for (let round = 0; round < 6; round++) {
  for (let i = 0; i < 400000; i++) kept.push({ i, name: 'object-' + i });
  kept.length = 0;
}
console.log('phase: settle');
settleBeforeExit();
console.log('phase: exit');
`;

const fullCollections = (text: string) => text.split('\n').filter((line) => line.includes('Mark-Compact'));

it('collects the old generation atomically during the work, and once more in settleBeforeExit', async () => {
  const { code, stdout } = await runNodeScript(SCRIPT, ['--trace-gc']);
  expect(code).toBe(0);
  const [work, rest] = stdout.split('phase: settle') as [string, string];
  const [settle] = rest.split('phase: exit') as [string];
  expect(fullCollections(work).length).toBeGreaterThan(1);
  expect(fullCollections(work).filter((line) => line.includes('since start of marking'))).toEqual([]);
  // The collection that keeps a finished process from hanging at exit (the reason is in the module).
  expect(fullCollections(settle)).toHaveLength(1);
  expect(fullCollections(settle)[0]).toContain('testing');
});
