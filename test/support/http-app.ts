import type { Server } from 'restify';
import pino from 'pino';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig, type AppConfig } from '../../app/config';
import { close, listen } from '../../app/http';
import { createAppServices } from '../../app/app-services';
import { createHttpApp } from '../../app/http-app';
import { createCaseWorker } from '../../app/worker-runtime';
import { migrateToLatest } from '../../db/migrate';
import { seedDemoData } from '../../db/seeds/demo';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from './databases';
import { createNamespace } from './temporal';

/** The whole HTTP app (as `npm start` wires it) on a real Temporal server, a fresh database and a worker. */
export interface RunningApp {
  readonly baseUrl: string;
  readonly database: TestDatabase;
  readonly client: Client;
  readonly config: AppConfig;
  /** A bearer token for a demo user (password 'demo'). */
  login(username: string): Promise<string>;
  request(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startApp(temporal: TestWorkflowEnvironment, kind: DatabaseKind, workflowBundle: { code: string }, env: Record<string, string> = {}): Promise<RunningApp> {
  const database = await openTestDatabase(kind);
  await migrateToLatest(database.db);
  await seedDemoData(database.db);
  const namespace = await createNamespace(temporal, `app-${kind}`);
  const config = loadConfig({ NODE_ENV: 'test', TEMPORAL_NAMESPACE: namespace, LOG_LEVEL: 'silent', DATA_DIR: '/tmp/caseflow-test-data', SMTP_LISTEN_PORT: '0', ...env });
  const client = new Client({ connection: temporal.connection, namespace });
  const worker: Worker = await createCaseWorker({
    connection: temporal.nativeConnection,
    namespace,
    taskQueue: config.temporal.taskQueue,
    db: database.db,
    workflowBundle,
    surveySecret: config.surveySecret,
    publicBaseUrl: config.publicBaseUrl,
  });
  const running = worker.run();
  const server: Server = createHttpApp({
    logger: pino({ level: 'silent' }),
    services: createAppServices(config, database.db, client),
    databaseDescription: kind,
    temporal: { connection: temporal.connection, address: 'test' },
  });
  await listen(server, '127.0.0.1', 0);
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${address.port}`;

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
    async stop() {
      await close(server);
      worker.shutdown();
      await running;
      await database.close();
    },
  };
}
