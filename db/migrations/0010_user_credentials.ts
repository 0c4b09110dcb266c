import type { Knex } from 'knex';

/**
 * Sign-in for the REST API: a user's scrypt password hash (db/password-hash.ts; null = cannot sign
 * in with a password) and a switch that locks the account out without deleting its history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('password_hash');
    t.boolean('disabled').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('disabled');
    t.dropColumn('password_hash');
  });
}
