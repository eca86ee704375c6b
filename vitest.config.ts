import { defineConfig } from 'vitest/config';

// Unit and integration tests. The database is chosen by TEST_DB (sqlite | postgres);
// scripts/test-all.sh runs the suite once per database.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
