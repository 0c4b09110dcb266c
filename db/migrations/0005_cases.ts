import type { Knex } from 'knex';

const CHANNELS = ['phone', 'email', 'web', 'chat', 'facebook', 'twitter', 'iot'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

/**
 * The case read model (written by the workflow's activities; Temporal owns the process state),
 * its SLA KPI instances and its activities, plus the request ledger that makes case creation idempotent.
 */
export async function up(knex: Knex): Promise<void> {
  // Numbers are handed out before the workflow starts (CAS-01000 ...); the ledger maps a client's
  // request id to the number it got, so a retried request gets the same case, not a new number.
  await knex.raw('create sequence case_number_seq start with 1000');
  await knex.schema.createTable('case_requests', (t) => {
    t.text('request_id').primary();
    t.text('case_number').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('cases', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('case_number').notNullable().unique();
    t.text('workflow_id').notNullable().unique();
    t.text('request_id').notNullable().unique();
    t.text('title').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.uuid('customer_contact_id').references('id').inTable('contacts');
    t.uuid('customer_account_id').references('id').inTable('accounts');
    t.text('channel').notNullable().checkIn(CHANNELS, 'cases_channel_check');
    t.text('priority').notNullable().defaultTo('normal').checkIn(PRIORITIES, 'cases_priority_check');
    t.uuid('product_id').references('id').inTable('products');
    t.text('subject');
    t.text('status')
      .notNullable()
      .checkIn(['active', 'on_hold', 'waiting_for_customer', 'resolved', 'cancelled', 'closed'], 'cases_status_check');
    t.text('status_reason');
    t.text('stage').notNullable().checkIn(['identify', 'research', 'resolve'], 'cases_stage_check');
    t.uuid('queue_id').references('id').inTable('queues');
    t.uuid('owner_user_id').references('id').inTable('users');
    t.uuid('created_by_user_id').references('id').inTable('users');
    t.uuid('entitlement_id').references('id').inTable('entitlements');
    t.boolean('is_entitled').notNullable().defaultTo(false);
    t.uuid('sla_policy_id').references('id').inTable('sla_policies');
    t.uuid('routing_rule_id').references('id').inTable('routing_rules');
    t.text('sla_state');
    t.timestamp('first_response_by', { useTz: true });
    t.timestamp('resolve_by', { useTz: true });
    t.timestamp('first_responded_at', { useTz: true });
    t.timestamp('resolved_at', { useTz: true });
    // Writes carry the workflow's version and only apply when newer, so a late retry never moves a case back.
    t.integer('version').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // A customer is a contact or an account (or a contact of an account: both).
    t.check('customer_contact_id is not null or customer_account_id is not null', [], 'cases_customer_check');
    t.index(['status']);
    t.index(['queue_id', 'status']);
    t.index(['owner_user_id']);
    t.index(['customer_contact_id']);
    t.index(['customer_account_id']);
  });

  await knex.schema.createTable('sla_kpi_instances', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.text('kpi').notNullable().checkIn(['first_response', 'resolve'], 'sla_kpi_instances_kpi_check');
    t.text('status')
      .notNullable()
      .defaultTo('in_progress')
      .checkIn(
        ['in_progress', 'nearing_noncompliance', 'succeeded', 'noncompliant', 'paused', 'cancelled'],
        'sla_kpi_instances_status_check',
      );
    t.timestamp('warning_at', { useTz: true });
    t.timestamp('failure_at', { useTz: true });
    t.timestamp('succeeded_at', { useTz: true });
    t.timestamp('paused_at', { useTz: true });
    t.integer('elapsed_business_minutes').notNullable().defaultTo(0);
    t.integer('version').notNullable().defaultTo(0);
    t.unique(['case_id', 'kpi']);
  });

  await knex.schema.createTable('activities', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.text('type')
      .notNullable()
      .checkIn(['phone_call', 'email', 'task', 'appointment', 'note', 'resolution'], 'activities_type_check');
    t.text('subject').notNullable();
    t.text('body').notNullable().defaultTo('');
    t.text('direction').checkIn(['inbound', 'outbound'], 'activities_direction_check');
    t.text('state').notNullable().defaultTo('open').checkIn(['open', 'closed'], 'activities_state_check');
    t.timestamp('due_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.integer('minutes_spent').notNullable().defaultTo(0);
    t.uuid('created_by_user_id').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Set by activities run from the workflow, so a retried activity does not log the same thing twice.
    t.text('idempotency_key').unique();
    t.check('minutes_spent >= 0', [], 'activities_minutes_spent_check');
    // "Only when all activities are closed can the case be resolved": the check reads this index.
    t.index(['case_id', 'state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('activities');
  await knex.schema.dropTable('sla_kpi_instances');
  await knex.schema.dropTable('cases');
  await knex.schema.dropTable('case_requests');
  await knex.raw('drop sequence case_number_seq');
}
