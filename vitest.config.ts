import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `npm run coverage`: V8 coverage of the product code. Tests that spawn the CLI are not seen
    // (a child process); the commands are also tested in-process, so functions/cli is covered.
    // The thresholds are the floor measured when they were set: a change that drops below fails.
    coverage: {
      provider: 'v8',
      include: ['functions/**/*.ts', 'schemas/**/*.ts', 'infra/**/*.ts'],
      exclude: [
        'test/**',
        '**/*.generated.ts',
        'functions/core/kernel/assembly/**',
        'functions/core/kernel/flow-kernel-wasm.ts',
      ],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 90, functions: 87, branches: 77, statements: 89 },
    },
  },
});
