import type { Knex } from 'knex';

// Frozen copies: a migration must keep meaning what it meant when it was released.
const KINDS = ['sla_warning', 'sla_failure', 'case_flagged', 'survey', 'agent_reply', 'status_change', 'article_sent'];
const CHANNELS = ['email', 'bot'];

/**
 * The transactional outbox: activities insert what must be said to whom, in the same transaction as
 * the change it reports; the email and bot channels deliver the rows later and mark them delivered.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // `<caller's key>:<channel>:<recipient>`: a retried activity hits this key and inserts nothing.
    t.text('idempotency_key').notNullable().unique();
    t.uuid('case_id').references('id').inTable('cases').onDelete('CASCADE');
    t.text('kind').notNullable().checkIn(KINDS, 'notifications_kind_check');
    t.text('channel').notNullable().checkIn(CHANNELS, 'notifications_channel_check');
    t.uuid('recipient_user_id').references('id').inTable('users').onDelete('CASCADE');
    t.text('recipient_email');
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    // An email needs an address, a bot message a user (whose conversation references say where).
    t.check(
      "(channel <> 'email' or recipient_email is not null) and (channel <> 'bot' or recipient_user_id is not null)",
      [],
      'notifications_recipient_check',
    );
    t.check("jsonb_typeof(payload) = 'object'", [], 'notifications_payload_check');
    t.check('attempts >= 0', [], 'notifications_attempts_check');
    t.index(['case_id']);
    t.index(['recipient_user_id']);
  });
  // The delivery workers poll for undelivered rows only: a partial index stays as small as the backlog.
  await knex.raw('create index notifications_undelivered_idx on notifications (delivered_at) where delivered_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notifications');
}
