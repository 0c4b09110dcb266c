import type { Knex } from 'knex';

/**
 * GET /cases/events looks every two seconds for the cases written in the last half minute: an
 * index on updated_at keeps that a range scan, however many cases there are.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.index(['updated_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cases', (t) => {
    t.dropIndex(['updated_at']);
  });
}
