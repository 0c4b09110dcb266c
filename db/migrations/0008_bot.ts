import type { Knex } from 'knex';

/** Bot Framework state kept in Postgres, so any server process can continue any conversation. */
export async function up(knex: Knex): Promise<void> {
  // Backs a botbuilder Storage: documents by key, with an etag for optimistic concurrency.
  await knex.schema.createTable('bot_state', (t) => {
    t.text('key').primary();
    t.jsonb('document').notNullable();
    t.text('etag').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // What a proactive message (SLA warning, survey) needs to reach a user in an existing conversation.
  await knex.schema.createTable('conversation_references', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').references('id').inTable('users').onDelete('CASCADE');
    t.text('channel_id').notNullable();
    t.text('conversation_id').notNullable();
    t.text('service_url').notNullable();
    t.jsonb('reference').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['channel_id', 'conversation_id']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('conversation_references');
  await knex.schema.dropTable('bot_state');
}
