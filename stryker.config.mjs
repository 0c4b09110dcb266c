// @ts-check
/**
 * Mutation testing of the pure code: `npm run mutation` (not part of `npm test`).
 * docs/mutation-testing.md says what is in scope, why, and which surviving mutants are equivalent.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  mutate: [
    // Domain rules: entitlement, routing, SLA policy and clocks, business calendar, process flow, case numbers.
    'domain/**/*.ts',
    // Who may do what and see which cases and records (the pure role/permission and visibility checks).
    'api/auth-context.ts',
    'services/case-scope.ts',
    'services/records/record-access.ts',
    // The workflow's case actions: validators and the state changes, as pure functions of CaseState.
    'workflows/handlers/**/*.ts',
  ],
  testRunner: 'vitest',
  // Unit tests only (test/unit/), without the PostgreSQL global setup.
  vitest: { configFile: 'vitest.mutation.config.mjs' },
  coverageAnalysis: 'perTest',
  // Mutants that do not compile are dropped before any test runs. The checker's tsconfig holds only
  // the mutated code and its imports: the whole project made each check slow.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  // Two cores, shared with other work: one test runner, one checker.
  concurrency: 1,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // Later runs re-test only mutants in changed code or covered by changed tests; commit the file.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The sandbox is a copy of the project: leave out local tools, data and build output.
  ignorePatterns: ['.tools', 'data', 'dist', 'coverage', 'reports', 'test-results.json', 'web', 'deploy', 'docs'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};
