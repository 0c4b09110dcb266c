import type { Knex } from 'knex';

/** Who the service is for (accounts, contacts), who works in it (users), and what it supports (products). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('tier').notNullable().defaultTo('standard').checkIn(['gold', 'silver', 'standard'], 'accounts_tier_check');
    t.text('email');
    t.text('phone');
    t.uuid('parent_account_id').references('id').inTable('accounts');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['parent_account_id']);
  });

  await knex.schema.createTable('contacts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('account_id').references('id').inTable('accounts');
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    // No citext (PGlite lacks it): the address is stored lowercased, so sender matching is a plain equality.
    t.text('email');
    t.text('phone');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('email = lower(email)', [], 'contacts_email_lowercase_check');
    t.index(['account_id']);
  });
  await knex.raw('create unique index contacts_email_unique on contacts (lower(email))');

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('username').notNullable().unique();
    t.text('display_name').notNullable();
    t.text('email').notNullable();
    t.text('role')
      .notNullable()
      .checkIn(['customer', 'agent', 'supervisor', 'admin', 'operator'], 'users_role_check');
    // A customer signs in as one of the contacts; one login per contact.
    t.uuid('contact_id').unique().references('id').inTable('contacts');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("role <> 'customer' or contact_id is not null", [], 'users_customer_has_contact_check');
  });
  await knex.raw('create unique index users_email_unique on users (lower(email))');

  await knex.schema.createTable('products', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('code').notNullable().unique();
    t.text('name').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.boolean('active').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('products');
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('contacts');
  await knex.schema.dropTable('accounts');
}
