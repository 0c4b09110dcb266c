import { join } from 'node:path';
import type { Child } from '../test/soak/processes';
import { benchCustomerTokens, benchStaffTokens, caseAction, tryOpenCase } from './api-client';
import { measureValues, type Measurement } from './measure';
import { inPool, sleep } from './pool';
import { loadNow, logOf, stopChild, track, type ProcessBenchContext } from './process-bench';
import { countTicker, say } from './progress';
import { anyProductId, createBenchAccounts, entitlementLedgers, listCaseNumbers, prepareRecords, type EntitlementLedger } from './records';
import { BASELINE_TASK_QUEUE, createPostgresDatabase, registerNamespace, startBaselineWorker, startServerProcess, startWorkerProcess } from './servers';
import { freePort } from '../app/process/network';
import { mib, settledRss, usageOf } from './usage';
import { readMetric, STICKY_CACHE_SIZE } from './worker-metrics';
import { emptyWorkflow, updatableWorkflow } from './workflows';

/**
 * Benchmark 5: the worker's memory per cached case. The app's worker (`node dist/app/worker.js`,
 * TEMPORAL_MAX_CACHED_WORKFLOWS above every case it will hold) and the no-op baseline worker (the
 * same cache size) each run in a process of their own; cases open through the API (a server
 * process) and bare workflows that wait for a signal start on the baseline's own task queue, up
 * to each checkpoint; at each, both caches are confirmed full (the SDK's temporal_sticky_cache_size)
 * and both processes' RSS read. Then a burst of new cases at high concurrency (the worker must not
 * fall over, the dev server must keep up), a ladder of bare start bursts to find where the dev
 * server's SQLite gives out, and finally the cases are resolved and every entitlement's ledger checked.
 */

export interface MemorySettings {
  /** Open cases (and bare workflows) at which memory is read, ascending. */
  readonly checkpoints: readonly number[];
  readonly steadyConcurrency: number;
  /** New cases opened at once after the last checkpoint, at `burstConcurrency`. */
  readonly burst: number;
  readonly burstConcurrency: number;
  /** How many of the steady cases to resolve (the rest stay open); Infinity: all. */
  readonly resolve: number;
  readonly resolveConcurrency: number;
  /** Bare start bursts against the dev server: this many `workflow.start`s at once each, until one fails. */
  readonly ladder: readonly number[];
  /**
   * The benchmark's own time budget (within --max-minutes): the steady openings stop at half of
   * it, the burst at three quarters, the resolutions at the end (but get at least a quarter of it,
   * within --max-minutes); whatever is cut short is said.
   */
  readonly minutes: number;
}

export interface MemoryPoint {
  readonly label: string;
  readonly cases: number;
  readonly app: { readonly cached: number; readonly rssMiB: number };
  readonly baseline: { readonly cached: number; readonly rssMiB: number };
  /** (RSS now − RSS after warm-up) ÷ (cached now − cached after warm-up), in KiB. */
  readonly appKiBPerCase: number;
  readonly baselineKiBPerCase: number;
  readonly ratio: number;
  /** Both caches held (98% of) what was opened and started: a point with a backlog still running is not one to judge. */
  readonly complete: boolean;
  readonly loadAverage: number;
}

export interface BurstResult {
  readonly cases: number;
  readonly concurrency: number;
  readonly measured: Measurement;
  readonly statuses: Record<string, number>;
  readonly workerPeakRssMiB: number;
  /** Times the worker process exited during the burst (an out-of-memory loop would show here). */
  readonly workerExits: number;
  /** Burst cases in the records database afterwards (each answered 201 or 202 should be). */
  readonly recorded: number;
  readonly loadAverage: number;
}

export interface LadderStep {
  readonly starts: number;
  readonly ok: number;
  readonly failed: number;
  readonly errors: Record<string, number>;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly loadAverage: number;
}

export interface ResolutionResult {
  readonly attempted: number;
  readonly resolved: number;
  readonly failedActions: Record<string, number>;
  readonly seconds: number;
  readonly perCase: Measurement;
  readonly ledgers: readonly (EntitlementLedger & { readonly expectedResolved: number; readonly exact: boolean })[];
  readonly exact: boolean;
  readonly loadAverage: number;
}

export interface MemoryReport {
  readonly settings: MemorySettings;
  readonly maxCachedWorkflows: number;
  readonly idle: { readonly appRssMiB: number; readonly baselineRssMiB: number; readonly appCached: number; readonly baselineCached: number };
  readonly points: MemoryPoint[];
  readonly opening: Measurement | undefined;
  readonly burst: BurstResult | undefined;
  readonly ladder: LadderStep[];
  readonly resolution: ResolutionResult | undefined;
  readonly notes: string[];
}

const NOOP_TASK_QUEUE = 'bench-memory-noop';
const STEADY_ACCOUNTS = 4;
const STEADY_CUSTOMERS_PER_ACCOUNT = 4;
const WARM_UP = 10;

/** An error's name and first line, and its cause's (a client ServiceError wraps the gRPC status, e.g. "4 DEADLINE_EXCEEDED"). */
const errorName = (error: unknown): string => {
  if (!(error instanceof Error)) return 'error';
  const line = (e: Error): string => `${e.name}: ${e.message.split('\n')[0]!.slice(0, 80)}`;
  return error.cause instanceof Error ? `${line(error)} (${line(error.cause)})` : line(error);
};

export async function workerMemory(context: ProcessBenchContext, settings: MemorySettings): Promise<MemoryReport> {
  const notes: string[] = [];
  // First, on a quiet dev server: where do bursts of bare starts begin to fail? (Not counted in the time budget.)
  const ladder = await startLadder(context, settings, notes);
  const benchStart = Date.now();
  const { temporal } = context;
  const lastCheckpoint = settings.checkpoints.at(-1) ?? 0;
  const maxCachedWorkflows = WARM_UP + lastCheckpoint + settings.burst + 500;

  say(`memory: a PostgreSQL database, ${STEADY_ACCOUNTS} bench accounts (+1 for the burst), a server and a worker process (TEMPORAL_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows})`);
  const database = await createPostgresDatabase(context.adminUrl);
  context.cleanups.push({ what: 'the memory benchmark database', run: () => database.drop() });
  const target = { kind: 'postgres' as const, url: database.url };
  await prepareRecords(target, 1);
  const steadyAccounts = await createBenchAccounts(target, 'Bench Memory', STEADY_ACCOUNTS, STEADY_CUSTOMERS_PER_ACCOUNT);
  const [burstAccount] = await createBenchAccounts(target, 'Bench Burst', 1, settings.burstConcurrency);
  const productId = await anyProductId(target);
  const namespace = 'bench-memory';
  await registerNamespace(temporal.connection, namespace);
  const processSettings = { temporalAddress: temporal.server.address, namespace, databaseUrl: database.url, dataDir: join(context.workDir, 'memory') };
  const server = await startServerProcess('memory server', processSettings, logOf(context, 'memory-server'));
  track(context, server.child);
  const worker = await startWorkerProcess('memory worker', { ...processSettings, extraEnv: { TEMPORAL_MAX_CACHED_WORKFLOWS: String(maxCachedWorkflows) } }, temporal.connection, logOf(context, 'memory-worker'));
  track(context, worker.child);
  const baselineMetricsPort = await freePort();
  const baselineWorker = track(
    context,
    await startBaselineWorker(temporal.server.address, logOf(context, 'memory-baseline-worker'), { taskQueue: NOOP_TASK_QUEUE, maxCachedWorkflows, metricsPort: baselineMetricsPort }),
  );
  const baselineMetricsUrl = `http://127.0.0.1:${baselineMetricsPort}/metrics`;

  say('memory: signing in the bench customers and supervisors');
  const customers = await benchCustomerTokens(server.baseUrl, steadyAccounts.flatMap((account) => account.contactIds), 'memory-customer');
  const burstCustomers = await benchCustomerTokens(server.baseUrl, burstAccount!.contactIds, 'burst-customer');
  const supervisors = await benchStaffTokens(server.baseUrl, Math.max(2, Math.ceil(settings.resolveConcurrency / 2)), 'supervisor', 'memory-supervisor');

  let opened = 0;
  let started = 0;
  const openingLatencies: number[] = [];
  const openingStatuses: Record<string, number> = {};
  let openingFailures = 0;
  let openingSeconds = 0;
  const openCases = async (count: number, label: string, stopAt = Number.POSITIVE_INFINITY): Promise<void> => {
    const progress = countTicker(`memory: opening ${label}`, count);
    const begin = Date.now();
    const first = opened;
    let issued = 0;
    await inPool(count, settings.steadyConcurrency, async (index) => {
      if (Date.now() > stopAt) return;
      issued += 1;
      const number = first + index + 1;
      const answer = await tryOpenCase(server.baseUrl, customers[number % customers.length]!, `Memory case ${number}`, `bench-memory-case-${number}`);
      openingStatuses[answer.status] = (openingStatuses[answer.status] ?? 0) + 1;
      if (answer.status === 201) openingLatencies.push(answer.ms);
      else openingFailures += 1;
    }, progress);
    opened += issued;
    openingSeconds += (Date.now() - begin) / 1_000;
    if (issued < count) notes.push(`${label}: ${issued} of ${count} opened before the benchmark's time budget for steady openings ran out`);
  };
  const startBare = async (count: number, concurrency: number): Promise<void> => {
    const first = started;
    await inPool(count, concurrency, (index) =>
      temporal.client.workflow.start(updatableWorkflow, { taskQueue: NOOP_TASK_QUEUE, workflowId: `memory-noop-${first + index + 1}` }),
    );
    started += count;
  };
  const waitForCache = async (url: string, expected: number, what: string): Promise<number> => {
    const deadline = Date.now() + 180_000;
    let last = -1;
    let stableSince = Date.now();
    for (;;) {
      const cached = await readMetric(url, STICKY_CACHE_SIZE);
      if (cached >= expected) return cached;
      if (cached !== last) {
        last = cached;
        stableSince = Date.now();
      }
      // Not all there, and not moving for 20 s: report what is cached rather than wait on.
      if (Date.now() - stableSince > 20_000 || Date.now() > deadline) {
        notes.push(`${what}: ${cached} workflows cached, ${expected} expected`);
        return cached;
      }
      await sleep(500);
    }
  };

  say(`memory: warm-up (${WARM_UP} cases, ${WARM_UP} bare workflows), then the idle RSS`);
  await openCases(WARM_UP, 'warm-up cases');
  await startBare(WARM_UP, 8);
  const idleAppCached = await waitForCache(worker.metricsUrl, WARM_UP, 'warm-up, app worker');
  const idleBaselineCached = await waitForCache(baselineMetricsUrl, WARM_UP, 'warm-up, baseline worker');
  const [idleApp, idleBaseline] = await Promise.all([settledRss(worker.child.pid!), settledRss(baselineWorker.pid!)]);
  const idle = { appRssMiB: mib(idleApp), baselineRssMiB: mib(idleBaseline), appCached: idleAppCached, baselineCached: idleBaselineCached };
  say(`memory: idle after warm-up: app worker ${idle.appRssMiB} MiB (${idleAppCached} cached), baseline worker ${idle.baselineRssMiB} MiB (${idleBaselineCached} cached)`);

  const points: MemoryPoint[] = [];
  const measurePoint = async (label: string): Promise<void> => {
    const appCached = await waitForCache(worker.metricsUrl, opened, `${label}, app worker`);
    const baselineCached = await waitForCache(baselineMetricsUrl, started, `${label}, baseline worker`);
    await sleep(3_000);
    const [app, baseline] = await Promise.all([settledRss(worker.child.pid!), settledRss(baselineWorker.pid!)]);
    const appKiB = (app - idleApp) / 1_024 / Math.max(1, appCached - idleAppCached);
    const baselineKiB = (baseline - idleBaseline) / 1_024 / Math.max(1, baselineCached - idleBaselineCached);
    const point = {
      label,
      cases: opened - WARM_UP,
      app: { cached: appCached, rssMiB: mib(app) },
      baseline: { cached: baselineCached, rssMiB: mib(baseline) },
      appKiBPerCase: Math.round(appKiB * 10) / 10,
      baselineKiBPerCase: Math.round(baselineKiB * 10) / 10,
      ratio: Math.round((appKiB / baselineKiB) * 100) / 100,
      complete: appCached >= 0.98 * opened && baselineCached >= 0.98 * started,
      loadAverage: loadNow(),
    };
    points.push(point);
    say(`memory: ${label}: app worker ${point.app.rssMiB} MiB for ${appCached} cached (${point.appKiBPerCase} KiB a case); baseline ${point.baseline.rssMiB} MiB for ${baselineCached} (${point.baselineKiBPerCase} KiB); ratio ${point.ratio}; load ${point.loadAverage}`);
  };

  const budgetEnd = Math.min(context.deadline - 30_000, benchStart + settings.minutes * 60_000);
  const steadyEnd = benchStart + (budgetEnd - benchStart) * 0.5;
  const burstEnd = benchStart + (budgetEnd - benchStart) * 0.75;
  for (const checkpoint of settings.checkpoints) {
    const more = checkpoint - (opened - WARM_UP);
    if (Date.now() > steadyEnd) {
      notes.push(`checkpoint ${checkpoint} skipped: the time budget for steady openings was spent`);
      break;
    }
    say(`memory: up to ${checkpoint} open cases (${more} more, concurrency ${settings.steadyConcurrency}) and as many bare workflows`);
    const openedBefore = opened;
    await openCases(more, `${checkpoint} cases`, steadyEnd);
    // As many bare workflows as cases were opened: the two workers compare at the same count.
    await startBare(opened - openedBefore, 16);
    await measurePoint(`${opened - WARM_UP} open cases${opened - WARM_UP < checkpoint ? ` (of ${checkpoint}: time budget)` : ''}`);
  }
  const opening = openingLatencies.length > 0 ? { ...measureValues(openingLatencies, openingFailures, openingStatuses), perSecond: openingLatencies.length / openingSeconds, seconds: openingSeconds } : undefined;

  let burst: BurstResult | undefined;
  if (settings.burst > 0 && Date.now() < burstEnd - 30_000) {
    burst = await caseBurst(settings, server.baseUrl, burstCustomers, worker.child, () => opened, burstEnd);
    const burstOpened = Object.entries(burst.statuses).filter(([status]) => status === '201' || status === '202').reduce((sum, [, n]) => sum + n, 0);
    opened += burstOpened;
    if (burst.cases < settings.burst) notes.push(`the burst: ${burst.cases} of ${settings.burst} requests sent before the benchmark's time budget for it ran out`);
    await startBare(burstOpened, settings.burstConcurrency);
    await measurePoint(`${opened - WARM_UP} open cases, after the burst`);
    const recorded = (await listCaseNumbers(target, [burstAccount!.entitlementId])).length;
    burst = { ...burst, recorded };
  } else if (settings.burst > 0) {
    notes.push(`the burst of ${settings.burst} was skipped: the time budget was spent`);
  }

  // Reading memory after the burst waits for its backlog, however long: the resolutions still get a quarter of the budget.
  const resolveEnd = Math.min(context.deadline - 30_000, Math.max(budgetEnd, Date.now() + (budgetEnd - benchStart) * 0.25));
  const resolution = await resolveAll(resolveEnd, settings, target, server.baseUrl, supervisors, productId, steadyAccounts.map((a) => a.entitlementId), burstAccount!.entitlementId, notes);

  await stopChild(context, baselineWorker);
  await stopChild(context, worker.child);
  await stopChild(context, server.child);
  return { settings, maxCachedWorkflows, idle, points, opening, burst, ladder, resolution, notes };
}

/** `burst` new cases at `burstConcurrency`, watching the worker's RSS and whether it stays up. */
async function caseBurst(settings: MemorySettings, baseUrl: string, customers: readonly string[], worker: Child, openedBefore: () => number, stopAt: number): Promise<BurstResult> {
  say(`memory: a burst of ${settings.burst} new cases at concurrency ${settings.burstConcurrency} (each connection a customer of its own)`);
  let peak = (await usageOf(worker.pid!)).rssBytes;
  let exits = 0;
  void worker.exited.then(() => (exits += 1));
  const sampler = setInterval(() => {
    if (!worker.running) return;
    void usageOf(worker.pid!).then((usage) => (peak = Math.max(peak, usage.rssBytes)), () => undefined);
  }, 1_000);
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const progress = countTicker('memory: burst', settings.burst);
  const begin = Date.now();
  const base = openedBefore();
  let sent = 0;
  try {
    await inPool(settings.burst, settings.burstConcurrency, async (index) => {
      if (Date.now() > stopAt) return;
      sent += 1;
      const answer = await tryOpenCase(baseUrl, customers[index % customers.length]!, `Burst case ${index + 1}`, `bench-burst-case-${base + index + 1}`);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status === 201 || answer.status === 202) latencies.push(answer.ms);
    }, progress);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (Date.now() - begin) / 1_000;
  const failures = sent - latencies.length;
  const measured = { ...measureValues(latencies, failures, statuses), perSecond: latencies.length / seconds, seconds };
  say(`memory: burst done in ${seconds.toFixed(0)} s: ${JSON.stringify(statuses)}, worker peak ${mib(peak)} MiB, worker exits ${exits}`);
  return { cases: sent, concurrency: settings.burstConcurrency, measured, statuses, workerPeakRssMiB: mib(peak), workerExits: exits, recorded: 0, loadAverage: loadNow() };
}

/** Bursts of bare `workflow.start`s (empty workflows, the baselines' worker) all at once, doubling until one fails. */
async function startLadder(context: ProcessBenchContext, settings: MemorySettings, notes: string[]): Promise<LadderStep[]> {
  const results: LadderStep[] = [];
  // At most 4 minutes (1 in --quick), leaving the rest of the benchmark its own budget.
  const stopAt = Math.min(context.deadline - settings.minutes * 60_000, Date.now() + (context.quick ? 1 : 4) * 60_000);
  for (const starts of settings.ladder) {
    if (Date.now() > stopAt) {
      notes.push(`start ladder stopped before ${starts}: its 4 minutes (or the --max-minutes budget) were spent`);
      break;
    }
    say(`memory: dev server limit: ${starts} bare workflow.start calls at once`);
    const errors: Record<string, number> = {};
    const latencies: number[] = [];
    const begin = performance.now();
    const stamp = Date.now().toString(36);
    await Promise.all(
      Array.from({ length: starts }, async (_, index) => {
        const t0 = performance.now();
        try {
          await context.temporal.client.workflow.start(emptyWorkflow, { taskQueue: BASELINE_TASK_QUEUE, workflowId: `ladder-${stamp}-${index}` });
          latencies.push(performance.now() - t0);
        } catch (error) {
          const name = errorName(error);
          errors[name] = (errors[name] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - begin) / 1_000;
    const measured = measureValues(latencies, 0, {});
    const step: LadderStep = {
      starts,
      ok: latencies.length,
      failed: starts - latencies.length,
      errors,
      seconds: Math.round(seconds * 10) / 10,
      p50Ms: measured.latencyMs.p50,
      p99Ms: measured.latencyMs.p99,
      maxMs: measured.latencyMs.max,
      loadAverage: loadNow(),
    };
    results.push(step);
    say(`memory:   ${step.ok}/${starts} started in ${step.seconds} s (p99 ${step.p99Ms.toFixed(0)} ms)${step.failed > 0 ? `; failures: ${JSON.stringify(errors)}` : ''}`);
    // Let the worker run the backlog before the next step or the app's load.
    await drainEmpty(context);
    if (step.failed > 0) break;
  }
  return results;
}

async function drainEmpty(context: ProcessBenchContext): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const { count } = await context.temporal.client.workflow.count(`WorkflowType = 'emptyWorkflow' AND ExecutionStatus = 'Running'`);
    if (count === 0) return;
    await sleep(1_000);
  }
}

const RESOLUTION = { resolutionText: 'Restarted the print spooler', resolutionType: 'problem_solved' };

/** Works every steady case to resolved as a supervisor (six actions each), then reads each entitlement's ledger. */
async function resolveAll(
  budgetEnd: number,
  settings: MemorySettings,
  target: { kind: 'postgres'; url: string },
  baseUrl: string,
  supervisors: readonly string[],
  productId: string,
  entitlementIds: readonly string[],
  burstEntitlementId: string,
  notes: string[],
): Promise<ResolutionResult | undefined> {
  const all = await listCaseNumbers(target, entitlementIds);
  const count = Math.min(all.length, settings.resolve);
  if (count === 0 || Date.now() > budgetEnd) {
    notes.push('no case resolved: the time budget was spent');
    return undefined;
  }
  const cases = all.slice(0, count);
  say(`memory: resolving ${count} cases as supervisors (6 actions each, concurrency ${settings.resolveConcurrency})`);
  const failedActions: Record<string, number> = {};
  const latencies: number[] = [];
  let attempted = 0;
  const resolvedBy = new Map<string, number>();
  const progress = countTicker('memory: resolving', cases.length);
  const begin = Date.now();
  await inPool(cases.length, settings.resolveConcurrency, async (index) => {
    const { caseNumber, entitlementId } = cases[index]!;
    const token = supervisors[index % supervisors.length]!;
    const key = `bench-resolve-${caseNumber}`;
    const steps: [string, unknown][] = [
      ['steps/customer_confirmed/complete', {}],
      ['details', { productId, subject: 'Printing' }],
      ['stage/advance', {}],
      ['knowledge-searches', { query: 'printer offline' }],
      ['stage/advance', {}],
      ['resolve', RESOLUTION],
    ];
    // A case is worked to the end once begun; none is begun after the budget.
    if (Date.now() > budgetEnd) return;
    attempted += 1;
    const t0 = performance.now();
    for (const [step, [action, body]] of steps.entries()) {
      const status = await caseAction(baseUrl, token, caseNumber, action, body, `${key}-${step}`);
      if (status !== 200) {
        const what = `${action} ${status}`;
        failedActions[what] = (failedActions[what] ?? 0) + 1;
        return;
      }
    }
    latencies.push(performance.now() - t0);
    resolvedBy.set(entitlementId, (resolvedBy.get(entitlementId) ?? 0) + 1);
  }, progress);
  const seconds = (Date.now() - begin) / 1_000;
  const ledgers = (await entitlementLedgers(target, [...entitlementIds, burstEntitlementId])).map((ledger) => {
    const expectedResolved = resolvedBy.get(ledger.entitlementId) ?? 0;
    const exact = ledger.resolvedCases === expectedResolved && ledger.usages === expectedResolved && ledger.termsCharged === expectedResolved && ledger.decrement === expectedResolved;
    return { ...ledger, expectedResolved, exact };
  });
  const resolved = latencies.length;
  if (attempted < all.length) notes.push(`resolved ${resolved} of the ${all.length} steady cases (${attempted < count ? 'the time budget' : '--memory-resolve'}); the rest stay open`);
  const perCase = { ...measureValues(latencies, attempted - resolved, failedActions), perSecond: resolved / seconds, seconds };
  const exact = ledgers.every((ledger) => ledger.exact);
  say(`memory: ${resolved}/${count} resolved in ${seconds.toFixed(0)} s; entitlements ${exact ? 'exact' : 'NOT exact'}: ${ledgers.map((l) => `${l.expectedResolved} resolved → ${l.usages} usages, −${l.decrement}`).join('; ')}`);
  return { attempted, resolved, failedActions, seconds, perCase, ledgers, exact, loadAverage: loadNow() };
}
