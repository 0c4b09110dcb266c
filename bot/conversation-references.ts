import { type ConversationReference, type Middleware, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { ConversationReferenceRepository, StoredConversationReference } from '../db/repositories/conversation-reference.repository';
import { signedInUserIdOf } from './adapter';
import { isAllowedServiceUrl } from './service-urls';

// The allow list lives in service-urls.ts; re-exported for the callers that knew it here.
export { defaultServiceUrlAllowList, isAllowedServiceUrl } from './service-urls';

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
