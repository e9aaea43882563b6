import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/globalSetup.ts'],
    // Enforced by `npm test`. Test code and test data are not what the numbers are about.
    coverage: {
      provider: 'v8',
      include: ['connectors/**/*.ts', 'pipelines/**/*.ts', 'src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/fixtures/**', 'src/sandbox/world/**', 'test/**'],
      reporter: ['text-summary', 'json-summary'],
      // Set a few points under what the suite measures (lines 94.3, statements 92.4, functions 94.0,
      // branches 86.4 on 2026-11-24); raise them as tests grow, never lower them to let a change in.
      thresholds: { lines: 91, statements: 89, functions: 91, branches: 83 },
    },
  },
});
