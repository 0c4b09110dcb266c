import type { Knex } from 'knex';

/** Where cases wait to be worked, who may work them, and the rules that put cases there. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('queues', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable().unique();
    t.text('email');
    t.text('description').notNullable().defaultTo('');
    t.boolean('is_default').notNullable().defaultTo(false);
  });
  // Routing falls back to "the" default queue: two would make the fallback ambiguous.
  await knex.raw('create unique index queues_one_default on queues ((true)) where is_default');

  await knex.schema.createTable('queue_members', (t) => {
    t.uuid('queue_id').notNullable().references('id').inTable('queues').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.primary(['queue_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('routing_rules', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    // Rules are tried in ascending position; the first match wins, so positions must not tie.
    t.integer('position').notNullable().unique();
    // Field → accepted values, all must match, e.g. {"customerTier": ["gold"]}; {} matches every case.
    t.jsonb('conditions').notNullable().defaultTo(knex.raw("'{}'::jsonb"));
    t.uuid('queue_id').notNullable().references('id').inTable('queues');
    t.boolean('active').notNullable().defaultTo(true);
    t.check("jsonb_typeof(conditions) = 'object'", [], 'routing_rules_conditions_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('routing_rules');
  await knex.schema.dropTable('queue_members');
  await knex.schema.dropTable('queues');
}
