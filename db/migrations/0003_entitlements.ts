import type { Knex } from 'knex';

const CHANNELS = ['phone', 'email', 'web', 'chat', 'facebook', 'twitter', 'iot'];

/** What support each customer is entitled to, and the ledger of what resolved cases consumed. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('entitlement_templates', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable().unique();
    t.text('allocation_type')
      .notNullable()
      .checkIn(['cases', 'minutes'], 'entitlement_templates_allocation_type_check');
    t.decimal('total', 12, 2).notNullable();
    t.integer('duration_days').notNullable();
    t.check('total > 0 and duration_days > 0', [], 'entitlement_templates_positive_check');
  });

  await knex.schema.createTable('entitlements', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.uuid('customer_account_id').references('id').inTable('accounts');
    t.uuid('customer_contact_id').references('id').inTable('contacts');
    t.uuid('template_id').references('id').inTable('entitlement_templates');
    t.text('allocation_type').notNullable().checkIn(['cases', 'minutes'], 'entitlements_allocation_type_check');
    t.decimal('total_terms', 12, 2).notNullable();
    // Not checked >= 0: an entitlement may be allowed to run into overage; the rules live in domain/.
    t.decimal('remaining_terms', 12, 2).notNullable();
    t.date('start_date').notNullable();
    t.date('end_date').notNullable();
    t.text('status')
      .notNullable()
      .defaultTo('draft')
      .checkIn(['draft', 'active', 'expired', 'cancelled'], 'entitlements_status_check');
    t.uuid('sla_policy_id').references('id').inTable('sla_policies');
    t.boolean('is_default').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The customer is an account or a contact, never both and never neither.
    t.check('(customer_account_id is null) <> (customer_contact_id is null)', [], 'entitlements_one_customer_check');
    t.check('total_terms >= 0 and end_date >= start_date', [], 'entitlements_terms_dates_check');
    t.index(['customer_account_id', 'status']);
    t.index(['customer_contact_id', 'status']);
  });

  await knex.schema.createTable('entitlement_channels', (t) => {
    t.uuid('entitlement_id').notNullable().references('id').inTable('entitlements').onDelete('CASCADE');
    t.text('channel').notNullable().checkIn(CHANNELS, 'entitlement_channels_channel_check');
    // Null = the channel draws on the entitlement's shared allowance.
    t.decimal('total_terms', 12, 2);
    t.decimal('remaining_terms', 12, 2);
    t.primary(['entitlement_id', 'channel']);
  });

  await knex.schema.createTable('entitlement_usages', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('entitlement_id').notNullable().references('id').inTable('entitlements');
    // No foreign key: the usage is recorded by the workflow's activity, independent of read-model timing.
    t.uuid('case_id').notNullable();
    // Each resolution of a case (1, then 2 after a reopen ...) consumes at most once.
    t.integer('resolution_episode').notNullable();
    t.decimal('terms_used', 12, 2).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The exactly-once guarantee of the decrement: a retried activity hits this key and stops.
    t.unique(['case_id', 'resolution_episode'], { indexName: 'entitlement_usages_case_episode_unique' });
    t.index(['entitlement_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('entitlement_usages');
  await knex.schema.dropTable('entitlement_channels');
  await knex.schema.dropTable('entitlements');
  await knex.schema.dropTable('entitlement_templates');
}
