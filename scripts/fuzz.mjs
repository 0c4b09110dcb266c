#!/usr/bin/env node
// npm run fuzz: schemathesis against the app as `npm start` runs it (embedded Temporal dev server,
// PGlite in a temporary folder), once per role with that role's token, bounded by examples per
// operation and seconds per role. Checks: no server error (5xx), and no request that is valid by
// /openapi.json refused (schemathesis' positive_data_acceptance, less unknown ids: scripts/fuzz_checks.py).
// Exits non-zero when either check fails. Prints the figures the README quotes.
//
//   FUZZ_MAX_EXAMPLES (default 25)   examples per operation and role
//   FUZZ_SECONDS (default 60)        time budget per role
//   FUZZ_ROLES (default all)         e.g. "customer,agent"
//   FUZZ_SEED                        a fixed seed, to repeat a run
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const SCHEMATHESIS = { pkg: 'schemathesis', version: '4.32.5' };
const venv = join(root, '.tools', `${SCHEMATHESIS.pkg}-${SCHEMATHESIS.version}`);
const schemathesisBin = join(venv, 'bin', 'schemathesis');

/**
 * Who the fuzzer signs in as: one demo user per role (password 'demo'), and nobody. The admin goes
 * last: its PATCH /users may disable the other demo users, whose tokens then stop at once.
 */
const IDENTITIES = [
  { role: 'anonymous', username: null },
  { role: 'customer', username: 'sven' },
  { role: 'agent', username: 'sam' },
  { role: 'supervisor', username: 'sue' },
  { role: 'operator', username: 'otto' },
  { role: 'admin', username: 'adam' },
];

const maxExamples = Number(process.env.FUZZ_MAX_EXAMPLES ?? 25);
const secondsPerRole = Number(process.env.FUZZ_SECONDS ?? 60);
const wantedRoles = process.env.FUZZ_ROLES?.split(',').map((r) => r.trim());

function log(line) {
  process.stdout.write(`fuzz: ${line}\n`);
}

/** schemathesis in its own venv under .tools/, installed from PyPI on first use. */
function ensureSchemathesis() {
  if (existsSync(schemathesisBin)) return;
  log(`installing ${SCHEMATHESIS.pkg}==${SCHEMATHESIS.version} into ${venv} (first run only) …`);
  mkdirSync(join(root, '.tools'), { recursive: true });
  const run = (command, args) => {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  };
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `${SCHEMATHESIS.pkg}==${SCHEMATHESIS.version}`]);
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function waitForHealth(baseUrl, app) {
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the app exited (code ${app.exitCode}) before it was healthy`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(1_000);
  }
  throw new Error('the app was not healthy within 240 s');
}

async function signIn(baseUrl, username) {
  const response = await fetch(`${baseUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
  if (response.status !== 200) throw new Error(`sign-in as ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()).accessToken;
}

/** Two real cases (for sven and for alice); their numbers. */
async function openCases(baseUrl) {
  const numbers = [];
  for (const username of ['sven', 'alice']) {
    const token = await signIn(baseUrl, username);
    const response = await fetch(`${baseUrl}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: `Fuzz seed case for ${username}`, description: 'Opened by npm run fuzz.' }),
    });
    if (response.status >= 300) throw new Error(`opening a case as ${username}: ${response.status} ${await response.text()}`);
    numbers.push((await response.json()).caseNumber);
  }
  return numbers;
}

/** The ids of rows that exist (read as the administrator), for scripts/fuzz_checks.py to try besides random ones. */
async function existingIds(baseUrl, caseNumbers) {
  const token = await signIn(baseUrl, 'adam');
  const get = async (path) => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`GET ${path} as adam: ${response.status}`);
    return (await response.json()).items;
  };
  const queues = (await get('/queues')).map((q) => q.id);
  const members = (await Promise.all(queues.map((id) => get(`/queues/${id}/members`)))).flat().map((m) => m.userId);
  const contacts = (await get('/contacts?limit=100')).map((c) => c.id);
  const entitlements = await get('/entitlements?limit=100');
  const ids = {
    cases: caseNumbers,
    queues,
    staff: [...new Set(members)],
    products: (await get('/products')).map((p) => p.id),
    articles: (await get('/knowledge/articles?q=printer%20or%20password%20or%20invoice')).map((a) => a.id),
    contacts,
  };
  const routingRules = (await get('/routing-rules')).map((r) => r.id);
  const accounts = [...new Set(entitlements.map((e) => e.customer.id))];
  return { ...ids, rows: [...queues, ...contacts, ...accounts, ...entitlements.map((e) => e.id), ...routingRules] };
}

/** Runs schemathesis as one identity; resolves to its figures from the JSON run report. */
function fuzzAs(identity, baseUrl, token, reportDir, fuzzIds) {
  const report = join(reportDir, `${identity.role}.json`);
  const args = [
    'run', `${baseUrl}/openapi.json`,
    '--checks', 'not_a_server_error,valid_requests_not_refused',
    '--max-examples', String(maxExamples),
    '--max-time', String(secondsPerRole),
    '--workers', '2',
    // No stateful phase: the links schemathesis infers feed nullable fields (a goal's queueId) into
    // path ids, and a request to /queues/None/items is not valid data.
    '--phases', 'examples,coverage,fuzzing',
    // The API's rate limit is 20 requests/s per user (burst 50): stay below it, so no answer is a 429.
    '--rate-limit', '15/s',
    '--request-timeout', '30',
    // Event streams stay open for 55 s: their tests are test/integration/case-events.test.ts and inbox-api.test.ts.
    '--exclude-path-regex', '/events$',
    '--generation-database', 'none',
    '--suppress-health-check', 'all',
    '--continue-on-failure',
    '--no-color',
    '--report', 'json,har', '--report-json-path', report, '--report-har-path', report.replace(/\.json$/, '.har'),
    ...(process.env.FUZZ_SEED ? ['--seed', process.env.FUZZ_SEED] : []),
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
  ];
  return new Promise((done) => {
    const child = spawn(schemathesisBin, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, SCHEMATHESIS_HOOKS: 'fuzz_checks', FUZZ_IDS: fuzzIds, PYTHONPATH: join(root, 'scripts'), SCHEMATHESIS_TELEMETRY: 'false' } });
    child.once('exit', (code) => done({ code, report }));
  });
}

/** Requests (from the HAR log), operations tested and failures per check, from schemathesis' reports. */
function figures(reportPath) {
  if (!existsSync(reportPath)) return { requests: 0, operations: 0, failures: { 'no report': 1 }, errors: 0 };
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const har = reportPath.replace(/\.json$/, '.har');
  const entries = existsSync(har) ? JSON.parse(readFileSync(har, 'utf8')).log.entries : [];
  const requests = entries.length || (report.test_cases?.generated ?? 0);
  const serverErrors = entries.filter((entry) => entry.response.status >= 500).length;
  const failures = {};
  for (const failure of report.failures ?? []) failures[failure.title ?? failure.code] = (failures[failure.title ?? failure.code] ?? 0) + (failure.count ?? 1);
  // errors: schemathesis' own (e.g. a generator that crashed), not the API's; counted apart.
  return { requests, serverErrors, operations: report.operations?.tested ?? 0, failures, errors: (report.errors ?? []).reduce((n, e) => n + (e.count ?? 1), 0) };
}

async function main() {
  ensureSchemathesis();
  if (!existsSync(join(root, 'dist', 'app', 'main.js'))) throw new Error('dist/app/main.js is missing: run npm run build (npm run fuzz does)');
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'caseflow-fuzz-'));
  const reportDir = join(root, 'reports', 'fuzz');
  mkdirSync(reportDir, { recursive: true });
  const env = {
    ...process.env,
    PATH: `${join(root, '.tools', 'bin')}${delimiter}${process.env.PATH}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    TEMPORAL_DEV_SERVER_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    SMTP_LISTEN_PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  log(`starting the app on ${baseUrl} (data in ${dataDir}) …`);
  const app = spawn(process.execPath, [join(root, 'dist', 'app', 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const results = [];
  try {
    await waitForHealth(baseUrl, app);
    const fuzzIds = JSON.stringify(await existingIds(baseUrl, await openCases(baseUrl)));
    // Every token first: the anonymous run's failed sign-ins count against this address (the lockout).
    const identities = IDENTITIES.filter((i) => !wantedRoles || wantedRoles.includes(i.role));
    const tokens = new Map();
    for (const identity of identities) if (identity.username) tokens.set(identity.username, await signIn(baseUrl, identity.username));
    for (const identity of identities) {
      const token = identity.username ? tokens.get(identity.username) : null;
      log(`${identity.role}${identity.username ? ` (${identity.username})` : ''}: up to ${maxExamples} examples per operation, ${secondsPerRole} s`);
      const { code, report } = await fuzzAs(identity, baseUrl, token, reportDir, fuzzIds);
      results.push({ role: identity.role, code, ...figures(report) });
    }
  } finally {
    app.kill('SIGTERM');
    await new Promise((done) => (app.exitCode === null ? app.once('exit', done) : done()));
    rmSync(dataDir, { recursive: true, force: true });
  }

  log('summary');
  let failed = false;
  for (const r of results) {
    const failures = Object.entries(r.failures).map(([check, n]) => `${check} ${n}`).join(', ') || 'none';
    log(`  ${r.role.padEnd(10)} ${String(r.requests).padStart(6)} requests, ${String(r.operations).padStart(3)} operations, ${r.serverErrors} server errors, failures: ${failures}, schemathesis errors: ${r.errors}`);
    if (Object.keys(r.failures).length > 0 || r.serverErrors > 0) failed = true;
  }
  const sum = (pick) => results.reduce((total, r) => total + pick(r), 0);
  log(`  total      ${String(sum((r) => r.requests)).padStart(6)} requests, ${sum((r) => r.serverErrors)} server errors, ${sum((r) => Object.values(r.failures).reduce((a, b) => a + b, 0))} failures, ${sum((r) => r.errors)} schemathesis errors; reports in reports/fuzz/`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
