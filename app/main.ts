import { loadConfig } from './process/config';
import { prepareDatabase } from './process/database';
import { createLogger } from './process/lifecycle';
import { isPortFree } from './process/network';
import { runProcess } from './process/lifecycle';
import { startServing, startWorking } from './wiring/serving';
import { installTemporalRuntime } from './temporal/runtime';
import { StartupError } from './process/lifecycle';
import { connectClient } from './temporal/connection';
import { startDevServer } from './temporal/dev-server';
import { lockDataDir } from './process/pid-files';
import { startProcessTracing } from './telemetry/process-tracing';

/**
 * All in one process: the embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), the
 * records database (PGlite under data/ unless DATABASE_URL is set), the worker and the HTTP server.
 */
runProcess(async (lifecycle) => {
  const config = loadConfig();
  const logger = createLogger(config, 'all-in-one');
  installTemporalRuntime(logger, { metricsAddress: config.temporal.workerMetricsAddress });
  const tracing = startProcessTracing('caseflow', lifecycle, logger);
  // Name a taken HTTP port before anything slow starts.
  if (!(await isPortFree(config.host, config.port))) {
    throw new StartupError(`PORT ${config.port} is already in use on ${config.host}: stop what holds it or set PORT`);
  }

  // One caseflow per data folder: PGlite and the dev server's file each take one process.
  if (config.database.kind === 'pglite' || !config.temporal.address) {
    const lock = lockDataDir(config.dataDir);
    if ('heldBy' in lock) throw new StartupError(`DATA_DIR ${config.dataDir} is in use by another caseflow (pid ${lock.heldBy}): stop it first, or set another DATA_DIR`);
    lifecycle.onStop('data folder lock', () => Promise.resolve(lock.release()));
  }

  let address = config.temporal.address;
  let uiUrl = config.temporal.webUiUrl;
  if (!address) {
    const devServer = await startDevServer({
      dataDir: config.dataDir,
      host: config.host,
      port: config.temporal.devServerPort,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      logger,
    });
    lifecycle.onStop('Temporal dev server', () => devServer.stop());
    address = devServer.address;
    uiUrl ??= devServer.uiUrl;
  }

  const { db, description, demo } = await prepareDatabase(config, logger);
  lifecycle.onStop('database', () => db.destroy());

  const { connection, client } = await connectClient(address, config, logger, tracing?.clientInterceptors);
  lifecycle.onStop('Temporal client', () => connection.close());

  const { running } = await startWorking({ config, logger, lifecycle, db, address, ...(tracing ? { tracing } : {}) });
  running.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker stopped unexpectedly');
    process.kill(process.pid, 'SIGTERM');
  });
  const { smtpPort } = await startServing({
    config,
    logger,
    lifecycle,
    db,
    databaseDescription: description,
    temporal: { client, connection, address, ...(uiUrl ? { webUiUrl: uiUrl } : {}) },
    ...(tracing ? { tracing } : {}),
  });

  const base = `http://${config.host}:${config.port}`;
  const lines = [
    '',
    'caseflow is running',
    `  API            ${base}  (health: ${base}/health)`,
    `  Temporal       ${address}${uiUrl ? `  (Web UI: ${uiUrl}/namespaces/${config.temporal.namespace}/workflows)` : ''}`,
    `  API docs       ${base}/docs`,
    `  Chat           ${base}/chat  (Web Chat; Bot Framework Emulator: ${base}/api/messages)`,
    `  Database       ${description}`,
    `  Email          ${smtpPort ? `SMTP on ${config.host}:${smtpPort}` : 'inbound SMTP off'}; outgoing ${config.mail.relayUrl ? 'via the relay' : `as .eml files in ${config.mail.outboxDir}`}`,
    ...(demo ? ['  Demo users     ' + demo.users.map((u) => `${u.username} (${u.role})`).join(', ') + ` — password: ${config.auth.demoPassword}`] : []),
    '  Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
});
