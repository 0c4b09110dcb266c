import { ActivityHandler } from 'botbuilder';
import { Connection } from '@temporalio/client';
import pino from 'pino';
import { createApiServer } from '../api/server';
import { freePort, listen } from '../app/process/network';
import { createBotAdapter } from '../bot/adapter';
import { registerBotRoute } from '../bot/http/messages.route';

/**
 * The bot baseline: an ActivityHandler that echoes, behind the app's restify server (createApiServer),
 * its CloudAdapter (createBotAdapter, no app credentials as in development) and its /api/messages
 * route, in a process of its own as the app is. Prints "echo bot listening on <url>".
 */
async function main(): Promise<void> {
  const connectorUrl = required('BENCH_CONNECTOR_URL');
  const address = required('TEMPORAL_ADDRESS');
  const logger = pino({ level: 'warn' });
  const adapter = createBotAdapter({ appId: undefined, appPassword: undefined, tenantId: undefined, appType: 'MultiTenant', mode: 'development', logger });
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
    await next();
  });
  // The health route wants a Temporal connection; nothing else here uses it.
  const connection = await Connection.connect({ address });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = createApiServer({
    logger,
    health: { pingDatabase: () => Promise.resolve(), temporal: connection, describe: { database: 'none', temporal: address } },
    routes: [(restify) => registerBotRoute(restify, adapter, bot, { allowedServiceUrls: [connectorUrl], ownBaseUrl: baseUrl, logger })],
  });
  await listen(server, '127.0.0.1', port);
  process.stdout.write(`echo bot listening on ${baseUrl}\n`);
  process.once('SIGTERM', () => {
    server.close();
    void connection.close();
  });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
