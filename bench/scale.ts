import { join } from 'node:path';
import { benchCustomerTokens, tryOpenCase } from './api-client';
import { measureValues, type Measurement } from './measure';
import { inPool, sleep } from './pool';
import { loadNow, logOf, stopChild, track, type ProcessBenchContext } from './process-bench';
import { say, ticker } from './progress';
import { prepareRecords } from './records';
import { createPostgresDatabase, registerNamespace, startServerProcess, startWorkerProcess, type RunningApp } from './servers';
import { usageOf } from './usage';
import { ACTIVITIES_RUN, readMetric, WORKFLOW_TASKS_RUN } from './worker-metrics';
import type { Child } from '../test/soak/processes';
import { livePidIn } from '../app/process/pid-files';

/**
 * Benchmark 6: scale-out. The same timed load of case openings (POST /cases, `concurrency`
 * customers each with a connection of its own) on 1 server + 1 worker process, then on 2 + 2
 * (`node dist/app/server.js` and `node dist/app/worker.js`, distinct ports, a namespace each),
 * against one Temporal dev server and one PostgreSQL database. With two servers the connections
 * alternate between them, as a round-robin load balancer would. Each process's share of the work
 * (servers: cases opened; workers: workflow tasks + activities run, from their metrics), the
 * throughput and latency of each layout, and the CPU time each process used per case opened.
 */

export interface ScaleSettings {
  readonly durationMs: number;
  readonly concurrency: number;
}

export interface ProcessShare {
  readonly name: string;
  /** Openings accepted, 201 or 202 (a server), or workflow tasks + activities run (a worker). */
  readonly work: number;
  readonly share: number;
  readonly cpuMs: number;
}

export interface LayoutResult {
  readonly layout: '1+1' | '2+2';
  readonly opened: number;
  readonly measured: Measurement;
  readonly servers: ProcessShare[];
  readonly workers: ProcessShare[];
  /** CPU milliseconds per case opened: the app's processes together, and the Temporal dev server. */
  readonly appCpuMsPerCase: number;
  readonly temporalCpuMsPerCase: number;
  readonly loadAverage: number;
}

export interface ScaleReport {
  readonly settings: ScaleSettings;
  readonly layouts: LayoutResult[];
  /** 2+2 ÷ 1+1. */
  readonly throughputRatio: number;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  readonly notes: string[];
}

export async function scaleOut(context: ProcessBenchContext, settings: ScaleSettings): Promise<ScaleReport> {
  const { temporal } = context;
  say('scale: a PostgreSQL database for both layouts');
  const database = await createPostgresDatabase(context.adminUrl);
  context.cleanups.push({ what: 'the scale benchmark database', run: () => database.drop() });
  const contacts = await prepareRecords({ kind: 'postgres', url: database.url }, settings.concurrency);
  const temporalPid = devServerPid(context.workDir);
  const notes: string[] = [];
  if (temporalPid === undefined) notes.push('the dev server pid was not found: no Temporal CPU figure');
  let tokens: string[] | undefined;

  const layouts: LayoutResult[] = [];
  for (const size of [1, 2] as const) {
    const layout = size === 1 ? '1+1' : '2+2';
    if (context.deadline - Date.now() < settings.durationMs + 90_000) {
      notes.push(`${layout} not run: the --max-minutes budget was spent`);
      break;
    }
    const namespace = `bench-scale-${size}`;
    await registerNamespace(temporal.connection, namespace);
    const processSettings = { temporalAddress: temporal.server.address, namespace, databaseUrl: database.url, dataDir: join(context.workDir, `scale-${size}`) };
    say(`scale: ${layout}: starting ${size} server and ${size} worker process${size > 1 ? 'es' : ''}`);
    const servers: RunningApp[] = [];
    const workers: { child: Child; metricsUrl: string }[] = [];
    for (let index = 1; index <= size; index += 1) {
      const server = await startServerProcess(`scale ${layout} server ${index}`, processSettings, logOf(context, `scale-${size}-server-${index}`));
      track(context, server.child);
      servers.push(server);
      const worker = await startWorkerProcess(`scale ${layout} worker ${index}`, processSettings, temporal.connection, logOf(context, `scale-${size}-worker-${index}`), index - 1);
      track(context, worker.child);
      workers.push(worker);
    }
    tokens ??= await benchCustomerTokens(servers[0]!.baseUrl, contacts.gold, 'scale-customer');
    const customerTokens = tokens;
    // Warm-up on every server: connections, JIT, the workers' first workflow tasks.
    await inPool(4 * size, size, (index) => tryOpenCase(servers[index % size]!.baseUrl, customerTokens[index % customerTokens.length]!, `Scale warm-up ${index + 1}`, `bench-scale-${size}-warm-${index}`));
    await sleep(2_000);

    const processes = [...servers.map((s) => s.child), ...workers.map((w) => w.child)];
    const cpuBefore = await Promise.all(processes.map((child) => usageOf(child.pid!).then((u) => u.cpuMs)));
    const temporalBefore = temporalPid === undefined ? 0 : (await usageOf(temporalPid)).cpuMs;
    const workBefore = await Promise.all(workers.map((w) => workerWork(w.metricsUrl)));

    const openedBy = servers.map(() => 0);
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const progress = ticker(`scale ${layout} POST /cases c=${settings.concurrency}`, settings.durationMs);
    const begin = performance.now();
    const ticking = setInterval(() => progress(latencies.length, performance.now() - begin), 1_000);
    await Promise.all(
      Array.from({ length: settings.concurrency }, async (_, caller) => {
        // Connections alternate between the servers, as a round-robin load balancer's would.
        const serverIndex = caller % size;
        let sequence = 0;
        while (performance.now() - begin < settings.durationMs) {
          sequence += 1;
          const answer = await tryOpenCase(servers[serverIndex]!.baseUrl, customerTokens[caller % customerTokens.length]!, `Scale case ${caller}.${sequence}`, `bench-scale-${size}-${caller}-${sequence}`);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status === 201) latencies.push(answer.ms);
          // A server's share: the openings it accepted, recorded (201) or still opening (202).
          if (answer.status === 201 || answer.status === 202) openedBy[serverIndex]! += 1;
        }
      }),
    );
    clearInterval(ticking);
    const seconds = (performance.now() - begin) / 1_000;
    // The workers finish what the openings set going (the cases' first tasks) before the CPU is read.
    await sleep(3_000);
    const cpuAfter = await Promise.all(processes.map((child) => usageOf(child.pid!).then((u) => u.cpuMs)));
    const temporalAfter = temporalPid === undefined ? Number.NaN : (await usageOf(temporalPid)).cpuMs;
    const workAfter = await Promise.all(workers.map((w) => workerWork(w.metricsUrl)));

    const opened = latencies.length;
    const failures = Object.entries(statuses).filter(([status]) => status !== '201').reduce((sum, [, n]) => sum + n, 0);
    const measured = { ...measureValues(latencies, failures, statuses), perSecond: opened / seconds, seconds };
    const cpu = cpuAfter.map((after, index) => after - cpuBefore[index]!);
    const workerWorkDone = workAfter.map((after, index) => after - workBefore[index]!);
    const totalWork = workerWorkDone.reduce((a, b) => a + b, 0);
    const result: LayoutResult = {
      layout,
      opened,
      measured,
      servers: servers.map((server, index) => {
        const accepted = openedBy.reduce((a, b) => a + b, 0);
        return { name: `server ${index + 1}`, work: openedBy[index]!, share: accepted > 0 ? openedBy[index]! / accepted : Number.NaN, cpuMs: Math.round(cpu[index]!) };
      }),
      workers: workers.map((_, index) => ({
        name: `worker ${index + 1}`,
        work: workerWorkDone[index]!,
        share: totalWork > 0 ? workerWorkDone[index]! / totalWork : Number.NaN,
        cpuMs: Math.round(cpu[servers.length + index]!),
      })),
      appCpuMsPerCase: opened > 0 ? cpu.reduce((a, b) => a + b, 0) / opened : Number.NaN,
      temporalCpuMsPerCase: opened > 0 ? (temporalAfter - temporalBefore) / opened : Number.NaN,
      loadAverage: loadNow(),
    };
    layouts.push(result);
    say(
      `scale: ${layout}: ${opened} cases in ${seconds.toFixed(1)} s (${measured.perSecond.toFixed(1)}/s, p50 ${measured.latencyMs.p50.toFixed(0)} ms, p99 ${measured.latencyMs.p99.toFixed(0)} ms); ` +
        `servers ${result.servers.map((s) => `${(s.share * 100).toFixed(0)}%`).join('/')}, workers ${result.workers.map((w) => `${(w.share * 100).toFixed(0)}%`).join('/')}; ` +
        `CPU a case: app ${result.appCpuMsPerCase.toFixed(1)} ms, Temporal ${result.temporalCpuMsPerCase.toFixed(1)} ms; load ${result.loadAverage}`,
    );
    for (const child of processes) await stopChild(context, child);
  }
  const [one, two] = layouts;
  const ratio = (pick: (layout: LayoutResult) => number): number => (one && two ? pick(two) / pick(one) : Number.NaN);
  return {
    settings,
    layouts,
    throughputRatio: ratio((l) => l.measured.perSecond),
    p50Ratio: ratio((l) => l.measured.latencyMs.p50),
    p99Ratio: ratio((l) => l.measured.latencyMs.p99),
    notes,
  };
}

/** Workflow tasks and activities a worker has run so far. */
async function workerWork(metricsUrl: string): Promise<number> {
  const [tasks, activities] = await Promise.all([readMetric(metricsUrl, WORKFLOW_TASKS_RUN), readMetric(metricsUrl, ACTIVITIES_RUN)]);
  return tasks + activities;
}

/** The dev server's pid, from the pid file startDevServer writes under the data directory. */
function devServerPid(dataDir: string): number | undefined {
  return livePidIn(join(dataDir, 'temporal', 'dev-server.pid')) ?? undefined;
}
