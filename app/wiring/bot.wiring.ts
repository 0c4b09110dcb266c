import type { Logger } from 'pino';
import type { RouteRegistrar } from '../../api/server';
import type { AuthenticatedRequest } from '../../api/auth-context';
import { createBotAdapter } from '../../bot/adapter';
import { registerBotRoute } from '../../bot/http/messages.route';
import type { BotServices } from '../../bot/bot-services';
import { BotStateStorage } from '../../bot/bot-state-storage';
import { createCaseflowBot } from '../../bot/caseflow-bot';
import { createConversationReferenceMiddleware, createConversationReferences, defaultServiceUrlAllowList } from '../../bot/conversation-references';
import { DirectLineTokens, directLineConnectorCredentials, registerDirectLine, type DirectLineHandle } from '../../bot/direct-line';
import { createBotDelivery, startBotDeliveryLoop } from '../../bot/proactive';
import { createTurnCountingMiddleware, type BotTurnOutcome } from '../../bot/turn-metrics';
import { registerWebChat } from '../../bot/web-chat.route';
import type { Database } from '../../db/connection';
import { createBotStateRepository } from '../../db/repositories/bot-state.repository';
import { createConversationReferenceRepository } from '../../db/repositories/conversation-reference.repository';
import { createDirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
import { createDirectoryRepository } from '../../db/repositories/directory.repository';
import { createKnowledgeRepository } from '../../db/repositories/knowledge.repository';
import { createNotificationOutbox } from '../../db/repositories/notification-outbox.repository';
import { createQueueRepository } from '../../db/repositories/queue.repository';
import { createSlaPolicyRepository } from '../../db/repositories/sla-policy.repository';
import { createUserAccountStatus } from '../../db/repositories/user.repository';
import type { AppServices } from './services.wiring';
import type { AppConfig } from '../process/config';
import { StartupError } from '../process/lifecycle';

export interface BotChannel {
  /** /api/messages, the Direct Line endpoint and its connector, the Web Chat page. */
  readonly routes: readonly RouteRegistrar[];
  /** Stops proactive delivery and closes Direct Line websockets; call before closing the HTTP server. */
  close(): Promise<void>;
}

/**
 * The Bot Framework channel: a CloudAdapter at /api/messages (Bot Framework channels, the
 * Emulator) and the self-hosted Direct Line endpoint that Web Chat at /chat talks to; proactive
 * messages (SLA warnings, agent replies, the survey card) go out from the notification outbox.
 */
export function createBotChannel(
  config: AppConfig,
  db: Database,
  logger: Logger,
  services: AppServices,
  observe: { readonly onTurn?: (activityType: string, outcome: BotTurnOutcome) => void } = {},
): BotChannel {
  // Direct Line tokens get their own key, derived from the API's, so one never passes for the other.
  const tokens = new DirectLineTokens(`direct-line:${config.auth.jwtSecret}`);
  const serviceUrl = `${config.publicBaseUrl}/directline-connector`;
  let adapter: ReturnType<typeof createBotAdapter>;
  try {
    adapter = createBotAdapter({
      appId: config.bot.appId,
      appPassword: config.bot.appPassword,
      tenantId: config.bot.tenantId,
      appType: config.bot.appType,
      mode: config.env,
      logger,
      selfHostedConnector: { serviceUrl, credentials: directLineConnectorCredentials(tokens) },
    });
  } catch (error) {
    // Missing bot credentials in production: one line naming the variable.
    throw new StartupError(`Invalid configuration: ${(error as Error).message}`);
  }
  // One allow list for replies to /api/messages and for proactive messages (bot/service-urls.ts).
  const allowedServiceUrls = defaultServiceUrlAllowList(config.env, config.publicBaseUrl, config.bot.allowedServiceUrls);
  const references = createConversationReferences(createConversationReferenceRepository(db), { allowedServiceUrls });
  // First, so every turn counts, whichever channel brought it and wherever it failed.
  if (observe.onTurn) adapter.use(createTurnCountingMiddleware(observe.onTurn));
  adapter.use(createConversationReferenceMiddleware(references, logger));
  const bot = createCaseflowBot({
    services: createBotServices(db, services),
    storage: new BotStateStorage(createBotStateRepository(db)),
    mode: config.env,
    logger,
    // Binds the turn's conversation to a caseflow user (after a link or a new contact).
    onUserLinked: async (context, userId) => {
      const { channelId, conversation } = context.activity;
      await references.linkUser(channelId, conversation.id, userId);
    },
  });
  const outbox = createNotificationOutbox(db);
  const accounts = createUserAccountStatus(db);
  const proactive = startBotDeliveryLoop(createBotDelivery({ outbox, adapter, appId: config.bot.appId ?? '', references, accounts, logger }), logger);
  let directLine: DirectLineHandle | undefined;
  return {
    routes: [
      (server) => registerBotRoute(server, adapter, bot, { allowedServiceUrls, ownBaseUrl: config.publicBaseUrl, logger }),
      (server) => {
        directLine = registerDirectLine(server, {
          tokens,
          transcripts: createDirectLineTranscripts(db),
          accounts,
          serviceUrl,
          logger,
          bot: { id: config.bot.appId ?? 'caseflow', name: 'caseflow' },
          signedInUser: (req) => {
            const actor = (req as AuthenticatedRequest).actor;
            return actor ? { id: actor.userId, name: actor.displayName } : undefined;
          },
          deliver: (activity, caller) => adapter.processTrustedActivity(activity, (context) => bot.run(context), caller.caseflowUserId),
        });
      },
      (server) => registerWebChat(server),
    ],
    close: async () => {
      await proactive.stop();
      await directLine?.close();
    },
  };
}

/** What the bot needs (bot/bot-services.ts): the app's shared services, and the repositories it reads. */
export function createBotServices(db: Database, services: AppServices): BotServices {
  return {
    cases: services.cases,
    caseWork: services.caseWork,
    knowledge: services.knowledge,
    caseRecords: services.caseRecords,
    users: services.users,
    accounts: createUserAccountStatus(db),
    queues: createQueueRepository(db),
    products: createDirectoryRepository(db),
    articles: createKnowledgeRepository(db),
    slaPolicies: createSlaPolicyRepository(db),
  };
}
