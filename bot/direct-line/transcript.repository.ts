import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Database } from '../../db/connection';

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
}

const PREFIX = 'directline-transcript';
const conversationKey = (conversationId: string): string => `${PREFIX}/${conversationId}`;
const activityKey = (conversationId: string, watermark: number): string => `${PREFIX}/${conversationId}/${watermark}`;

interface ConversationDocument {
  chatUserId: string;
  caseflowUserId: string | null;
  createdAt: string;
  watermark: number;
}

/**
 * Transcripts in the `bot_state` table, until a table of their own exists (see the proposal in the
 * bot/direct-line/index.ts comment): one row per conversation (`directline-transcript/<id>`, holding
 * the watermark counter) and one row per activity (`directline-transcript/<id>/<watermark>`).
 * Reads go by exact keys only, so they use the primary key whatever the database's collation.
 * The prefix keeps clear of botbuilder's own state keys (`<channel>/conversations/<id>`, `<channel>/users/<id>`).
 */
export function createDirectLineTranscripts(db: Database): DirectLineTranscripts {
  async function find(conversationId: string): Promise<DirectLineConversation | undefined> {
    const row = await db('bot_state').where({ key: conversationKey(conversationId) }).first<{ document: ConversationDocument } | undefined>('document');
    if (!row) return undefined;
    return { id: conversationId, ...row.document };
  }

  return {
    async start(conversation) {
      const document: ConversationDocument = {
        chatUserId: conversation.chatUserId,
        caseflowUserId: conversation.caseflowUserId,
        createdAt: new Date().toISOString(),
        watermark: 0,
      };
      const inserted = await db.raw<{ rows: unknown[] }>(
        `insert into bot_state (key, document, etag) values (?, ?::jsonb, ?) on conflict (key) do nothing returning key`,
        [conversationKey(conversation.id), JSON.stringify(document), randomUUID()],
      );
      return { created: inserted.rows.length === 1 };
    },

    find,

    async append(conversationId, build) {
      return db.transaction(async (trx) => {
        // The row lock taken here orders concurrent appends: the next one waits until this
        // transaction, activity row included, has committed.
        const counted = await trx.raw<{ rows: { watermark: number }[] }>(
          `update bot_state
              set document = jsonb_set(document, '{watermark}', to_jsonb((document->>'watermark')::int + 1)),
                  etag = ?, updated_at = now()
            where key = ?
        returning (document->>'watermark')::int as watermark`,
          [randomUUID(), conversationKey(conversationId)],
        );
        const watermark = counted.rows[0]?.watermark;
        if (watermark === undefined) return undefined;
        const activity = build(watermark);
        await trx('bot_state').insert({ key: activityKey(conversationId, watermark), document: JSON.stringify(activity), etag: randomUUID() });
        return activity;
      });
    },

    async after(conversationId, watermark, limit = 100) {
      const conversation = await find(conversationId);
      if (!conversation) return undefined;
      const from = Math.max(0, Math.floor(watermark));
      const to = Math.min(conversation.watermark, from + limit);
      if (to <= from) return { activities: [], watermark: conversation.watermark };
      const keys = Array.from({ length: to - from }, (_, i) => activityKey(conversationId, from + 1 + i));
      const rows = await db('bot_state').whereIn('key', keys).select<{ key: string; document: Activity }[]>('key', 'document');
      const byKey = new Map(rows.map((row) => [row.key, row.document]));
      const activities = keys.map((key) => byKey.get(key)).filter((activity): activity is Activity => activity !== undefined);
      return { activities, watermark: to };
    },
  };
}
