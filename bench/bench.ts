import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { findTemporalTool } from '../app/temporal/tools';
import { openLog, type Child } from '../test/soak/processes';
import { DEMO } from '../db/seeds/demo';
import { benchCustomerTokens, signIn } from './api-client';
import { agentActions, botTurns, caseOpening, type PhaseResults, type Settings } from './phases';
import { prepareRecords } from './records';
import { slaTimers } from './sla-timers';
import { formatReport, writeReport, type BenchReport, type Machine } from './report';
import { say } from './progress';
import { createPostgresDatabase, registerNamespace, startApp, startBaselineWorker, startEchoBot, startTemporal, type Temporal } from './servers';
import { startConnector, type Connector } from './connector';
import { knowledgeSearch, type KnowledgeReport, type KnowledgeSettings } from './knowledge';
import { workerMemory, type MemoryReport, type MemorySettings } from './memory';
import type { ProcessBenchContext } from './process-bench';
import { scaleOut, type ScaleReport, type ScaleSettings } from './scale';
import { evaluateTargets } from './targets';
import { forgetUsage } from './usage';
import { serverErrorsIn } from './server-errors';
import { chatOpenings, emailOpenings } from './channel-openings';
import { agentReplies } from './agent-replies';
import { botTakeNext } from './bot-take-next';
import { freePort } from '../app/process/network';

/**
 * npm run bench [-- --quick] [--max-minutes N] [--database postgres|pglite] [--benchmark NAME …]:
 * caseflow's speed as ratios against bare Temporal on the same dev server in the same run, and
 * issue #13's targets judged pass or short. Loopback only; every load is capped in time and count,
 * and the whole run by --max-minutes. bench/README.md describes every benchmark.
 */

const DATABASES = ['postgres', 'pglite'] as const;
type DatabaseKind = (typeof DATABASES)[number];
const CUSTOMERS = 8;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'max-minutes': { type: 'string' },
    database: { type: 'string', multiple: true },
    benchmark: { type: 'string', multiple: true },
    'memory-cases': { type: 'string' },
    'memory-burst': { type: 'string' },
    'memory-resolve': { type: 'string' },
    'memory-minutes': { type: 'string' },
    'knowledge-articles': { type: 'string' },
  },
});
const quick = args.quick;
const BENCHMARKS = ['cases', 'actions', 'bot', 'sla', 'memory', 'scale', 'knowledge'] as const;
type Benchmark = (typeof BENCHMARKS)[number];
// The SLA timers take two minutes a database (the shortest warning is a minute): not in a smoke run.
const benchmarks = (args.benchmark ?? BENCHMARKS.filter((name) => !(quick && name === 'sla'))) as Benchmark[];
for (const name of benchmarks) if (!BENCHMARKS.includes(name)) throw new Error(`--benchmark must be one of ${BENCHMARKS.join(', ')} (got ${name})`);
const maxMinutes = Number(args['max-minutes'] ?? (quick ? 15 : benchmarks.includes('memory') ? 50 : 25));
if (!Number.isFinite(maxMinutes) || maxMinutes <= 0 || maxMinutes > 180) throw new Error('--max-minutes must be a number of minutes from 1 to 180');
const databases = (args.database ?? [...DATABASES]) as DatabaseKind[];
for (const kind of databases) if (!DATABASES.includes(kind)) throw new Error(`--database must be postgres or pglite (got ${kind})`);

const count = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number (got ${value})`);
  return parsed;
};
const memorySettings: MemorySettings = {
  checkpoints: (args['memory-cases'] ?? (quick ? '40,80' : '2000,5000'))
    .split(',')
    .map((value) => count('memory-cases', value.trim(), 0))
    .filter((value) => value > 0)
    .sort((a, b) => a - b),
  steadyConcurrency: 8,
  burst: count('memory-burst', args['memory-burst'], quick ? 100 : 5_000),
  burstConcurrency: quick ? 16 : 64,
  resolve: count('memory-resolve', args['memory-resolve'], quick ? 20 : 2_000),
  resolveConcurrency: 16,
  ladder: quick ? [100, 200] : [250, 500, 1_000, 2_000, 4_000],
  minutes: count('memory-minutes', args['memory-minutes'], quick ? 4 : 15),
};

const startedAt = new Date();
const settings: Settings = {
  durationMs: quick ? 2_000 : 15_000,
  maxCount: quick ? 300 : 3_000,
  concurrencies: [1, 8],
  sampleCases: quick ? 2 : 5,
  slaCases: quick ? 8 : 48,
  deadline: startedAt.getTime() + maxMinutes * 60_000,
};
const knowledgeSettings: KnowledgeSettings = {
  articles: count('knowledge-articles', args['knowledge-articles'], quick ? 1_000 : 10_000),
  durationMs: settings.durationMs,
  maxCount: quick ? 300 : 5_000,
  concurrencies: [1, 8],
};
const scaleSettings: ScaleSettings = { durationMs: quick ? 4_000 : 30_000, concurrency: 16 };
const adminUrl = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function describeMachine(): Machine {
  const gib = (bytes: number): number => Math.round((bytes / 2 ** 30) * 10) / 10;
  let temporalCli = 'temporal CLI (version unknown)';
  try {
    temporalCli = execFileSync(findTemporalTool('temporal'), ['--version'], { encoding: 'utf8' }).trim().split('\n')[0] ?? temporalCli;
  } catch {
    // The version is a nicety; the dev server start says whether the tool works.
  }
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: gib(os.totalmem()),
    freeMemoryGiBAtStart: gib(os.freemem()),
    loadAverageAtStart: os.loadavg(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    temporalCli,
  };
}

const cleanups: { what: string; run: () => Promise<void> }[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const { what, run } = cleanups.pop()!;
    await run().catch((error: unknown) => say(`cleaning up ${what} failed: ${(error as Error).message}`));
  }
}

async function benchOn(kind: DatabaseKind, temporal: Temporal, bot: { connector: Connector; echoUrl: string }, workDir: string, results: PhaseResults): Promise<void> {
  say(`${kind}: preparing the records database and starting caseflow (dist/app/main.js)`);
  const dataDir = join(workDir, `app-${kind}`);
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    const database = await createPostgresDatabase(adminUrl);
    cleanups.push({ what: 'the PostgreSQL database', run: () => database.drop() });
    databaseUrl = database.url;
  }
  const contacts = await prepareRecords(databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'pglite', dataDir: join(dataDir, 'pg') }, CUSTOMERS);
  const namespace = `bench-${kind}`;
  await registerNamespace(temporal.connection, namespace);
  // The SMTP listener too: cases are also opened by email.
  const smtpPort = await freePort();
  const app = await startApp({
    temporalAddress: temporal.server.address,
    namespace,
    dataDir,
    databaseUrl,
    // The loopback Connector stands for a Bot Framework channel: on the allow list, as a real channel's would be.
    extraEnv: { BOT_ALLOWED_SERVICE_URLS: bot.connector.url, SMTP_LISTEN_PORT: String(smtpPort) },
    log: openLog(join(workDir, 'logs', `caseflow-${kind}.log`)),
  });
  const stopApp = { what: `caseflow on ${kind}`, run: () => app.child.stop() };
  cleanups.push(stopApp);
  const tokens = await benchCustomerTokens(app.baseUrl, contacts.gold, 'customer');
  const slaTokens = await benchCustomerTokens(app.baseUrl, contacts.sla, 'sla-customer');
  const context = {
    database: kind,
    baseUrl: app.baseUrl,
    tokens,
    slaTokens,
    supervisorToken: await signIn(app.baseUrl, DEMO.usernames.supervisor),
    baseline: temporal.client,
    app: new Client({ connection: temporal.connection, namespace }),
    settings,
    bot,
  };
  if (benchmarks.includes('cases')) {
    await isolated('cases', () => caseOpening(context, results));
    await isolated('cases by email', () => emailOpenings(context, results, smtpPort));
    await isolated('cases by chat', () => chatOpenings(context, results));
  }
  if (benchmarks.includes('actions')) {
    await isolated('actions', () => agentActions(context, results));
    await isolated('agent replies', () => agentReplies(context, results));
  }
  if (benchmarks.includes('bot')) {
    await isolated('bot', () => botTurns(context, results));
    await isolated('bot take next', () => botTakeNext(context, results));
  }
  if (benchmarks.includes('sla')) await isolated('sla', () => slaTimers(context, results));
  cleanups.splice(cleanups.indexOf(stopApp), 1);
  await stopApp.run();
}

const PER_DATABASE: readonly Benchmark[] = ['cases', 'actions', 'bot', 'sla'];

/** Benchmarks that failed: one failing does not stop the others; the run then ends with status 1. */
const failures: { benchmark: string; why: string }[] = [];
async function isolated<T>(benchmark: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    say(`${benchmark} failed: ${(error as Error).stack ?? String(error)}`);
    failures.push({ benchmark, why: `failed: ${(error as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

async function main(): Promise<void> {
  const machine = describeMachine();
  say(`caseflow bench (${quick ? 'quick' : 'full'}): ${machine.cpus} cores, ${machine.memoryGiB} GiB, node ${machine.node}, load average ${machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}; ${benchmarks.join(', ')}; at most ${maxMinutes} min`);
  const workDir = mkdtempSync(join(os.tmpdir(), 'caseflow-bench-'));
  const results: PhaseResults = { comparisons: [], tasks: [], skipped: [] };
  let memory: MemoryReport | undefined;
  let scale: ScaleReport | undefined;
  let knowledge: KnowledgeReport | undefined;
  let failed = false;
  try {
    say('starting the Temporal dev server (file database, WAL), the baselines\' worker, the echo bot and a loopback Connector');
    const temporal = await startTemporal(workDir);
    cleanups.push({ what: 'the Temporal dev server', run: () => temporal.server.stop() });
    cleanups.push({ what: 'the Temporal connection', run: () => temporal.connection.close() });
    const worker: Child = await startBaselineWorker(temporal.server.address, openLog(join(workDir, 'logs', 'baseline-worker.log')));
    cleanups.push({ what: 'the baseline worker', run: () => worker.stop() });
    if (benchmarks.some((name) => PER_DATABASE.includes(name))) {
      const connector = await startConnector();
      cleanups.push({ what: 'the loopback Connector', run: () => connector.stop() });
      const echo = await startEchoBot(temporal.server.address, connector.url, openLog(join(workDir, 'logs', 'echo-bot.log')));
      cleanups.push({ what: 'the echo bot', run: () => echo.child.stop() });
      for (const kind of databases) await benchOn(kind, temporal, { connector, echoUrl: echo.url }, workDir, results);
    }
    const context: ProcessBenchContext = { temporal, adminUrl, workDir, quick, deadline: settings.deadline, cleanups };
    if (benchmarks.includes('knowledge')) knowledge = await isolated('knowledge', () => knowledgeSearch(context, knowledgeSettings));
    if (benchmarks.includes('scale')) scale = await isolated('scale', () => scaleOut(context, scaleSettings));
    if (benchmarks.includes('memory')) memory = await isolated('memory', () => workerMemory(context, memorySettings));
    if (failures.length > 0) failed = true;
  } catch (error) {
    failed = true;
    say(`the bench failed: ${(error as Error).stack ?? String(error)}`);
    say(`logs are kept in ${join(workDir, 'logs')}`);
  } finally {
    await cleanUp();
    forgetUsage();
  }
  const targets = evaluateTargets({
    comparisons: results.comparisons.map((c) => ({
      database: c.database,
      benchmark: c.benchmark,
      concurrency: c.concurrency,
      baselineKind: c.baseline.kind,
      app: { perSecond: c.app.measured.perSecond, p50: c.app.measured.latencyMs.p50, p99: c.app.measured.latencyMs.p99 },
      baseline: { perSecond: c.baseline.measured.perSecond, p50: c.baseline.measured.latencyMs.p50, p99: c.baseline.measured.latencyMs.p99 },
    })),
    memory: memoryFigures(memory),
    scale: scale?.layouts.find((l) => l.layout === '2+2')
      ? {
          shares: Object.fromEntries(scale.layouts.find((l) => l.layout === '2+2')!.servers.concat(scale.layouts.find((l) => l.layout === '2+2')!.workers).map((p) => [p.name, p.share])),
          throughputRatio: scale.throughputRatio,
        }
      : undefined,
  });
  const report: BenchReport = {
    ...results,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine,
    settings: { durationSeconds: settings.durationMs / 1_000, maxCount: settings.maxCount, concurrencies: settings.concurrencies, slaCases: settings.slaCases, maxMinutes, databases, benchmarks },
    notDone: [...failures, ...BENCHMARKS.filter((name) => !benchmarks.includes(name)).map((name) => ({
      benchmark: name,
      why: name === 'sla' && quick ? 'not in --quick (a warning falls due a minute after its case opens); --benchmark sla runs it' : 'not asked for (--benchmark)',
    }))],
    note: 'The machine may be shared: absolute figures move with its load (the load average is beside each result); the ratios (app and baseline measured back to back on the same servers) are what to compare between runs.',
    memory,
    scale,
    knowledge,
    targets,
  };
  process.stdout.write(formatReport(report));
  const path = writeReport(report, join(__dirname, '..', '..', 'bench', 'results'));
  say(`results written to ${path}`);
  const serverErrors = serverErrorsIn(join(workDir, 'logs'));
  for (const { file, line } of serverErrors.slice(0, 20)) say(`500 logged in ${file}: ${line}`);
  if (serverErrors.length > 0) say(`${serverErrors.length} request(s) answered 500; logs are kept in ${join(workDir, 'logs')}`);
  if (!failed && serverErrors.length === 0) rmSync(workDir, { recursive: true, force: true });
  process.exitCode = failed ? 1 : 0;
}

/** The memory target at the largest point where both caches held everything (a backlog still opening cases is no steady state). */
function memoryFigures(memory: MemoryReport | undefined): { database: string; cases: number; appBytesPerCase: number; baselineBytesPerCase: number }[] {
  const point = memory?.points.filter((p) => p.complete).at(-1) ?? memory?.points.at(-1);
  if (!point) return [];
  return [{ database: 'postgres', cases: point.cases, appBytesPerCase: point.appKiBPerCase * 1_024, baselineBytesPerCase: point.baselineKiBPerCase * 1_024 }];
}

// A hard stop a minute after the budget, whatever hangs.
const watchdog = setTimeout(() => {
  say(`--max-minutes ${maxMinutes} passed by a minute: stopping`);
  void cleanUp().finally(() => process.exit(2));
}, maxMinutes * 60_000 + 60_000);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

void main();
