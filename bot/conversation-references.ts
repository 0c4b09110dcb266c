import { type ConversationReference, type Middleware, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationReferenceRepository, StoredConversationReference } from '../db/repositories/conversation-reference.repository';
import { signedInUserIdOf, type BotMode } from './adapter';

/**
 * Where the bot may send messages: a service URL is used only when its origin is on the allow list.
 * An entry is an origin (`https://directline.example.com`, `http://127.0.0.1:3000`), optionally
 * with a wildcard for one or more leading host labels (`https://*.botframework.com`) or for the port
 * (`http://localhost:*`, for the Bot Framework Emulator, which listens on a random port). Paths, user
 * info, other schemes and non-default ports (unless the entry names them) never match.
 */
export function isAllowedServiceUrl(url: string | undefined | null, allowList: readonly string[]): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return allowList.some((entry) => matchesEntry(parsed, entry));
}

const ENTRY = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?\/?$/i;

function matchesEntry(url: URL, entry: string): boolean {
  const match = ENTRY.exec(entry.trim());
  if (!match) return false;
  const [, scheme, wildcard, host, port] = match as unknown as [string, string, string | undefined, string, string | undefined];
  if (url.protocol !== `${scheme.toLowerCase()}:`) return false;
  if (port !== '*') {
    // URL leaves the default port of the scheme empty; compare through URL so both sides agree.
    const expected = new URL(`${scheme}://example.invalid${port ? `:${port}` : ''}`).port;
    if (url.port !== expected) return false;
  }
  const hostname = url.hostname.toLowerCase();
  const allowed = host.toLowerCase();
  if (!wildcard) return hostname === allowed;
  return hostname.endsWith(`.${allowed}`) && hostname.length > allowed.length + 1;
}

/**
 * The allow list for a mode: this app's own origin (the self-hosted Direct Line's connector) and, in
 * production, the Bot Framework's channels; in development and test also loopback on any port, for
 * the Bot Framework Emulator. Add Teams' `https://smba.trafficmanager.net` when the bot is in Teams.
 */
export function defaultServiceUrlAllowList(mode: BotMode, ownBaseUrl: string): string[] {
  const own = new URL(ownBaseUrl).origin;
  if (mode === 'production') return [own, 'https://*.botframework.com'];
  return [own, 'https://*.botframework.com', 'http://localhost:*', 'http://127.0.0.1:*'];
}

/**
 * Conversation references for proactive messages (SLA warnings to agents, surveys to customers),
 * over the conversation reference repository, with the allow list applied both ways: a reference
 * whose service URL is not allowed is neither stored nor used.
 */
export function createConversationReferences(repository: ConversationReferenceRepository, options: { readonly allowedServiceUrls: readonly string[] }) {
  const allowed = (url: string | undefined | null): boolean => isAllowedServiceUrl(url, options.allowedServiceUrls);

  return {
    /**
     * Stores the reference (TurnContext.getConversationReference(activity)), linked to `userId`
     * when given. False, storing nothing, when the service URL is not on the allow list or the
     * reference names no channel or conversation.
     */
    async save(reference: Partial<ConversationReference>, userId?: string | null): Promise<boolean> {
      const channelId = reference.channelId;
      const conversationId = reference.conversation?.id;
      const serviceUrl = reference.serviceUrl;
      if (!channelId || !conversationId || !serviceUrl || !allowed(serviceUrl)) return false;
      await repository.upsert({ channelId, conversationId, serviceUrl, userId: userId ?? null, reference });
      return true;
    },

    /** Links a conversation to the caseflow user it turned out to be (e.g. after signing in in chat). */
    linkUser(channelId: string, conversationId: string, userId: string): Promise<boolean> {
      return repository.linkUser(channelId, conversationId, userId);
    },

    async find(channelId: string, conversationId: string): Promise<StoredConversationReference | undefined> {
      const stored = await repository.find(channelId, conversationId);
      return stored && allowed(stored.serviceUrl) ? stored : undefined;
    },

    /** The user's conversations, most recently active first; service URLs no longer allowed are left out. */
    async listByUserId(userId: string): Promise<StoredConversationReference[]> {
      return (await repository.listByUserId(userId)).filter((stored) => allowed(stored.serviceUrl));
    },
  };
}

export type ConversationReferences = ReturnType<typeof createConversationReferences>;

/**
 * Saves the reference of every incoming activity before the bot runs, linked to the signed-in
 * caseflow user when the channel authenticated one (signedInUserIdOf). A failure to save is logged,
 * never fails the turn: the reply matters more than a later proactive message.
 */
export function createConversationReferenceMiddleware(references: Pick<ConversationReferences, 'save'>, logger: Logger): Middleware {
  return {
    async onTurn(context, next) {
      try {
        await references.save(TurnContext.getConversationReference(context.activity), signedInUserIdOf(context));
      } catch (err) {
        logger.warn({ err, channelId: context.activity.channelId, conversationId: context.activity.conversation?.id }, 'could not save the conversation reference');
      }
      await next();
    },
  };
}
