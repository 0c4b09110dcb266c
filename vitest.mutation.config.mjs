// @ts-check
import { defineConfig } from 'vitest/config';

/**
 * The vitest config of `npm run mutation` (stryker.config.mjs): unit tests only. No global setup
 * (test/support/global-setup.ts creates a PostgreSQL database): the mutated code is pure, and the
 * unit tests in test/unit/ cover it without PostgreSQL or Temporal.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
