import { defineConfig } from 'vitest/config';

// Workflow tests share one time-skipping server's clock per file: run files one at a time, in forks.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
