import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Picks the database engine once per run and builds the PostgreSQL template database.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    pool: 'forks',
    // Files run in parallel, but the machines we run on have two cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
