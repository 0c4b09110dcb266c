import { loadConfig } from './config';
import { prepareDatabase } from './database';
import { close, listen } from './http';
import { createLogger } from './logger';
import { runProcess } from './run';
import { createAppServices } from './app-services';
import { createCaseflowBot } from '../bot/caseflow-bot';
import { KnexStorage } from '../bot/knex-storage';
import { createBotChannel } from './bot-runtime';
import { createHttpApp } from './http-app';
import { startEmailIntake } from './mail-runtime';
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
  const services = createAppServices(config, db, client);
  const botChannel = createBotChannel(config, db, logger, () =>
    createCaseflowBot({ services, storage: new KnexStorage(db), mode: config.env, logger }),
  );
  const server = createHttpApp({ logger, services, databaseDescription: description, temporal: { connection, address }, channelRoutes: botChannel.routes });
  await listen(server, config.host, config.port);
  lifecycle.onStop('HTTP server', async () => {
    // Websockets (Web Chat) would keep the HTTP server open: close them first.
    await botChannel.close();
    await close(server);
  });
  const smtpPort = await startEmailIntake(config, services, logger, lifecycle);
  if (smtpPort) logger.info({ port: smtpPort }, 'SMTP listener accepting email');
  logger.info({ url: `http://${config.host}:${config.port}` }, 'server listening');
});
