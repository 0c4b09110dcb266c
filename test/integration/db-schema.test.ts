import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection';
import { migrateToLatest, rollbackAll } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';

/** Every table the demo seed writes; their counts must not move on a second run. */
const SEEDED_TABLES = [
  'accounts',
  'contacts',
  'users',
  'products',
  'business_calendars',
  'sla_policies',
  'sla_kpis',
  'entitlement_templates',
  'entitlements',
  'entitlement_channels',
  'queues',
  'queue_members',
  'routing_rules',
  'goals',
  'knowledge_articles',
] as const;

async function rowCounts(db: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SEEDED_TABLES) {
    const row = (await db(table).count<{ n: string | number }[]>({ n: '*' }))[0];
    counts[table] = Number(row?.n);
  }
  return counts;
}

/** Application tables in the connection's schema (knex's own bookkeeping tables excluded). */
async function appTables(db: Database): Promise<string[]> {
  const rows = await db('information_schema.tables')
    .where('table_schema', db.raw('current_schema()'))
    .andWhereNot('table_name', 'like', 'knex_%')
    .orderBy('table_name')
    .select<{ table_name: string }[]>('table_name');
  return rows.map((r) => r.table_name);
}

/** Ranked full-text search, as the knowledge-base repository is meant to run it. */
async function searchArticles(db: Database, text: string): Promise<string[]> {
  const result = await db.raw<{ rows: { article_number: string }[] }>(
    `select article_number
       from knowledge_articles, websearch_to_tsquery('english', ?) q
      where search_vector @@ q
      order by ts_rank(search_vector, q) desc, article_number`,
    [text],
  );
  return result.rows.map((r) => r.article_number);
}

describe.each(databaseKinds)('database schema and demo seed on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await openTestDatabase(kind);
    db = testDb.db;
  });

  afterAll(async () => {
    await testDb.close();
  });

  it('migrates an empty database to the latest version', async () => {
    const applied = await migrateToLatest(db);
    expect(applied).toEqual(Object.keys(migrations).sort());
    const tables = await appTables(db);
    expect(tables).toEqual(expect.arrayContaining(['cases', 'entitlement_usages', 'knowledge_articles']));
    expect(await migrateToLatest(db)).toEqual([]);
  });

  it('seeds the demo data idempotently', async () => {
    const first = await seedDemoData(db);
    const countsAfterFirst = await rowCounts(db);
    const second = await seedDemoData(db);
    expect(await rowCounts(db)).toEqual(countsAfterFirst);
    expect(second).toEqual(first);
    expect(countsAfterFirst.knowledge_articles).toBe(12);
    expect(first.users.map((u) => u.username)).toEqual(expect.arrayContaining(Object.values(DEMO.usernames)));
  });

  it('gives the gold customer an active 15-case entitlement on phone, email and web', async () => {
    type Row = Record<'id' | 'allocation_type' | 'total_terms' | 'remaining_terms' | 'status' | 'tier', string>;
    const entitlement = await db('entitlements as e')
      .join('accounts as a', 'a.id', 'e.customer_account_id')
      .where('a.name', DEMO.goldAccountName)
      .first<Row | undefined>('e.id', 'e.allocation_type', 'e.total_terms', 'e.remaining_terms', 'e.status', 'a.tier');
    expect(entitlement).toBeDefined();
    expect(entitlement?.id).toBe(DEMO.goldEntitlementId);
    expect(entitlement?.tier).toBe('gold');
    expect(entitlement?.allocation_type).toBe('cases');
    expect(entitlement?.status).toBe('active');
    // numeric comes back as a string from both drivers: exact decimals, never floats.
    expect(Number(entitlement?.total_terms)).toBe(15);
    expect(Number(entitlement?.remaining_terms)).toBe(15);
    const current = await db('entitlements')
      .where('id', DEMO.goldEntitlementId)
      .whereRaw('current_date between start_date and end_date')
      .first<{ id: string } | undefined>('id');
    expect(current).toBeDefined();
    const channels = (await db('entitlement_channels')
      .where('entitlement_id', DEMO.goldEntitlementId)
      .orderBy('channel')
      .pluck('channel')) as string[];
    expect(channels).toEqual(['email', 'phone', 'web']);
  });

  it('routes gold customers to the gold queue and promises a 15-minute first response', async () => {
    const rule = await db('routing_rules as r')
      .join('queues as q', 'q.id', 'r.queue_id')
      .orderBy('r.position')
      .first<{ name: string; conditions: unknown } | undefined>('q.name', 'r.conditions');
    expect(rule).toEqual({ name: DEMO.goldQueueName, conditions: { customerTier: ['gold'] } });
    const kpi = await db('sla_kpis as k')
      .join('sla_policies as p', 'p.id', 'k.sla_policy_id')
      .where({ 'p.name': DEMO.slaPolicyNames.gold, 'k.kpi': 'first_response' })
      .first<{ fail_after_minutes: number } | undefined>('k.fail_after_minutes');
    expect(kpi?.fail_after_minutes).toBe(15);
  });

  it('ranks a title match above a body-only match in knowledge search', async () => {
    // The body-only article says the word twice: the title's weight must still win.
    await db('knowledge_articles').insert([
      { article_number: 'KA-09001', title: 'Descaling the espresso machine', content: 'Run the cleaning cycle.' },
      { article_number: 'KA-09002', title: 'Kitchen rules', content: 'Descale the kettle; the urn is descaled by us.' },
    ]);
    expect(await searchArticles(db, 'descaling')).toEqual(['KA-09001', 'KA-09002']);
    expect((await searchArticles(db, 'printer offline'))[0]).toBe('KA-01002');
    expect((await searchArticles(db, 'forgot password'))[0]).toBe('KA-01001');
  });

  it('records an entitlement usage at most once per case resolution', async () => {
    const caseId = '0b7e6a52-5d3c-4c1e-9a53-2f0e6c1d9a01';
    const usage = { entitlement_id: DEMO.goldEntitlementId, case_id: caseId, resolution_episode: 1, terms_used: 1 };
    await db('entitlement_usages').insert(usage);
    await expect(db('entitlement_usages').insert(usage)).rejects.toMatchObject({ code: '23505' });
    // A reopened and re-resolved case is a new episode, and consumes again.
    await db('entitlement_usages').insert({ ...usage, resolution_episode: 2 });
    const n = (await db('entitlement_usages').count<{ n: string | number }[]>({ n: '*' }))[0];
    expect(Number(n?.n)).toBe(2);
  });

  it('never resets a balance the app has changed when seeding again', async () => {
    await db('entitlements').where('id', DEMO.goldEntitlementId).update({ remaining_terms: 14 });
    await seedDemoData(db);
    const row = await db('entitlements')
      .where('id', DEMO.goldEntitlementId)
      .first<{ remaining_terms: string } | undefined>('remaining_terms');
    expect(Number(row?.remaining_terms)).toBe(14);
  });

  it('numbers cases from 1000', async () => {
    const result = await db.raw<{ rows: { n: string | number }[] }>("select nextval('case_number_seq') as n");
    expect(Number(result.rows[0]?.n)).toBe(1000);
  });

  it('rolls every migration back, and can migrate again', async () => {
    await rollbackAll(db);
    expect(await appTables(db)).toEqual([]);
    const sequences = (await db('information_schema.sequences')
      .where('sequence_schema', db.raw('current_schema()'))
      .andWhereNot('sequence_name', 'like', 'knex_%')
      .pluck('sequence_name')) as string[];
    expect(sequences).toEqual([]);
    expect(await migrateToLatest(db)).toEqual(Object.keys(migrations).sort());
  });
});
