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
  { group: ['../db/*', '../api/*', '../bot/*', '../services/*', '../app/*', '../db', '../api', '../bot', '../services', '../app'], message: 'Workflows import only @temporalio/workflow, domain/ and types.' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', 'data/', 'coverage/'] },
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
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
