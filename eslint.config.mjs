// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Modules that must never reach workflow code: it is replayed deterministically in a sandbox. */
const forbiddenInWorkflows = [
  { group: ['node:*'], message: 'Workflow code is deterministic: no Node built-ins. Do it in an activity.' },
  ...['fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'util', 'events', 'stream', 'timers', 'url', 'dns', 'worker_threads', 'process', 'buffer'].map((name) => ({
    group: [name, `${name}/*`],
    message: 'Workflow code is deterministic: no Node built-ins. Do it in an activity.',
  })),
  ...['knex', 'pg', 'knex-pglite', '@electric-sql/*', 'botbuilder', 'botbuilder-*', 'botframework-*', 'restify', 'restify-*', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map((name) => ({
    group: [name, `${name}/*`],
    message: 'Workflow code does no I/O: call an activity instead.',
  })),
  ...['app', 'api', 'bot', 'email', 'services', 'db'].map((folder) => ({ regex: `^(\\.\\./)+${folder}(/|$)`, message: 'Workflows import only @temporalio/workflow, domain/ and types.' })),
];

/**
 * The layering rule (docs/adr/0006-layering.md): app/ → channels (api/, bot/, email/, never each
 * other) → services/ → workflows/ and activities/ → db/ → domain/. Each entry: a folder and the
 * top-level folders it may not import. Paths are matched on the import string, so `../app/x` from
 * api/ and `../../app/x` from bot/dialogs/ are both caught.
 */
const LAYERS = {
  db: ['app', 'api', 'bot', 'email', 'services', 'workflows', 'activities'],
  activities: ['app', 'api', 'bot', 'email', 'services', 'workflows'],
  services: ['app', 'api', 'bot', 'email', 'activities'],
  api: ['app', 'bot', 'email', 'activities'],
  bot: ['app', 'api', 'email', 'activities'],
  email: ['app', 'api', 'bot', 'activities'],
};
const importOf = (folder) => `^(\\.\\./)+${folder}(/|$)`;
/** The database handle (and the drivers) stay in db/, activities/ and app/: everyone else gets repositories. */
const databaseHandle = [
  { regex: '(^|/)db/connection$', message: 'Only db/, activities/ and app/ hold the database handle: take a repository (db/repositories) from the wiring.' },
  { regex: '^(knex|pg|knex-pglite|@electric-sql/pglite)(/|$)', message: 'SQL lives in db/: add a repository function.' },
];
const layerRules = Object.entries(LAYERS).map(([folder, forbidden]) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ...forbidden.map((other) => ({ regex: importOf(other), message: `${folder}/ may not import ${other}/ (layers import downward only; channels never each other).` })),
        ...(['db', 'activities'].includes(folder) ? [] : databaseHandle),
      ],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', 'data/', 'coverage/', '.stryker-tmp/', 'reports/', 'web/desk/src/api/schema.d.ts'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layerRules,
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbiddenInWorkflows }],
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['../activities', '../activities/*'], allowTypeImports: true, message: 'Workflows import activities as types only (proxyActivities).' }],
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
        { name: 'process', message: 'Workflow code has no process.' },
        { name: 'require', message: 'No dynamic requires in workflow code.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Workflow time comes from the SDK: use workflowInfo() or new Date() inside the workflow, or pass the instant in.' },
        { object: 'Math', property: 'random', message: 'Use the SDK’s deterministic random or uuid4() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // domain/ is the bottom layer: pure, and it imports nothing of ours.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...forbiddenInWorkflows, { regex: '^\\.\\./', message: 'domain/ imports nothing of ours: it is the bottom layer.' }] }],
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The web desk runs in the browser, with its own tsconfig (DOM, JSX, bundler resolution).
    files: ['web/desk/**/*.{ts,tsx,mts}'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { project: ['./web/desk/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
);
