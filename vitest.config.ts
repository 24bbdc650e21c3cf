import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    // One test file per core (Vitest's default leaves one core idle, which on a 2-core machine halves the speed).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
