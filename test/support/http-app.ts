import pino from 'pino';
import { Client, type Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig, type AppConfig } from '../../app/process/config';
import { freePort } from '../../app/process/network';
import { Lifecycle } from '../../app/process/lifecycle';
import { startServing } from '../../app/wiring/serving';
import { createCaseWorker } from '../../app/wiring/worker.wiring';
import { migrateToLatest } from '../../db/migrate';
import { seedDemoData } from '../../db/seeds/demo';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './databases';
import { createNamespace } from './temporal';
import type { Tracing } from '../../app/telemetry/tracing';

/** The whole HTTP app (as `npm start` wires it) on a real Temporal server, a fresh database and a worker. */
export interface RunningApp {
  readonly baseUrl: string;
  readonly database: TestDatabase;
  readonly client: Client;
  readonly config: AppConfig;
  /** A bearer token for a demo user (password 'demo'). */
  login(username: string): Promise<string>;
  request(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  /** Stops the case worker only (the HTTP app keeps serving): cases then have nobody to run them. */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** `connection`: the app's own connection to the server (a fault test kills the server under it). */
export async function startApp(
  temporal: TestWorkflowEnvironment,
  kind: DatabaseKind,
  workflowBundle: { code: string },
  env: Record<string, string> = {},
  /** `tracing`: the client, worker and HTTP app traced as the processes trace them when OTEL_* turns it on. */
  options: { readonly connection?: Connection; readonly tracing?: Tracing } = {},
): Promise<RunningApp> {
  const connection = options.connection ?? temporal.connection;
  const database = await openTestDatabase(kind);
  await migrateToLatest(database.db);
  await seedDemoData(database.db);
  const namespace = await createNamespace(temporal, `app-${kind}`);
  const baseEnv = { NODE_ENV: 'test', TEMPORAL_NAMESPACE: namespace, LOG_LEVEL: 'silent', DATA_DIR: '/tmp/caseflow-test-data', SMTP_LISTEN_PORT: '0', ...env };
  const workerConfig = loadConfig(baseEnv);
  const client = new Client({ connection, namespace, interceptors: { workflow: [...(options.tracing?.clientInterceptors ?? [])] } });
  const worker: Worker = await createCaseWorker({
    connection: temporal.nativeConnection,
    namespace,
    taskQueue: workerConfig.temporal.taskQueue,
    db: database.db,
    workflowBundle,
    surveySecret: workerConfig.surveySecret,
    publicBaseUrl: workerConfig.publicBaseUrl,
    ...(options.tracing ? { tracing: options.tracing.worker } : {}),
  });
  const running = worker.run();
  // The public base URL (Direct Line's connector) must name the port, so take a free one first.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({ ...baseEnv, HOST: '127.0.0.1', PORT: String(port), PUBLIC_BASE_URL: baseUrl });
  // The serving side exactly as the server and all-in-one processes start it (app/wiring/serving.ts): the
  // services, the HTTP app with the API's authenticator, the caseflow bot at /api/messages, Direct
  // Line and /chat, proactive chat delivery.
  const lifecycle = new Lifecycle();
  try {
    await startServing({ config, logger: pino({ level: process.env.TEST_APP_LOG_LEVEL ?? 'silent' }), lifecycle, db: database.db, databaseDescription: kind, temporal: { client, connection, address: 'test' }, ...(options.tracing ? { tracing: options.tracing } : {}) });
  } catch (error) {
    await lifecycle.stopAll();
    throw error;
  }

  const request: RunningApp['request'] = (method, path, options = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });

  return {
    baseUrl,
    database,
    client,
    config,
    async login(username) {
      const response = await request('POST', '/auth/token', { body: { username, password: 'demo' } });
      if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { accessToken: string }).accessToken;
    },
    request,
    async stopWorker() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    async stop() {
      await lifecycle.stopAll();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await database.close();
    },
  };
}
