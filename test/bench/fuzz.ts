/**
 * `--fuzz [N]`: the kernel against the TypeScript reference for N generated cases
 * (tasks/kernel-fuzz.ts), in one fresh process on one core. Prints the seed, so that a run can
 * be repeated, and any counterexample with the command that replays it.
 */
import { build, log, runProcess } from './harness.js';

export function fuzzStep(cases: number, oneCore: string, seed?: string, path?: string): Record<string, unknown> {
  log(
    `\nkernel fuzz: ${cases.toLocaleString('en-US')} cases of the property in test/core/flow-kernel.property.test.ts ` +
      `(generators, reference and check: test/helpers/kernel-oracle.ts) on the checked kernel build (assertions on), taskset -c ${oneCore}`,
  );
  const args = [
    '--runs',
    String(cases),
    ...(seed !== undefined ? ['--seed', seed] : []),
    ...(path !== undefined ? ['--path', path] : []),
  ];
  const run = runProcess(oneCore, [process.execPath, build('kernel-fuzz.ts'), ...args]);
  process.stdout.write(
    run.stderr
      .split('\n')
      .filter((l) => / cases, /.test(l))
      .slice(-3)
      .map((l) => `${l}\n`)
      .join(''),
  );
  const last = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !last.startsWith('{')) {
    log(`  the fuzz process failed (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    return { cases, failed: true, error: run.stderr.slice(-2000) };
  }
  const result = JSON.parse(last) as {
    runs: number;
    ms: number;
    seed: number;
    failed: boolean;
    path?: string;
    counterexample?: unknown;
    error?: string;
  };
  if (!result.failed) {
    log(
      `  no counterexample in ${result.runs.toLocaleString('en-US')} cases, seed ${result.seed} (${(result.ms / 1000).toFixed(0)} s, ` +
        `${(result.ms / result.runs).toFixed(2)} ms a case)`,
    );
  } else {
    log(
      `  COUNTEREXAMPLE after ${result.runs.toLocaleString('en-US')} cases, seed ${result.seed}, path ${result.path}`,
    );
    log(`  replay: npm run bench -- --fuzz 1 --fuzz-seed ${result.seed} --fuzz-path ${result.path}`);
    log(`  case: ${JSON.stringify(result.counterexample)}`);
    log(`  ${result.error?.split('\n').slice(0, 30).join('\n  ')}`);
  }
  return { cases, ...result };
}
