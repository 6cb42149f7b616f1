/**
 * functions/adapters/gc-tuning.ts in a child process of its own (V8 flags are per process), as the
 * CLI and the Lambda import it: incremental marking off while the work runs, and on again after
 * `settleBeforeExit`, which is what keeps a finished CLI from hanging at exit (the reason is in
 * the module). V8's own GC trace is the witness: an incremental full collection reports the
 * marking steps it took "since start of marking"; an atomic one does not.
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
const churn = () => {
  const kept = [];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 400000; i++) kept.push({ i, name: 'object-' + i });
    kept.length = 0;
  }
};
console.log('phase: work');
churn();
await settleBeforeExit();
console.log('phase: settled');
churn();
`;

it('runs full collections atomically during the work, and incrementally again after settleBeforeExit', async () => {
  const { code, stdout } = await runNodeScript(SCRIPT, ['--trace-gc']);
  expect(code).toBe(0);
  const [work, settled] = stdout.split('phase: settled') as [string, string];
  const fullCollections = (text: string) => text.split('\n').filter((line) => line.includes('Mark-Compact'));
  const incremental = (line: string) => line.includes('since start of marking');
  expect(fullCollections(work).length).toBeGreaterThan(1);
  expect(fullCollections(work).filter(incremental)).toEqual([]);
  expect(fullCollections(settled).length).toBeGreaterThan(1);
  expect(fullCollections(settled).some(incremental)).toBe(true);
});
