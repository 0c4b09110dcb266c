import type { Knex } from 'knex';

/**
 * Sign-in protection and its record. `sign_in_throttles` holds one counter per account name and
 * per client address (domain/sign-in-throttle.ts), in the database so that every server process
 * sees the same locks. `sign_in_audit` keeps one row per attempt for administrators; the username
 * is kept as given (it may name no one), the user only when it exists.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_in_throttles', (t) => {
    t.text('scope').notNullable().checkIn(['account', 'address'], 'sign_in_throttles_scope_check');
    t.text('key').notNullable();
    t.integer('failures').notNullable();
    t.timestamp('since', { useTz: true }).notNullable();
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('forget_at', { useTz: true }).notNullable();
    t.primary(['scope', 'key'], { constraintName: 'sign_in_throttles_pkey' });
    t.index(['forget_at'], 'sign_in_throttles_forget_at_index');
    t.check('length(key) <= 300', [], 'sign_in_throttles_key_length_check');
  });

  await knex.schema.createTable('sign_in_audit', (t) => {
    // A sequence, not a UUID: attempts in the same millisecond still list in the order they came.
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('username').notNullable();
    t.uuid('user_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('remote_address').notNullable();
    t.text('outcome').notNullable().checkIn(['succeeded', 'wrong_credentials', 'locked', 'disabled'], 'sign_in_audit_outcome_check');
    t.check('length(username) <= 200', [], 'sign_in_audit_username_length_check');
    t.check('length(remote_address) <= 100', [], 'sign_in_audit_remote_address_length_check');
    t.index(['at'], 'sign_in_audit_at_index');
    t.index(['username', 'at'], 'sign_in_audit_username_at_index');
    t.index(['outcome', 'at'], 'sign_in_audit_outcome_at_index');
    t.index(['user_id'], 'sign_in_audit_user_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sign_in_audit');
  await knex.schema.dropTable('sign_in_throttles');
}
