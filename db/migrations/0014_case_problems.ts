import type { Knex } from 'knex';

/**
 * Cases needing attention: a write the workflow decided that the database refused for good (bad
 * data no retry can fix). One row per case and kind of write, counted; operators list them.
 * No foreign key: the refused write may be the case's own row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_problems', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('case_number').notNullable();
    t.text('effect').notNullable();
    t.text('error').notNullable();
    t.integer('occurrences').notNullable().defaultTo(1);
    t.timestamp('first_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['case_number', 'effect'], { indexName: 'case_problems_case_effect_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('case_problems');
}
