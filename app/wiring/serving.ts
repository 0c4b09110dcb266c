import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Database } from '../../db/connection';
import { createAppServices } from './services.wiring';
import { createBotChannel } from './bot.wiring';
import type { AppConfig } from '../process/config';
import { close, listen } from '../process/network';
import { createAppMetrics, createHttpApp } from './http.wiring';
import { startEmailIntake, startOutboundMail } from './email.wiring';
import type { Lifecycle } from '../process/lifecycle';
import { connectWorker } from '../temporal/connection';
import { createCaseWorker } from './worker.wiring';
import type { Tracing } from '../telemetry/tracing';

export interface ServeOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly db: Database;
  readonly databaseDescription: string;
  /** `webUiUrl`: the embedded dev server's Web UI; TEMPORAL_UI_URL (config.temporal.webUiUrl) wins over it. */
  readonly temporal: { readonly client: Client; readonly connection: Connection; readonly address: string; readonly webUiUrl?: string };
  /** When tracing is on: a span per HTTP request (the client carries its interceptor already). */
  readonly tracing?: Tracing;
}

/** The serving side of a process: HTTP (REST, docs, the bot, Direct Line, /chat) and the SMTP listener. */
export async function startServing(options: ServeOptions): Promise<{ smtpPort: number | null }> {
  const { config, logger, lifecycle, db } = options;
  const services = createAppServices(config, db, options.temporal.client, config.temporal.webUiUrl ?? options.temporal.webUiUrl);
  const metrics = createAppMetrics(db);
  const botChannel = createBotChannel(config, db, logger, services, { onTurn: (activityType, outcome) => metrics.countBotTurn(activityType, outcome) });
  const server = createHttpApp({
    metrics,
    ...(options.tracing ? { tracer: options.tracing.tracer } : {}),
    logger,
    services,
    databaseDescription: options.databaseDescription,
    temporal: { connection: options.temporal.connection, address: options.temporal.address },
    channelRoutes: botChannel.routes,
  });
  await listen(server, config.host, config.port);
  lifecycle.onStop('HTTP server', async () => {
    // Websockets (Web Chat) would keep the HTTP server open: close them first.
    await botChannel.close();
    await close(server);
  });
  return { smtpPort: await startEmailIntake(config, services, logger, lifecycle) };
}

/** The working side of a process: the case worker and outbound mail; `running` settles when the worker stops. */
export async function startWorking(options: { config: AppConfig; logger: Logger; lifecycle: Lifecycle; db: Database; address: string; tracing?: Tracing }): Promise<{ running: Promise<void> }> {
  const { config, logger, lifecycle, db } = options;
  const connection = await connectWorker(options.address);
  const worker = await createCaseWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    db,
    surveySecret: config.surveySecret,
    publicBaseUrl: config.publicBaseUrl,
    logger,
    ...(options.tracing ? { tracing: options.tracing.worker } : {}),
    ...(config.temporal.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: config.temporal.maxCachedWorkflows }),
  });
  const running = worker.run();
  lifecycle.onStop('worker', async () => {
    worker.shutdown();
    await running;
    await connection.close();
  });
  startOutboundMail(config, db, logger, lifecycle);
  return { running };
}
