import type { Activity } from 'botbuilder';
import type { Database } from '../connection';

/** A conversation of the self-hosted Direct Line. */
export interface DirectLineConversation {
  readonly id: string;
  /** The user's id on the channel (`from.id` of their activities). */
  readonly chatUserId: string;
  /** The signed-in caseflow user the conversation was opened for, if any. */
  readonly caseflowUserId: string | null;
  readonly createdAt: string;
  /** Number of activities so far: the watermark of the latest. */
  readonly watermark: number;
}

export interface ActivityPage {
  readonly activities: Activity[];
  /** The watermark of the last activity returned (or of the latest, when nothing is newer). */
  readonly watermark: number;
}

/**
 * Conversation transcripts of the self-hosted Direct Line: every activity of the user and of the bot,
 * numbered 1, 2, 3… per conversation (the Direct Line watermark). Kept in the database so any server
 * process can answer GET activities and feed a websocket, whichever process stored the activity.
 */
export interface DirectLineTranscripts {
  /** Opens the conversation unless it exists; `created` is false when it already did. */
  start(conversation: { readonly id: string; readonly chatUserId: string; readonly caseflowUserId: string | null }): Promise<{ readonly created: boolean }>;
  find(conversationId: string): Promise<DirectLineConversation | undefined>;
  /**
   * Appends the activity `build` makes for the next watermark and returns it; undefined when the
   * conversation does not exist. Watermarks become visible in order: a reader never sees N+1 without N.
   */
  append(conversationId: string, build: (watermark: number) => Activity): Promise<Activity | undefined>;
  /** Activities after the watermark, oldest first, at most `limit`; undefined when the conversation does not exist. */
  after(conversationId: string, watermark: number, limit?: number): Promise<ActivityPage | undefined>;
  /**
   * The retention job's query (not scheduled here): deletes the conversations created before the
   * cutoff, their activities with them, and returns how many conversations went. A conversation is
   * judged by when it was opened, not by its latest activity, and a refreshed token keeps a
   * conversation usable indefinitely: choose a cutoff well beyond any chat still in progress.
   */
  pruneOlderThan(cutoff: Date): Promise<number>;
}

interface ConversationRow {
  id: string;
  chat_user_id: string;
  user_id: string | null;
  watermark: number;
  created_at: Date | string;
}

/**
 * Transcripts in `directline_conversations` (one row per conversation, holding the watermark
 * counter) and `directline_activities` (one row per activity, keyed by conversation and watermark);
 * db/migrations/0012_direct_line.ts, which also moved the transcripts earlier kept in `bot_state`.
 * Deleting a conversation deletes its activities; deleting its caseflow user leaves the transcript,
 * with `caseflowUserId` null.
 */
export function createDirectLineTranscripts(db: Database): DirectLineTranscripts {
  async function find(conversationId: string): Promise<DirectLineConversation | undefined> {
    const row = await db('directline_conversations')
      .where({ id: conversationId })
      .first<ConversationRow | undefined>('id', 'chat_user_id', 'user_id', 'watermark', 'created_at');
    if (!row) return undefined;
    return {
      id: row.id,
      chatUserId: row.chat_user_id,
      caseflowUserId: row.user_id,
      createdAt: new Date(row.created_at).toISOString(),
      watermark: Number(row.watermark),
    };
  }

  return {
    async start(conversation) {
      // The user is looked up rather than referenced blindly: a token outlives a deleted user (and
      // names it as text), and such a conversation opens unbound instead of failing the foreign key.
      const inserted = await db.raw<{ rows: unknown[] }>(
        `insert into directline_conversations (id, chat_user_id, user_id)
         select ?::text, ?::text, (select u.id from users u where u.id::text = ?::text)
         on conflict (id) do nothing
         returning id`,
        [conversation.id, conversation.chatUserId, conversation.caseflowUserId],
      );
      return { created: inserted.rows.length === 1 };
    },

    find,

    async append(conversationId, build) {
      return db.transaction(async (trx) => {
        // The row lock taken here orders concurrent appends, from any process: the next one waits
        // until this transaction, activity row included, has committed, then counts on from it.
        const counted = await trx.raw<{ rows: { watermark: number }[] }>(
          `update directline_conversations set watermark = watermark + 1 where id = ? returning watermark`,
          [conversationId],
        );
        const watermark = counted.rows[0]?.watermark;
        if (watermark === undefined) return undefined;
        const activity = build(Number(watermark));
        await trx('directline_activities').insert({ conversation_id: conversationId, watermark: Number(watermark), activity: JSON.stringify(activity) });
        return activity;
      });
    },

    async after(conversationId, watermark, limit = 100) {
      // The counter first: every activity up to it has committed (with the counter, in one transaction).
      const conversation = await find(conversationId);
      if (!conversation) return undefined;
      const from = Math.max(0, Math.floor(watermark));
      const to = Math.min(conversation.watermark, from + limit);
      if (to <= from) return { activities: [], watermark: conversation.watermark };
      const rows = await db('directline_activities')
        .where({ conversation_id: conversationId })
        .andWhere('watermark', '>', from)
        .andWhere('watermark', '<=', to)
        .orderBy('watermark')
        .select<{ activity: Activity }[]>('activity');
      return { activities: rows.map((row) => row.activity), watermark: to };
    },

    async pruneOlderThan(cutoff) {
      const deleted = await db.raw<{ rows: { count: number | string }[] }>(
        `with gone as (delete from directline_conversations where created_at < ?::timestamptz returning 1)
         select count(*) as count from gone`,
        [cutoff.toISOString()],
      );
      return Number(deleted.rows[0]?.count ?? 0);
    },
  };
}
