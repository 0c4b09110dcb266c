import type { Knex } from 'knex';

/** Where the transcripts lived before this migration: bot_state rows under this key prefix. */
const PREFIX = 'directline-transcript/';

/**
 * Transcripts of the self-hosted Direct Line (db/repositories/direct-line-transcript.repository.ts) in tables
 * of their own: one row per conversation, holding the watermark counter that orders its appends,
 * and one row per activity. Until now they were `bot_state` documents
 * (`directline-transcript/<id>` and `directline-transcript/<id>/<watermark>`); those are moved here,
 * and moved back by `down`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('directline_conversations', (t) => {
    t.text('id').primary();
    // The user's id on the channel (`from.id` of their activities).
    t.text('chat_user_id').notNullable();
    // The signed-in caseflow user the conversation was opened for; the transcript outlives the user.
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL');
    // Number of activities so far: the watermark of the latest. Appends increment it under the row lock.
    t.integer('watermark').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // For the retention job (DirectLineTranscripts.pruneOlderThan).
    t.index(['created_at']);
  });

  await knex.schema.createTable('directline_activities', (t) => {
    t.text('conversation_id').notNullable().references('id').inTable('directline_conversations').onDelete('CASCADE');
    t.integer('watermark').notNullable();
    t.jsonb('activity').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['conversation_id', 'watermark']);
  });

  // Move the transcripts kept in bot_state. Conversation documents are told from activity documents
  // by their shape; activities are then found by their exact keys. A caseflow user who no longer
  // exists becomes null, as if deleted after the move.
  await knex.raw(
    `insert into directline_conversations (id, chat_user_id, user_id, watermark, created_at)
     select substr(s.key, length(?::text) + 1),
            s.document->>'chatUserId',
            (select u.id from users u where u.id::text = s.document->>'caseflowUserId'),
            coalesce((s.document->>'watermark')::int, 0),
            coalesce((s.document->>'createdAt')::timestamptz, s.updated_at)
       from bot_state s
      where left(s.key, length(?::text)) = ?::text
        and position('/' in substr(s.key, length(?::text) + 1)) = 0
        and jsonb_typeof(s.document) = 'object'
        and s.document->>'chatUserId' is not null
        and s.document->>'watermark' is not null`,
    [PREFIX, PREFIX, PREFIX, PREFIX],
  );
  await knex.raw(
    `insert into directline_activities (conversation_id, watermark, activity, created_at)
     select c.id, n.watermark, s.document, s.updated_at
       from directline_conversations c
      cross join lateral generate_series(1, c.watermark) as n(watermark)
       join bot_state s on s.key = ?::text || c.id || '/' || n.watermark`,
    [PREFIX],
  );
  await knex.raw(`delete from bot_state s using directline_activities a where s.key = ?::text || a.conversation_id || '/' || a.watermark`, [PREFIX]);
  await knex.raw(`delete from bot_state s using directline_conversations c where s.key = ?::text || c.id`, [PREFIX]);
}

export async function down(knex: Knex): Promise<void> {
  // Back into bot_state, in the documents the earlier repository reads.
  await knex.raw(
    `insert into bot_state (key, document, etag, updated_at)
     select ?::text || c.id,
            jsonb_build_object(
              'chatUserId', c.chat_user_id,
              'caseflowUserId', c.user_id::text,
              'createdAt', to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
              'watermark', c.watermark),
            gen_random_uuid()::text,
            now()
       from directline_conversations c
     on conflict (key) do nothing`,
    [PREFIX],
  );
  await knex.raw(
    `insert into bot_state (key, document, etag, updated_at)
     select ?::text || a.conversation_id || '/' || a.watermark, a.activity, gen_random_uuid()::text, a.created_at
       from directline_activities a
     on conflict (key) do nothing`,
    [PREFIX],
  );
  await knex.schema.dropTable('directline_activities');
  await knex.schema.dropTable('directline_conversations');
}
