import type { Knex } from 'knex';

/** Service levels: the calendars SLA clocks count in, the policies, and each policy's KPI targets. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('business_calendars', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable().unique();
    t.text('time_zone').notNullable();
    // {"mon": [["09:00","18:00"]], ...}: a day may have several intervals (a lunch break), a missing day none.
    t.jsonb('weekly_hours').notNullable();
    // ['YYYY-MM-DD', ...] in the calendar's own time zone.
    t.jsonb('holidays').notNullable().defaultTo(knex.raw("'[]'::jsonb"));
    t.check("jsonb_typeof(weekly_hours) = 'object'", [], 'business_calendars_weekly_hours_check');
    t.check("jsonb_typeof(holidays) = 'array'", [], 'business_calendars_holidays_check');
  });

  await knex.schema.createTable('sla_policies', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable().unique();
    t.text('description').notNullable().defaultTo('');
    t.boolean('applies_when_no_entitlement').notNullable().defaultTo(false);
    // Null means the clock runs around the clock (24x7).
    t.uuid('business_calendar_id').references('id').inTable('business_calendars');
    // Case statuses that stop the clock, e.g. ["on_hold", "waiting_for_customer"].
    t.jsonb('pause_on').notNullable().defaultTo(knex.raw("'[]'::jsonb"));
    t.check("jsonb_typeof(pause_on) = 'array'", [], 'sla_policies_pause_on_check');
  });
  // Customers without a contract must land on exactly one policy, never on a choice between two.
  await knex.raw(
    'create unique index sla_policies_one_no_entitlement on sla_policies ((true)) where applies_when_no_entitlement',
  );

  await knex.schema.createTable('sla_kpis', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('sla_policy_id').notNullable().references('id').inTable('sla_policies').onDelete('CASCADE');
    t.text('kpi').notNullable().checkIn(['first_response', 'resolve'], 'sla_kpis_kpi_check');
    // Null priority / tier = applies to any; a more specific row wins over a null one.
    t.text('priority').checkIn(['low', 'normal', 'high', 'urgent'], 'sla_kpis_priority_check');
    t.text('customer_tier').checkIn(['gold', 'silver', 'standard'], 'sla_kpis_customer_tier_check');
    t.integer('warn_after_minutes').notNullable();
    t.integer('fail_after_minutes').notNullable();
    t.check('warn_after_minutes > 0 and warn_after_minutes < fail_after_minutes', [], 'sla_kpis_minutes_check');
  });
  // A plain UNIQUE would let two "any priority" rows coexist (NULLs are distinct), and NULLS NOT
  // DISTINCT needs PostgreSQL 15: an expression index works on every version and on PGlite.
  await knex.raw(`
    create unique index sla_kpis_target_unique
      on sla_kpis (sla_policy_id, kpi, coalesce(priority, ''), coalesce(customer_tier, ''))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sla_kpis');
  await knex.schema.dropTable('sla_policies');
  await knex.schema.dropTable('business_calendars');
}
