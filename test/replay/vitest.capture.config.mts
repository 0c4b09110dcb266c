import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * `npm run capture:histories`: runs only capture-histories.ts, which is not a test (the normal
 * include, test/**\/*.test.ts, does not match it). Same global setup as the tests in
 * vitest.config.mts: a fresh PostgreSQL database for the run.
 */
export default defineConfig({
  root: join(import.meta.dirname, '../..'),
  test: {
    include: ['test/replay/capture-histories.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
