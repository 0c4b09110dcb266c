import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { formatSoakResult } from './report';
import { removeDir, runSoak, type SoakResult } from './runner';

/**
 * The short soak (npm run soak's little brother): the server and the worker as separate processes
 * on a real Temporal dev server and PostgreSQL; 10 case lifecycles while the worker is SIGKILLed
 * every 2–4 s; duplicated creates and resolves; poison input through the API, the chat (Direct
 * Line) and email (SMTP); then the database and the
 * reconciliation must show every case once. The app is compiled into node_modules/.cache (not
 * dist/, which may be someone's running build), incrementally.
 */
const run = promisify(execFile);
const root = process.cwd();
const cache = join(root, 'node_modules', '.cache', 'caseflow-soak');
const distDir = join(cache, 'dist');
let workDir: string;
let result: SoakResult;

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', distDir, '--incremental', '--tsBuildInfoFile', join(cache, 'tsbuildinfo')], { cwd: root, timeout: 90_000 });
  await run(process.execPath, [join(distDir, 'app', 'temporal', 'bundle-workflows.js')], { cwd: root, timeout: 60_000 });
  workDir = mkdtempSync(join(tmpdir(), 'caseflow-soak-'));
}, 150_000);

afterAll(() => {
  // The logs are kept only when the soak failed, to read why.
  if (workDir && result?.ok) removeDir(workDir);
});

it('keeps every case exactly once while the worker is killed every 2–4 s, and no poison from the API, chat or email wedges a case', async () => {
  result = await runSoak({
    cases: 10,
    baselineCases: 10,
    // Spread over 8 s, so the kills land among the lifecycles however fast the machine is.
    rampSeconds: 8,
    killEveryMs: [2_000, 4_000],
    // A kill strands the activities running on that worker until their 30 s start-to-close
    // timeout: past a handful of kills the lifecycles could not finish in the time a test has.
    maxKills: 4,
    agents: 5,
    customers: 3,
    duplicates: 10,
    devServerRestart: false,
    closeAfterMinutes: null,
    answerTimeoutSeconds: 5,
    channelPoison: true,
    maxMinutes: 2.1,
    distDir,
    workDir,
    adminUrl: inject('databaseUrl'),
    progress: (line) => console.log(line),
  });
  console.log(formatSoakResult(result));
  expect(result.error).toBeNull();
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.violations).toEqual([]);
  expect(result.reconciliation?.mismatches).toEqual([]);
  expect(result.phases.find((p) => p.name === 'kills')?.workerKills).toBeGreaterThan(0);
  expect(result.checks.filter((c) => c.name.startsWith('chat/email poison:'))).toHaveLength(2);
  expect(result.ok).toBe(true);
}, 145_000);
