import type { Knex } from 'knex';

/**
 * A Message-ID is only unique per sender: anyone may write any Message-ID, so keying inbound mail
 * by it alone let one sender's earlier message swallow another's later one (reported as delivered,
 * attached to the first sender's case). Messages are now one row per (Message-ID, sender).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('email_messages', (t) => {
    t.dropUnique(['message_id']);
    t.unique(['message_id', 'from_address'], { indexName: 'email_messages_message_id_sender_unique' });
    t.index(['message_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('email_messages', (t) => {
    t.dropIndex(['message_id']);
    t.dropUnique(['message_id', 'from_address'], 'email_messages_message_id_sender_unique');
    t.unique(['message_id']);
  });
}
