import type { Knex } from 'knex';

/**
 * The email channel: every message received or sent (keyed by its RFC 5322 Message-ID, so a
 * redelivered message is recognised and processed once), the files that came with the inbound ones,
 * and the retry schedule of the email outbox.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('email_messages', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // The sender's Message-ID (or, for a message without one, a digest of its content): one row per message.
    t.text('message_id').notNullable().unique();
    t.text('direction').notNullable().checkIn(['inbound', 'outbound'], 'email_messages_direction_check');
    // The case number is known before the case's read-model row exists; case_id is set once it does.
    t.text('case_number');
    t.uuid('case_id').references('id').inTable('cases').onDelete('SET NULL');
    // What the intake did with an inbound message: null while it is being processed.
    t.text('outcome').checkIn(['opened', 'appended'], 'email_messages_outcome_check');
    t.text('from_address').notNullable();
    t.jsonb('to_addresses').notNullable().defaultTo(knex.raw("'[]'::jsonb"));
    t.text('subject').notNullable().defaultTo('');
    t.text('text_body').notNullable().defaultTo('');
    t.text('in_reply_to');
    // The notification an outbound message delivered.
    t.uuid('notification_id').references('id').inTable('notifications').onDelete('SET NULL');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("jsonb_typeof(to_addresses) = 'array'", [], 'email_messages_to_addresses_check');
    t.index(['case_id']);
    t.index(['case_number']);
  });

  await knex.schema.createTable('attachments', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('email_message_id').notNullable().references('id').inTable('email_messages').onDelete('CASCADE');
    t.uuid('case_id').references('id').inTable('cases').onDelete('CASCADE');
    t.text('filename').notNullable();
    t.text('content_type').notNullable();
    t.integer('size_bytes').notNullable();
    t.text('sha256').notNullable();
    t.binary('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('size_bytes >= 0', [], 'attachments_size_check');
    t.index(['email_message_id']);
    t.index(['case_id']);
  });

  // Email delivery backs off between attempts and leases the rows it is sending: not before this instant.
  await knex.schema.alterTable('notifications', (t) => {
    t.timestamp('next_attempt_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('next_attempt_at');
  });
  await knex.schema.dropTable('attachments');
  await knex.schema.dropTable('email_messages');
}
