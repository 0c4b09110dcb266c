import type { Knex } from 'knex';

/** The knowledge base, searchable by title, keyword, full text or number, and the articles sent from cases. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('knowledge_articles', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('article_number').notNullable().unique();
    t.text('title').notNullable();
    t.text('keywords');
    t.text('content').notNullable();
    t.uuid('product_id').references('id').inTable('products');
    t.text('status')
      .notNullable()
      .defaultTo('draft')
      .checkIn(['draft', 'published'], 'knowledge_articles_status_check');
    t.integer('version').notNullable().defaultTo(1);
    t.integer('views').notNullable().defaultTo(0);
    t.integer('resolution_uses').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.check("article_number ~ '^KA-[0-9]{5,}$'", [], 'knowledge_articles_number_check');
  });
  // Weights make a hit in the title (A) outrank one in the keywords (B) or only in the body (C).
  // The explicit 'english' config keeps to_tsvector immutable, which a generated column requires.
  await knex.raw(`
    alter table knowledge_articles add column search_vector tsvector generated always as (
      setweight(to_tsvector('english', title), 'A') ||
      setweight(to_tsvector('english', coalesce(keywords, '')), 'B') ||
      setweight(to_tsvector('english', content), 'C')
    ) stored`);
  await knex.raw('create index knowledge_articles_search_idx on knowledge_articles using gin (search_vector)');

  await knex.schema.createTable('case_articles', (t) => {
    t.uuid('case_id').notNullable().references('id').inTable('cases').onDelete('CASCADE');
    t.uuid('article_id').notNullable().references('id').inTable('knowledge_articles');
    t.uuid('linked_by_user_id').references('id').inTable('users');
    t.timestamp('linked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Set once the article has been emailed to the customer.
    t.timestamp('sent_at', { useTz: true });
    t.primary(['case_id', 'article_id']);
    t.index(['article_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('case_articles');
  await knex.schema.dropTable('knowledge_articles');
}
