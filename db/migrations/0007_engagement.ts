import type { Knex } from 'knex';

/** After the case: surveys and their answers; and goals that measure the team. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('surveys', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.integer('resolution_episode').notNullable();
    t.text('channel')
      .notNullable()
      .checkIn(['phone', 'email', 'web', 'chat', 'facebook', 'twitter', 'iot'], 'surveys_channel_check');
    // Only a hash of the link's token is kept: a leaked table does not let anyone answer surveys.
    t.text('token_hash').notNullable().unique();
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('answered_at', { useTz: true });
    // One survey per resolution: a retried "send survey" activity finds the row and sends nothing new.
    t.unique(['case_id', 'resolution_episode']);
  });

  await knex.schema.createTable('survey_responses', (t) => {
    t.uuid('survey_id').primary().references('id').inTable('surveys').onDelete('CASCADE');
    t.integer('rating').notNullable();
    t.text('comment');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check('rating between 1 and 5', [], 'survey_responses_rating_check');
  });

  await knex.schema.createTable('goals', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.uuid('owner_user_id').references('id').inTable('users');
    t.uuid('queue_id').references('id').inTable('queues');
    t.text('metric').notNullable().checkIn(['cases_resolved', 'cases_in_progress'], 'goals_metric_check');
    t.integer('target').notNullable();
    t.date('period_start').notNullable();
    t.date('period_end').notNullable();
    t.check('target > 0 and period_end >= period_start', [], 'goals_target_period_check');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('goals');
  await knex.schema.dropTable('survey_responses');
  await knex.schema.dropTable('surveys');
}
