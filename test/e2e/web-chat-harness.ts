// The Web Chat page and the self-hosted Direct Line as the app wires them, on a port that survives a
// restart of the HTTP server (the end-to-end tests stop and start it under an open browser tab).
import type { AddressInfo } from 'node:net';
import type { ActivityHandler } from 'botbuilder';
import type { Logger } from 'pino';
import type { Server } from 'restify';
import { createApiServer } from '../../api/server';
import { close, listen } from '../../app/process/network';
import { createBotAdapter } from '../../bot/adapter';
import { directLineConnectorCredentials, DirectLineTokens, registerDirectLine, type DirectLineHandle } from '../../bot/direct-line';
import { registerBotRoute } from '../../bot/http/messages.route';
import { registerWebChat } from '../../bot/web-chat.route';
import type { Database } from '../../db/connection';
import { createDirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
import { createUserAccountStatus } from '../../db/repositories/user.repository';

export { CHROMIUM, launchChromium, requireChromium } from '../support/chromium';

/** The same key on every start, as the app derives it from its stored secret: tokens outlive a restart. */
const SECRET = 'web-chat-e2e-secret-of-at-least-32-characters';

export interface ChatApp {
  readonly url: string;
  /** Closes the websockets and the HTTP server, as the app does on shutdown. */
  stop(): Promise<void>;
}

/** A user the page can sign in as (any password): the chat page only needs POST /auth/token's answer. */
export interface ChatUser {
  readonly username: string;
  readonly id: string;
  readonly displayName: string;
}

/** A stand-in for the API's sign-in, as the chat page sees it: a bearer token that names the user. */
function registerTestSignIn(server: Server, users: readonly ChatUser[]): void {
  server.post('/auth/token', (req, res, next) => {
    const username = (req.body as { username?: unknown } | undefined)?.username;
    const user = users.find((candidate) => candidate.username === username);
    if (!user) {
      res.send(401, { title: 'Wrong username or password' });
      return next();
    }
    res.send(200, { accessToken: `test-token-${user.username}`, user: { id: user.id, displayName: user.displayName } });
    return next();
  });
}

function signedInUser(users: readonly ChatUser[], authorization: string | undefined): { id: string; name: string } | undefined {
  const user = users.find((candidate) => authorization === `Bearer test-token-${candidate.username}`);
  return user ? { id: user.id, name: user.displayName } : undefined;
}

/** Serves /chat, Direct Line and its connector for `bot` on `port` (0: any free port). */
export async function startChatApp(options: { db: Database; bot: ActivityHandler; logger: Logger; port?: number; users?: readonly ChatUser[] }): Promise<ChatApp> {
  const { db, bot, logger } = options;
  const users = options.users ?? [];
  const server: Server = createApiServer({ logger, health: {} as never, routes: [registerWebChat, (routes) => registerTestSignIn(routes, users)] });
  await listen(server, '127.0.0.1', options.port ?? 0);
  const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const serviceUrl = `${url}/directline-connector`;
  const tokens = new DirectLineTokens(SECRET);
  const adapter = createBotAdapter({
    appId: undefined,
    appPassword: undefined,
    tenantId: undefined,
    appType: 'MultiTenant',
    mode: 'test',
    logger,
    selfHostedConnector: { serviceUrl, credentials: directLineConnectorCredentials(tokens) },
  });
  // Web Chat talks to Direct Line only: /api/messages takes no service URL here.
  registerBotRoute(server, adapter, bot, { allowedServiceUrls: [], ownBaseUrl: url, logger });
  const directLine: DirectLineHandle = registerDirectLine(server, {
    tokens,
    transcripts: createDirectLineTranscripts(db),
    accounts: createUserAccountStatus(db),
    serviceUrl,
    bot: { id: 'caseflow-bot', name: 'caseflow' },
    logger,
    signedInUser: (req) => signedInUser(users, req.header('authorization')),
    deliver: (activity, caller) => adapter.processTrustedActivity(activity, (context) => bot.run(context), caller.caseflowUserId),
  });
  return {
    url,
    async stop() {
      await directLine.close();
      await close(server, 1_000);
    },
  };
}
