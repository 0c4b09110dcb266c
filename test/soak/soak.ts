import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatSoakResult } from './report';
import { removeDir, runSoak, scratchDir, type SoakOptions } from './runner';

/**
 * `npm run soak`: builds the app (npm run build), compiles this file (test/soak/tsconfig.json) and
 * runs it from dist/. Options:
 *
 *   --cases N                 concurrent case lifecycles under worker kills (200)
 *   --baseline-cases N        lifecycles first without kills, for the latency baseline (= --cases)
 *   --ramp-seconds N          start the lifecycles spread over N seconds, not all at once (0)
 *   --kill-every MIN-MAXs     pause between worker SIGKILLs, e.g. 3-10s (3-10s)
 *   --max-kills N             stop killing after N kills (default: until the lifecycles are done)
 *   --agents N, --customers N users the lifecycles are spread over (20, 10)
 *   --duplicates N            concurrent copies of a create and of a resolve (10)
 *   --close-after-minutes N   survey window (and reopen window 0) so cases close; "none" keeps 7 days (1)
 *   --no-dev-server           skip stopping and restarting the Temporal dev server
 *   --answer-timeout S        CASE_ANSWER_TIMEOUT_SECONDS of the server (10)
 *   --pg-terminate-cases N    lifecycles while PostgreSQL connections are terminated; 0 skips the phase (40)
 *   --pg-terminate-every MIN-MAXs  pause between terminations (2-5s)
 *   --pg-terminate-rounds N   terminations at most (15)
 *   --sla-cases N             cases whose SLA warning and failure fall due while no worker runs; 0 skips (20)
 *   --no-channel-poison       skip the poison input through the chat (Direct Line) and email (SMTP)
 *   --max-minutes N           the whole run ends within this, failing if it must (30)
 *   --keep-database           keep the soak's PostgreSQL database
 *
 * PostgreSQL: TEST_POSTGRES_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres); a
 * fresh database is created and dropped. Results: soak/results/soak-<time>.json and latest.json
 * (git-ignored), logs under soak/results/run-<time>/logs. Exit status 0 when every check passed.
 */

function parseRange(value: string, option = '--kill-every'): [number, number] {
  const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)(ms|s)?$/.exec(value);
  if (!match) throw new Error(`${option} wants MIN-MAX with s or ms, e.g. 3-10s (got '${value}')`);
  const unit = match[3] === 'ms' ? 1 : 1_000;
  const [min, max] = [Number(match[1]) * unit, Number(match[2]) * unit];
  if (min <= 0 || max < min) throw new Error(`${option}: MIN must be > 0 and MAX >= MIN (got '${value}')`);
  return [min, max];
}

function parseArguments(argv: readonly string[], root: string): SoakOptions {
  const given = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-dev-server' || arg === '--keep-database' || arg === '--no-channel-poison') flags.add(arg);
    else if (arg.startsWith('--') && i + 1 < argv.length) given.set(arg, argv[++i]!);
    else throw new Error(`unknown or incomplete option '${arg}' (see test/soak/soak.ts)`);
  }
  const known = ['--cases', '--baseline-cases', '--ramp-seconds', '--kill-every', '--max-kills', '--agents', '--customers', '--duplicates', '--close-after-minutes', '--answer-timeout', '--max-minutes', '--pg-terminate-cases', '--pg-terminate-every', '--pg-terminate-rounds', '--sla-cases'];
  for (const name of given.keys()) if (!known.includes(name)) throw new Error(`unknown option '${name}' (options: ${known.join(', ')}, --no-dev-server, --no-channel-poison, --keep-database)`);
  const int = (name: string, fallback: number, min = 0): number => {
    const value = given.has(name) ? Number(given.get(name)) : fallback;
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} wants a whole number >= ${min} (got '${given.get(name)}')`);
    return value;
  };
  const cases = int('--cases', 200, 1);
  const closeAfter = given.get('--close-after-minutes');
  return {
    cases,
    baselineCases: int('--baseline-cases', cases),
    rampSeconds: int('--ramp-seconds', 0),
    killEveryMs: parseRange(given.get('--kill-every') ?? '3-10s'),
    ...(given.has('--max-kills') ? { maxKills: int('--max-kills', 0, 1) } : {}),
    agents: int('--agents', 20, 1),
    customers: int('--customers', 10, 1),
    duplicates: int('--duplicates', 10, 2),
    devServerRestart: !flags.has('--no-dev-server'),
    closeAfterMinutes: closeAfter === 'none' ? null : int('--close-after-minutes', 1, 1),
    answerTimeoutSeconds: int('--answer-timeout', 10, 1),
    maxMinutes: int('--max-minutes', 30, 1),
    distDir: join(root, 'dist'),
    workDir: '',
    adminUrl: process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    keepDatabase: flags.has('--keep-database'),
    pgTerminateCases: int('--pg-terminate-cases', 40),
    pgTerminateEveryMs: parseRange(given.get('--pg-terminate-every') ?? '2-5s', '--pg-terminate-every'),
    pgTerminateRounds: int('--pg-terminate-rounds', 15, 1),
    slaCases: int('--sla-cases', 20),
    channelPoison: !flags.has('--no-channel-poison'),
    progress: (line) => console.log(line),
  };
}

async function main(): Promise<number> {
  const root = resolve(process.cwd());
  if (!existsSync(join(root, 'package.json')) || !existsSync(join(root, 'dist', 'app', 'worker.js'))) {
    console.error('soak: run it from the repository as npm run soak (it needs dist/ from npm run build)');
    return 2;
  }
  let options: SoakOptions;
  try {
    options = parseArguments(process.argv.slice(2), root);
  } catch (error) {
    console.error(`soak: ${(error as Error).message}`);
    return 2;
  }
  const resultsDir = join(root, 'soak', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const workDir = scratchDir(resultsDir);
  const result = await runSoak({ ...options, workDir });
  // The Temporal database and the app's outbox are large and of no use afterwards; the logs stay.
  removeDir(join(workDir, 'temporal'));
  removeDir(join(workDir, 'data'));
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify(result, null, 2);
  writeFileSync(join(resultsDir, `soak-${stamp}.json`), json);
  writeFileSync(join(resultsDir, 'latest.json'), json);
  console.log(`\n${formatSoakResult(result)}\n\nresults: soak/results/soak-${stamp}.json`);
  return result.ok ? 0 : 1;
}

void main().then((code) => {
  // Nothing of the run may keep the process alive (a client socket in keep-alive, a timer).
  process.exit(code);
});
