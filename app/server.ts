import { createApiServer } from '../api/server';
import { loadConfig } from './config';
import { prepareDatabase } from './database';
import { close, listen } from './http';
import { createLogger } from './logger';
import { runProcess } from './run';
import { createServices } from './services';
import { StartupError } from './startup-error';
import { connectClient } from './temporal';

/** Scale-out HTTP server: REST API and channels, stateless; any number may run behind a load balancer. */
runProcess(async (lifecycle) => {
  const config = loadConfig();
  const logger = createLogger(config, 'server');
  const address = config.temporal.address;
  if (!address) throw new StartupError('TEMPORAL_ADDRESS must be set for a separate server (npm start runs everything in one process)');
  if (config.database.kind !== 'postgres') throw new StartupError('DATABASE_URL must be set for a separate server: embedded PGlite belongs to one process');
  const { db, description } = await prepareDatabase(config, logger);
  lifecycle.onStop('database', () => db.destroy());
  const { connection, client } = await connectClient(address, config);
  lifecycle.onStop('Temporal client', () => connection.close());
  const server = createApiServer({
    logger,
    health: { db, temporal: connection, describe: { database: description, temporal: address } },
    cases: createServices(db, client, config).cases,
  });
  await listen(server, config.host, config.port);
  lifecycle.onStop('HTTP server', () => close(server));
  logger.info({ url: `http://${config.host}:${config.port}` }, 'server listening');
});
