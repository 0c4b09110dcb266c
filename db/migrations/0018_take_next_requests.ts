import type { Knex } from 'knex';

/**
 * POST /cases/take-next with an Idempotency-Key: which case a staff member's request took (or was
 * taking), so a retry after a lost answer gets that case again instead of taking a second one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('take_next_requests', (t) => {
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('request_key', 200).notNullable();
    t.string('case_number', 32).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'request_key']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('take_next_requests');
}
