import { loadConfig } from './process/config';
import { prepareDatabase } from './process/database';
import { createLogger } from './process/lifecycle';
import { runProcess } from './process/lifecycle';
import { startServing } from './wiring/serving';
import { StartupError } from './process/lifecycle';
import { connectClient } from './temporal/connection';
import { startProcessTracing } from './telemetry/process-tracing';

/** Scale-out HTTP server: REST API and channels, stateless; any number may run behind a load balancer. */
runProcess(async (lifecycle) => {
  const config = loadConfig();
  const logger = createLogger(config, 'server');
  const tracing = startProcessTracing('caseflow-server', lifecycle, logger);
  const address = config.temporal.address;
  if (!address) throw new StartupError('TEMPORAL_ADDRESS must be set for a separate server (npm start runs everything in one process)');
  if (config.database.kind !== 'postgres') throw new StartupError('DATABASE_URL must be set for a separate server: embedded PGlite belongs to one process');
  const { db, description } = await prepareDatabase(config, logger);
  lifecycle.onStop('database', () => db.destroy());
  const { connection, client } = await connectClient(address, config, logger, tracing?.clientInterceptors);
  lifecycle.onStop('Temporal client', () => connection.close());
  const { smtpPort } = await startServing({ config, logger, lifecycle, db, databaseDescription: description, temporal: { client, connection, address }, ...(tracing ? { tracing } : {}) });
  if (smtpPort) logger.info({ port: smtpPort }, 'SMTP listener accepting email');
  logger.info({ url: `http://${config.host}:${config.port}` }, 'server listening');
});
