import type { Knex } from 'knex';

/**
 * What a case request asked for (a hash of its body), kept with the number it reserved: the same
 * Idempotency-Key sent again with a different body is refused instead of silently answering with
 * the first case. Null for requests reserved before this migration (they match anything).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_requests', (t) => {
    t.text('request_fingerprint');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_requests', (t) => {
    t.dropColumn('request_fingerprint');
  });
}
