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
    // On CI (a shared two-core machine, two full runs back to back) a test that failed is tried once more
    // before the run fails, so a browser or timing test starved of CPU does not stop a submission; the
    // report still lists every retry. Locally a failure is reported at once.
    retry: process.env.CI ? 1 : 0,
  },
})
