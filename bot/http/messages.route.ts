import type { Activity, ActivityHandler } from 'botbuilder';
import type { Logger } from 'pino';
import type { Server } from 'restify';
import { ChannelAuthenticationError, type BotAdapter } from '../adapter';
import { acceptsInboundServiceUrl } from '../service-urls';
import { checkInboundActivity } from './inbound-activity';
import { sendBotProblem, type BotProblem } from './problem';

export interface BotRouteOptions {
  /** The service URLs the bot may answer (bot/service-urls.ts defaultServiceUrlAllowList). */
  readonly allowedServiceUrls: readonly string[];
  /** The app's public base URL: its origin (the self-hosted connector) is never a channel's serviceUrl. */
  readonly ownBaseUrl: string;
  readonly logger: Logger;
}

const MESSAGES_PATH = '/api/messages';

/**
 * POST /api/messages: where Bot Framework channels (and the Emulator) deliver activities. Before any
 * turn runs, and in this order: the body must be an activity (400), its serviceUrl a channel on the
 * allow list and not this app's own connector (403), its Bot Framework token valid when app
 * credentials are set (401). Every refusal is problem+json; the reasons behind a 401 or a failed
 * turn go to the log only.
 */
export function registerBotRoute(server: Server, adapter: BotAdapter, bot: ActivityHandler, options: BotRouteOptions): void {
  const { allowedServiceUrls, ownBaseUrl, logger } = options;
  server.post(MESSAGES_PATH, async (req, res) => {
    const check = checkInboundActivity(req.body);
    if (!check.ok) return sendBotProblem(res, check.problem, MESSAGES_PATH);
    const activity = withDates(check.activity);
    if (!acceptsInboundServiceUrl(activity.serviceUrl, allowedServiceUrls, ownBaseUrl)) {
      logger.warn({ serviceUrl: activity.serviceUrl, channelId: activity.channelId }, 'refused an activity whose serviceUrl is not on the allow list');
      return sendBotProblem(res, SERVICE_URL_REFUSED, MESSAGES_PATH);
    }
    const authHeader = req.header('authorization') ?? '';
    try {
      const response = await adapter.processChannelActivity(activity, authHeader, (context) => bot.run(context));
      res.status(response?.status ?? 200);
      if (response?.body !== undefined) res.send(response.body);
      res.end();
    } catch (error) {
      if (error instanceof ChannelAuthenticationError) {
        logger.warn({ err: error.cause, channelId: activity.channelId }, 'refused /api/messages: the Bot Framework token was not accepted');
        return sendBotProblem(res, TOKEN_REFUSED, MESSAGES_PATH);
      }
      logger.error({ err: error, channelId: activity.channelId, conversationId: activity.conversation.id }, 'a /api/messages turn failed');
      return sendBotProblem(res, TURN_FAILED, MESSAGES_PATH);
    }
  });
}

const SERVICE_URL_REFUSED: BotProblem = {
  status: 403,
  slug: 'forbidden',
  title: 'Service URL not allowed',
  detail: 'the activity\'s serviceUrl is not a channel this bot answers (see BOT_ALLOWED_SERVICE_URLS); nothing was processed or sent',
  errors: [{ pointer: '/body/serviceUrl', detail: 'is not on the allow list' }],
};
const TOKEN_REFUSED: BotProblem = {
  status: 401,
  slug: 'unauthorized',
  title: 'Bot Framework token required',
  detail: 'send "Authorization: Bearer <token>" with a valid Bot Framework token for this bot; nothing was processed',
};
const TURN_FAILED: BotProblem = {
  status: 500,
  slug: 'internal',
  title: 'Internal error',
  detail: 'the bot could not process the activity; it has been logged',
};

/** What CloudAdapter.process did to a parsed body: ISO timestamps become Dates, the strings kept as raw*. */
function withDates(activity: Activity): Activity {
  const fixed = activity as Activity & Record<string, unknown>;
  for (const field of ['timestamp', 'expiration', 'localTimestamp'] as const) {
    const value: unknown = fixed[field];
    if (typeof value === 'string') {
      fixed[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = value;
      (fixed as Record<string, unknown>)[field] = new Date(value);
    }
  }
  return fixed;
}
