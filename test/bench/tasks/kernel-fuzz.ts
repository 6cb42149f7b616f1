/**
 * The kernel's long fuzz run: the property of test/core/flow-kernel.property.test.ts (the same
 * generators, reference and check, test/helpers/kernel-oracle.ts) for `--runs` cases. A failure
 * prints the shrunk case with the seed and path that replay it (`--seed S --path P`). It runs the
 * checked build of the kernel (assertions on).
 *
 * Usage: node kernel-fuzz.mjs --runs <n> [--seed <s>] [--path <p>]
 * Prints progress lines, then one JSON line: { runs, ms, seed, failed, path?, counterexample?, error? }.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import {
  checkKernelAgainstReference,
  type KernelCase,
  kernelCases,
  useCheckedKernel,
} from '../../helpers/kernel-oracle.js';

// The kernel build with its assertions on: a broken contract traps with its message.
useCheckedKernel();

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' }, path: { type: 'string' } },
});
const numRuns = Number(values.runs);
const seed = values.seed === undefined ? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0 : Number(values.seed);
const every = Math.max(1, Math.floor(numRuns / 10));
const started = performance.now();
let checked = 0;
let failing = false;
const property = fc.property(kernelCases, (c) => {
  try {
    checkKernelAgainstReference(c);
  } catch (err) {
    failing = true;
    throw err;
  }
  // Progress until the first failure (shrinking calls the predicate again).
  if (!failing && ++checked % every === 0) {
    process.stderr.write(
      `  ${checked.toLocaleString('en-US')} cases, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
});
const details = fc.check(property, { numRuns, seed, ...(values.path ? { path: values.path } : {}) });
const shown = (c: KernelCase) => ({
  fields: c.layout.fields.map((f) => f.name),
  text: c.text,
  key: c.key,
  cuts: c.cuts,
});
console.log(
  JSON.stringify({
    runs: details.numRuns,
    ms: performance.now() - started,
    seed: details.seed,
    failed: details.failed,
    ...(details.failed
      ? {
          path: details.counterexamplePath,
          counterexample: details.counterexample ? shown(details.counterexample[0]) : undefined,
          error: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
        }
      : {}),
  }),
);
