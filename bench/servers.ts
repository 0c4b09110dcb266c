import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WriteStream } from 'node:fs';
import pg from 'pg';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { freePort } from '../app/process/network';
import { startDevServer, type DevServer } from '../app/temporal/dev-server';
import { Child, waitFor } from '../test/soak/processes';

/** The servers a bench run measures on: one Temporal dev server, and processes started as in production. */

export const BASELINE_NAMESPACE = 'bench-baseline';
export const BASELINE_TASK_QUEUE = 'bench-baseline';

export interface Temporal {
  readonly server: DevServer;
  readonly connection: Connection;
  /** A client in the baselines' namespace. */
  readonly client: Client;
}

/** The dev server exactly as the all-in-one process starts it (file database, the project's SQLite pragmas). */
export async function startTemporal(dataDir: string): Promise<Temporal> {
  const server = await startDevServer({
    dataDir,
    host: '127.0.0.1',
    port: await freePort(),
    uiPort: await freePort(),
    namespace: BASELINE_NAMESPACE,
    logger: pino({ level: 'warn' }),
  });
  const connection = await Connection.connect({ address: server.address });
  return { server, connection, client: new Client({ connection, namespace: BASELINE_NAMESPACE }) };
}

export async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await waitFor(`namespace ${namespace}`, 10_000, async () => {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  }, 100);
}

/** A fresh PostgreSQL database on the local server, dropped by `drop()`. */
export async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `caseflow_bench_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME });

/**
 * The worker of the baselines' no-op workflows (bench/baseline-worker.ts), a process of its own;
 * `options` give it a task queue of its own, a workflow cache size and a Prometheus endpoint.
 */
export async function startBaselineWorker(
  address: string,
  log: WriteStream,
  options: { readonly taskQueue?: string; readonly maxCachedWorkflows?: number; readonly metricsPort?: number } = {},
): Promise<Child> {
  const child = new Child('baseline worker', process.execPath, [join(__dirname, 'baseline-worker.js')], {
    ...baseEnv(),
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: BASELINE_NAMESPACE,
    TEMPORAL_TASK_QUEUE: options.taskQueue ?? BASELINE_TASK_QUEUE,
    ...(options.maxCachedWorkflows === undefined ? {} : { BENCH_MAX_CACHED_WORKFLOWS: String(options.maxCachedWorkflows) }),
    ...(options.metricsPort === undefined ? {} : { BENCH_METRICS_PORT: String(options.metricsPort) }),
  }, log);
  await child.waitForOutput(/baseline worker ready/, 60_000);
  return child;
}

export interface RunningApp {
  readonly child: Child;
  readonly baseUrl: string;
  readonly namespace: string;
}

/**
 * caseflow's all-in-one process (dist/app/main.js, as `npm start` runs it) on the given Temporal
 * server and records database: its worker, HTTP API and bot, with the demo data.
 */
export async function startApp(options: {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly extraEnv?: NodeJS.ProcessEnv;
  readonly log: WriteStream;
}): Promise<RunningApp> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = new Child('caseflow', process.execPath, [join(__dirname, '..', 'app', 'main.js')], {
    ...baseEnv(),
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.namespace,
    LOG_LEVEL: 'warn',
    SMTP_LISTEN_PORT: '0',
    ...options.extraEnv,
  }, options.log);
  await child.waitForOutput(/caseflow is running/, 120_000);
  return { child, baseUrl, namespace: options.namespace };
}

/** The echo bot baseline (bench/echo-bot.ts), a process of its own; resolves with its base URL. */
export async function startEchoBot(temporalAddress: string, connectorUrl: string, log: WriteStream): Promise<{ child: Child; url: string }> {
  const child = new Child('echo bot', process.execPath, [join(__dirname, 'echo-bot.js')], {
    ...baseEnv(),
    TEMPORAL_ADDRESS: temporalAddress,
    BENCH_CONNECTOR_URL: connectorUrl,
  }, log);
  await child.waitForOutput(/echo bot listening on http:\/\/127\.0\.0\.1:\d+/, 60_000);
  const url = /echo bot listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(child.lastLines(20))?.[1] ?? '';
  if (!url) throw new Error('the echo bot did not say where it listens');
  return { child, url };
}

/** The settings every separately started app process shares (the same secrets, so a token from one server works on the other). */
export interface AppProcessSettings {
  readonly temporalAddress: string;
  readonly namespace: string;
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly extraEnv?: NodeJS.ProcessEnv;
}

const BENCH_SECRETS = { JWT_SECRET: 'bench-jwt-secret-not-for-production-0001', SURVEY_SECRET: 'bench-survey-secret-0001' };

function appProcessEnv(settings: AppProcessSettings): NodeJS.ProcessEnv {
  mkdirSync(settings.dataDir, { recursive: true });
  return {
    ...baseEnv(),
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    DATA_DIR: settings.dataDir,
    DATABASE_URL: settings.databaseUrl,
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_NAMESPACE: settings.namespace,
    LOG_LEVEL: 'warn',
    SMTP_LISTEN_PORT: '0',
    SEED_DEMO_DATA: 'false',
    ...BENCH_SECRETS,
    ...settings.extraEnv,
  };
}

/** `node dist/app/server.js` (npm run start:server) on a port of its own; resolves once GET /health answers 200. */
export async function startServerProcess(name: string, settings: AppProcessSettings, log: WriteStream): Promise<RunningApp> {
  // A free port can be taken by another process before the server binds it (a shared machine): try three.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const child = new Child(name, process.execPath, [join(__dirname, '..', 'app', 'server.js')], { ...appProcessEnv(settings), PORT: String(port) }, log);
    try {
      await waitFor(`${name} to answer GET /health`, 120_000, async () => {
        if (!child.running) throw new ExitedEarly(child.lastLines(3));
        const response = await fetch(`${baseUrl}/health`);
        return response.status === 200 ? true : undefined;
      }, 250);
      return { child, baseUrl, namespace: settings.namespace };
    } catch (error) {
      await child.stop();
      if (attempt >= 3 || !/EADDRINUSE/.test(child.lastLines(20))) throw error;
    }
  }
}

class ExitedEarly extends Error {
  constructor(lastLines: string) {
    super(`it exited: ${lastLines}`);
  }
}

/**
 * `node dist/app/worker.js` (npm run start:worker) with its Temporal metrics on a port of its own;
 * resolves once the task queue shows one more workflow poller than `pollersBefore`.
 */
export async function startWorkerProcess(
  name: string,
  settings: AppProcessSettings,
  connection: Connection,
  log: WriteStream,
  pollersBefore = 0,
): Promise<{ child: Child; metricsUrl: string }> {
  const metricsPort = await freePort();
  const child = new Child(name, process.execPath, [join(__dirname, '..', 'app', 'worker.js')], {
    ...appProcessEnv(settings),
    PORT: String(await freePort()),
    TEMPORAL_WORKER_METRICS_PORT: String(metricsPort),
  }, log);
  await waitFor(`${name} to poll the task queue`, 120_000, async () => {
    if (!child.running) throw new Error(`it exited: ${child.lastLines(3)}`);
    return (await workflowPollers(connection, settings.namespace)) > pollersBefore ? true : undefined;
  }, 250);
  return { child, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** How many distinct workers poll the app's task queue for workflow tasks. */
export async function workflowPollers(connection: Connection, namespace: string, taskQueue = 'caseflow'): Promise<number> {
  const answer = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue, kind: 1 }, taskQueueType: 1 });
  return new Set((answer.pollers ?? []).map((poller) => poller.identity)).size;
}
