import type { Connection } from '@temporalio/client';
import pino from 'pino';
import type { Next, Request, Response, Server } from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticatedRequest } from '../../api/auth-context';
import { registerKnowledgeRoutes } from '../../api/knowledge.routes';
import { createApiServer } from '../../api/server';
import { close, listen } from '../../app/process/network';
import type { Database } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { createKnowledgeRepository } from '../../db/repositories/knowledge.repository';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import type { Actor } from '../../domain/actor';
import { ForbiddenError, NotFoundError } from '../../services/errors';
import { createKnowledgeService, type KnowledgeService } from '../../services/knowledge.service';
import { actorFor } from '../support/actors';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';

/**
 * Drafts that isolate the weights: "quasar" only in a title, only in the keywords, only in the
 * body. The body one also carries markup, which a snippet must escape.
 */
const DRAFTS = [
  { article_number: 'KA-09901', title: 'Restarting the quasar relay', keywords: 'relay restart', content: 'Hold the power button for ten seconds until the lamp blinks.' },
  { article_number: 'KA-09902', title: 'Relay lamp colours', keywords: 'quasar lamp colours', content: 'Green means linked, amber means searching, red means fault.' },
  { article_number: 'KA-09903', title: 'Relay maintenance notes', keywords: 'maintenance', content: 'Clean the vents & check the <b>quasar</b> module once a year.' },
] as const;

async function seedKnowledge(db: Database): Promise<void> {
  await migrateToLatest(db);
  await seedDemoData(db);
  await db('knowledge_articles').insert(DRAFTS.map((draft) => ({ ...draft, status: 'draft' })));
}

const numbers = (items: readonly { articleNumber: string }[]): string[] => items.map((item) => item.articleNumber);

describe.each(databaseKinds)('knowledge search on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  let knowledge: KnowledgeService;
  let customer: Actor;
  let agent: Actor;
  let operator: Actor;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.db;
    await seedKnowledge(db);
    knowledge = createKnowledgeService({ knowledge: createKnowledgeRepository(db) });
    customer = await actorFor(db, DEMO.usernames.goldCustomer);
    agent = await actorFor(db, DEMO.usernames.goldAgent);
    operator = await actorFor(db, DEMO.usernames.operator);
  });

  afterAll(async () => {
    await database.close();
  });

  it('puts the printer-offline article first, for customers, agents and the bot alike', async () => {
    for (const actor of [customer, agent, null]) {
      const result = await knowledge.search(actor, { text: 'printer offline' });
      expect(result.items[0]?.articleNumber).toBe('KA-01002');
    }
    expect(numbers(await knowledge.suggestForProblem('printer offline'))[0]).toBe('KA-01002');
  });

  it('ranks a word in the title above the keywords, and the keywords above the body', async () => {
    const result = await knowledge.search(agent, { text: 'quasar', status: 'draft' });
    expect(numbers(result.items)).toEqual(['KA-09901', 'KA-09902', 'KA-09903']);
    const [title, keywords, body] = result.items.map((item) => item.rank);
    expect(title).toBeGreaterThan(keywords ?? 1);
    expect(keywords).toBeGreaterThan(body ?? 1);
    expect(body).toBeGreaterThan(0);
    expect(title).toBeLessThan(1);

    // In the seed, "printer" is in KA-01002's title and only in KA-01008's body.
    const printer = numbers((await knowledge.search(customer, { text: 'printer' })).items);
    expect(printer.indexOf('KA-01002')).toBe(0);
    expect(printer).toContain('KA-01008');
  });

  it('weighs keywords: a keyword and body hit outranks a body-only hit, a keyword-only hit is found', async () => {
    const download = numbers((await knowledge.search(customer, { text: 'download' })).items);
    expect(download.slice(0, 2).sort()).toEqual(['KA-01010', 'KA-01011']);
    expect(download.indexOf('KA-01004')).toBeGreaterThan(1);
    expect(numbers((await knowledge.search(customer, { text: 'mfa' })).items)).toEqual(['KA-01006']);
  });

  it('finds an article by its number, in any letter case, first and with rank 1', async () => {
    for (const text of ['KA-01002', 'ka-01002', '  Ka-01002 ']) {
      const result = await knowledge.search(customer, { text });
      expect(result.items[0]).toMatchObject({ articleNumber: 'KA-01002', rank: 1, status: 'published' });
      expect(result.total).toBe(result.items.length);
    }
    const article = await createKnowledgeRepository(db).findByNumber('ka-01002');
    expect(article).toMatchObject({ articleNumber: 'KA-01002', title: 'Printer shows "offline": bring it back online' });
    expect(await createKnowledgeRepository(db).findById(article?.id ?? '')).toEqual(article);
    expect(await createKnowledgeRepository(db).findByNumber('KA-99999')).toBeUndefined();
  });

  it('returns snippets of the content with the matched words marked, and escapes the content', async () => {
    const [hit] = (await knowledge.search(customer, { text: 'printer offline' })).items;
    expect(hit?.snippet).toContain('<mark>');
    expect(hit?.snippet).toMatch(/<mark>(printer|offline)<\/mark>/i);

    const body = (await knowledge.search(agent, { text: 'quasar', status: 'draft' })).items.find((item) => item.articleNumber === 'KA-09903');
    expect(body?.snippet).toContain('<mark>quasar</mark>');
    expect(body?.snippet).toContain('&amp;');
    expect(body?.snippet).not.toContain('<b>');
  });

  it('hides drafts from customers, operators and the bot; agents may ask for them', async () => {
    expect((await knowledge.search(customer, { text: 'quasar' })).items).toEqual([]);
    expect((await knowledge.search(agent, { text: 'quasar' })).items).toEqual([]);
    expect(await knowledge.suggestForProblem('quasar relay')).toEqual([]);
    expect((await knowledge.search(customer, { text: 'KA-09901' })).items).toEqual([]);
    for (const actor of [customer, operator, null]) {
      await expect(knowledge.search(actor, { text: 'quasar', status: 'draft' })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(knowledge.get(actor, 'KA-09901')).rejects.toBeInstanceOf(NotFoundError);
    }

    const drafts = await knowledge.search(agent, { text: 'quasar', status: 'draft' });
    expect(drafts.items.every((item) => item.status === 'draft')).toBe(true);
    const all = await knowledge.search(agent, { text: 'relay', status: 'all' });
    expect(numbers(all.items)).toEqual(expect.arrayContaining(['KA-09901', 'KA-09902', 'KA-09903']));
    expect((await knowledge.get(agent, 'ka-09901')).articleNumber).toBe('KA-09901');
  });

  it('answers a stop-word or punctuation-only query with an empty list, never an SQL error', async () => {
    for (const text of ['the and of', 'or', '!!!', '"', '-', '((', ':*', '\\', "'", '&|!<->', '\u0000', 'not a the']) {
      expect(await knowledge.search(customer, { text })).toEqual({ items: [], total: 0, limit: 10, offset: 0 });
    }
    expect(await knowledge.suggestForProblem('the')).toEqual([]);
    expect(await knowledge.suggestForProblem('   ')).toEqual([]);
  });

  it('handles the empty query on the GIN index too', async () => {
    await db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const repository = createKnowledgeRepository(trx);
      expect(await repository.search({ text: 'the', includeDrafts: false, limit: 10, offset: 0 })).toEqual([]);
      const hits = await repository.search({ text: 'printer offline', includeDrafts: false, limit: 10, offset: 0 });
      expect(hits[0]?.articleNumber).toBe('KA-01002');
    });
  });

  it('suggests articles for a whole sentence, in the order an agent would find them', async () => {
    const sentence = 'Since this morning my printer is offline and nothing prints';
    const suggested = numbers(await knowledge.suggestForProblem(sentence));
    expect(suggested[0]).toBe('KA-01002');
    expect(suggested.length).toBeLessThanOrEqual(3);
    const agents = numbers((await knowledge.search(agent, { text: sentence, limit: 3 })).items);
    expect(agents).toEqual(suggested);
  });

  it('pages through the hits with a total, and filters by product', async () => {
    const first = await knowledge.search(customer, { text: 'billing', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.total).toBeGreaterThanOrEqual(3);
    const second = await knowledge.search(customer, { text: 'billing', limit: 2, offset: 2 });
    expect(second.total).toBe(first.total);
    expect(numbers(second.items)).not.toContain(first.items[0]?.articleNumber);
    const beyond = await knowledge.search(customer, { text: 'billing', offset: 100 });
    expect(beyond).toMatchObject({ items: [], total: first.total });

    const billing = await db('products').where({ code: DEMO.productCodes.billing }).first<{ id: string }>('id');
    const filtered = await knowledge.search(customer, { text: 'billing portal', productId: billing.id });
    expect(filtered.items.length).toBeGreaterThan(0);
    expect(filtered.items.every((item) => item.productId === billing.id)).toBe(true);
  });

  it('counts a view each time an article is read', async () => {
    const before = await knowledge.get(customer, 'KA-01003');
    const after = await knowledge.get(null, 'ka-01003');
    expect(after.views).toBe(before.views + 1);
    await expect(knowledge.get(customer, 'KA-99999')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('knowledge routes over HTTP (pglite)', () => {
  let database: TestDatabase;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    await seedKnowledge(database.db);
    const actors = new Map<string, Actor>();
    for (const username of [DEMO.usernames.goldCustomer, DEMO.usernames.goldAgent]) actors.set(username, await actorFor(database.db, username));
    const knowledge = createKnowledgeService({ knowledge: createKnowledgeRepository(database.db) });
    server = createApiServer({
      logger: pino({ level: 'silent' }),
      health: { pingDatabase: () => Promise.resolve(), temporal: {} as Connection, describe: { database: 'pglite', temporal: 'none' } },
      // Stands in for the real authentication: the test names the signed-in user in a header.
      authenticate: (req: Request, _res: Response, next: Next) => {
        const username = req.header('x-test-user');
        if (username) (req as AuthenticatedRequest).actor = actors.get(username);
        next();
      },
      routes: [(s) => registerKnowledgeRoutes(s, knowledge)],
    });
    await listen(server, '127.0.0.1', 0);
    baseUrl = `http://127.0.0.1:${server.address().port}`;
  });

  afterAll(async () => {
    if (server) await close(server);
    await database?.close();
  });

  const get = (path: string, user: string | null = DEMO.usernames.goldCustomer) =>
    fetch(`${baseUrl}${path}`, { headers: user ? { 'x-test-user': user } : {} });

  type ProblemBody = { status: number; detail: string; errors?: { pointer: string }[] };

  it('searches: ranked items, total, limit and offset', async () => {
    const response = await get('/knowledge/articles?q=printer%20offline');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: { articleNumber: string; snippet: string }[]; total: number; limit: number; offset: number };
    expect(body).toMatchObject({ limit: 10, offset: 0 });
    expect(body.items[0]?.articleNumber).toBe('KA-01002');
    expect(body.items[0]?.snippet).toContain('<mark>');
    expect(body.total).toBe(body.items.length);

    const paged = (await (await get('/knowledge/articles?q=billing&limit=1&offset=1')).json()) as { items: unknown[]; limit: number; offset: number; total: number };
    expect(paged).toMatchObject({ limit: 1, offset: 1 });
    expect(paged.items).toHaveLength(1);
    expect(paged.total).toBeGreaterThan(1);

    const drafts = await get('/knowledge/articles?q=quasar&status=draft', DEMO.usernames.goldAgent);
    expect(((await drafts.json()) as { items: unknown[] }).items).toHaveLength(3);
  });

  it('answers bad input with a 422 problem naming the field', async () => {
    for (const [query, field] of [['', 'q'], ['?q=', 'q'], [`?q=${'a'.repeat(201)}`, 'q'], ['?q=vpn&limit=0', 'limit'], ['?q=vpn&limit=51', 'limit'], ['?q=vpn&productId=nope', 'productId'], ['?q=vpn&status=old', 'status']] as const) {
      const response = await get(`/knowledge/articles${query}`);
      expect(response.status, query).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const body = (await response.json()) as ProblemBody;
      expect(body.errors?.map((e) => e.pointer)).toContain(`/query/${field}`);
      expect(body.detail.startsWith(`${field}:`)).toBe(true);
    }
  });

  it('forbids drafts to customers with a 403 problem', async () => {
    const response = await get('/knowledge/articles?q=quasar&status=draft');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('reads one article, and answers an unknown or draft one with a 404 problem', async () => {
    const found = await get('/knowledge/articles/ka-01002');
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ articleNumber: 'KA-01002', status: 'published', views: 1 });

    for (const number of ['KA-09999', 'KA-09901']) {
      const missing = await get(`/knowledge/articles/${number}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect(await missing.json()).toMatchObject({ status: 404, title: 'Not found', detail: `no article ${number}` });
    }
    expect((await get('/knowledge/articles/KA-09901', DEMO.usernames.goldAgent)).status).toBe(200);
    expect((await get('/knowledge/articles/printer')).status).toBe(422);
  });

  it('needs a signed-in caller: 401 problem', async () => {
    for (const path of ['/knowledge/articles?q=printer', '/knowledge/articles/KA-01002']) {
      const response = await get(path, null);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 401 });
    }
  });
});
