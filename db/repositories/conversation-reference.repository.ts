import type { ConversationReference } from 'botbuilder';
import type { Database } from '../connection';

export interface StoredConversationReference {
  readonly channelId: string;
  readonly conversationId: string;
  readonly serviceUrl: string;
  readonly userId: string | null;
  /** What adapter.continueConversationAsync needs. */
  readonly reference: Partial<ConversationReference>;
  readonly updatedAt: string;
}

interface ReferenceRow {
  channel_id: string;
  conversation_id: string;
  service_url: string;
  user_id: string | null;
  reference: Partial<ConversationReference>;
  updated_at: Date | string;
}

function toStored(row: ReferenceRow): StoredConversationReference {
  return {
    channelId: row.channel_id,
    conversationId: row.conversation_id,
    serviceUrl: row.service_url,
    userId: row.user_id,
    reference: row.reference,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/**
 * The `conversation_references` table (db/migrations/0008_bot.ts): the latest reference of each
 * channel conversation, for proactive messages. Which service URLs may be used is the bot's
 * call (bot/conversation-references.ts); this stores and reads rows.
 */
export function createConversationReferenceRepository(db: Database) {
  return {
    /**
     * One row per channel and conversation: the latest reference wins, and a user once linked
     * stays linked until another user is (a null `userId` keeps the stored one).
     */
    async upsert(row: { channelId: string; conversationId: string; serviceUrl: string; userId: string | null; reference: Partial<ConversationReference> }): Promise<void> {
      await db('conversation_references')
        .insert({
          channel_id: row.channelId,
          conversation_id: row.conversationId,
          service_url: row.serviceUrl,
          user_id: row.userId,
          reference: JSON.stringify(row.reference),
          updated_at: db.fn.now(),
        })
        .onConflict(['channel_id', 'conversation_id'])
        .merge({
          service_url: db.raw('excluded.service_url'),
          reference: db.raw('excluded.reference'),
          updated_at: db.raw('excluded.updated_at'),
          user_id: db.raw('coalesce(excluded.user_id, conversation_references.user_id)'),
        });
    },

    /** Links the conversation to a user; false when there is no such conversation. */
    async linkUser(channelId: string, conversationId: string, userId: string): Promise<boolean> {
      const updated = await db('conversation_references')
        .where({ channel_id: channelId, conversation_id: conversationId })
        .update({ user_id: userId, updated_at: db.fn.now() });
      return updated > 0;
    },

    async find(channelId: string, conversationId: string): Promise<StoredConversationReference | undefined> {
      const row = await db('conversation_references').where({ channel_id: channelId, conversation_id: conversationId }).first<ReferenceRow | undefined>();
      return row && toStored(row);
    },

    /** The user's conversations, most recently active first. */
    async listByUserId(userId: string): Promise<StoredConversationReference[]> {
      const rows = await db('conversation_references').where({ user_id: userId }).orderBy('updated_at', 'desc').select<ReferenceRow[]>();
      return rows.map(toStored);
    },
  };
}

export type ConversationReferenceRepository = ReturnType<typeof createConversationReferenceRepository>;
