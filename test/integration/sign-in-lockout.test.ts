import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/process/config';
import { openDatabase, type Database } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';
import { requestFrom, startSignInServer, type HttpAnswer, type SignInServer } from '../support/sign-in-server';

/** Small limits, set as an operator would: through the environment. */
const { signIn: LIMITS } = loadConfig({
  NODE_ENV: 'test',
  JWT_SECRET: 'lockout-test-secret-of-at-least-32-characters',
  SURVEY_SECRET: 'lockout-test-survey-secret',
  SIGN_IN_ACCOUNT_MAX_FAILURES: '3',
  SIGN_IN_LOCK_SECONDS: '60',
  SIGN_IN_LOCK_MAX_SECONDS: '300',
  SIGN_IN_ADDRESS_MAX_FAILURES: '8',
  SIGN_IN_ADDRESS_WINDOW_SECONDS: '600',
}).auth;

const { goldAgent: gina, standardAgent: sam, supervisor: sue, operator: otto, standardCustomer: bob, goldCustomer: alice, silverCustomer: sven, admin: adam } = DEMO.usernames;

interface ProblemBody {
  type: string;
  status: number;
  detail: string;
}

describe.each(databaseKinds)('sign-in lockout over HTTP on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  let app: SignInServer;
  let clock = new Date('2026-11-29T10:00:00Z');
  const advance = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.db;
    await migrateToLatest(db);
    await seedDemoData(db);
    app = await startSignInServer(db, { limits: LIMITS, now: () => clock });
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const signIn = (from: string, username: string, password: string, server: SignInServer = app) => requestFrom(from, server.baseUrl, 'POST', '/auth/token', { body: { username, password } });
  const statuses = async (from: string, username: string, password: string, times: number) => {
    const seen = [];
    for (let i = 0; i < times; i += 1) seen.push((await signIn(from, username, password)).status);
    return seen;
  };

  function expectLocked(answer: HttpAnswer, retryAfterSeconds: number): ProblemBody {
    expect(answer.status).toBe(429);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.headers['retry-after']).toBe(String(retryAfterSeconds));
    const problem = answer.body as ProblemBody;
    expect(problem).toMatchObject({ status: 429, type: 'https://caseflow.dev/problems/sign-in-locked' });
    expect(problem.detail).toBe(`too many failed sign-ins: wait ${retryAfterSeconds} seconds, then try again`);
    return problem;
  }

  it('locks an account after three wrong passwords, refuses even the right one, and lets it in once the lock has run out', async () => {
    const from = '127.0.0.2';
    expect(await statuses(from, gina, 'wrong', 3)).toEqual([401, 401, 401]);
    expectLocked(await signIn(from, gina, 'demo'), 60);
    advance(30);
    expectLocked(await signIn(from, gina, 'demo'), 30);
    // Another account, from the same address, is not affected.
    expect((await signIn(from, sam, 'demo')).status).toBe(200);
    advance(30);
    expect((await signIn(from, gina, 'demo')).status).toBe(200);
    // The success cleared gina's count: two more mistakes do not lock her.
    expect(await statuses(from, gina, 'wrong', 2)).toEqual([401, 401]);
    expect((await signIn(from, gina, 'demo')).status).toBe(200);
  });

  it('doubles the lock with each failure after one, up to the longest lock', async () => {
    const from = '127.0.0.3';
    expect(await statuses(from, sue, 'wrong', 3)).toEqual([401, 401, 401]);
    const waits = [];
    for (const _ of [1, 2, 3]) {
      const locked = await signIn(from, sue, 'demo');
      expect(locked.status).toBe(429);
      const wait = Number(locked.headers['retry-after']);
      waits.push(wait);
      advance(wait);
      expect((await signIn(from, sue, 'wrong')).status).toBe(401);
    }
    expectLocked(await signIn(from, sue, 'demo'), 300);
    expect(waits).toEqual([60, 120, 240]);
  });

  it('locks an unknown username exactly as a real one, so a lock reveals nothing', async () => {
    const from = '127.0.0.4';
    expect(await statuses(from, 'nobody-here', 'wrong', 3)).toEqual([401, 401, 401]);
    expect(await statuses(from, otto, 'wrong', 3)).toEqual([401, 401, 401]);
    const unknown = await signIn(from, 'nobody-here', 'demo');
    const known = await signIn(from, otto, 'demo');
    expect(expectLocked(unknown, 60)).toEqual(expectLocked(known, 60));
  });

  it('locks an address after eight failures across usernames, for its window only, and not other addresses', async () => {
    const from = '127.0.0.5';
    for (let i = 1; i <= 8; i += 1) expect((await signIn(from, `guess-${i}`, 'wrong')).status).toBe(401);
    const locked = await signIn(from, bob, 'demo');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBe(600);
    expect((await signIn('127.0.0.6', bob, 'demo')).status).toBe(200);
    advance(600);
    expect((await signIn(from, bob, 'demo')).status).toBe(200);
  });

  it('keeps the counts in the database: two server processes share one lock', async () => {
    const from = '127.0.0.8';
    // For PostgreSQL a second process has a connection pool of its own; PGlite lives in one process.
    const secondDb = kind === 'postgres' ? openDatabase(database.target) : db;
    const second = await startSignInServer(secondDb, { limits: LIMITS, now: () => clock });
    try {
      expect((await signIn(from, bob, 'wrong', app)).status).toBe(401);
      expect((await signIn(from, bob, 'wrong', second)).status).toBe(401);
      expect((await signIn(from, bob, 'wrong', app)).status).toBe(401);
      expectLocked(await signIn(from, bob, 'demo', second), 60);
      expectLocked(await signIn(from, bob, 'demo', app), 60);
    } finally {
      await second.close();
      if (secondDb !== db) await secondDb.destroy();
    }
  });

  it('checks no more than three passwords when twenty guesses arrive at once', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn('127.0.0.9', 'racer', `guess-${i}`)));
    const counted = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    expect(counted).toEqual({ 401: 3, 429: 17 });
  });

  it('records every attempt, which administrators read newest first, filtered and paged', async () => {
    const from = '127.0.0.7';
    await db('users').where({ username: sven }).update({ disabled: true });
    expect(await statuses(from, alice, 'wrong', 3)).toEqual([401, 401, 401]);
    expect((await signIn(from, alice, 'demo')).status).toBe(429);
    advance(60);
    expect((await signIn(from, alice, 'demo')).status).toBe(200);
    expect((await signIn(from, sven, 'demo')).status).toBe(401);
    expect((await signIn(from, 'ghost', 'boo')).status).toBe(401);

    const admin = await signIn(from, adam, 'demo');
    const token = (admin.body as { accessToken: string }).accessToken;
    const read = (query: string, as = token) => requestFrom(from, app.baseUrl, 'GET', `/users/sign-ins${query}`, { token: as });
    const ids = Object.fromEntries((await db('users').select<{ id: string; username: string }[]>('id', 'username')).map((u) => [u.username, u.id]));

    const aliceRows = await read(`?username=${alice}`);
    expect(aliceRows.status).toBe(200);
    const page = aliceRows.body as { items: { username: string; userId: string | null; remoteAddress: string; outcome: string; at: string }[]; total: number };
    expect(page.total).toBe(5);
    expect(page.items.map((r) => r.outcome)).toEqual(['succeeded', 'locked', 'wrong_credentials', 'wrong_credentials', 'wrong_credentials']);
    for (const row of page.items) expect(row).toMatchObject({ username: alice, userId: ids[alice], remoteAddress: from });
    expect(new Date(page.items[0]!.at).getTime() - new Date(page.items[1]!.at).getTime()).toBe(60_000);

    expect((await read('?username=ghost')).body).toMatchObject({ total: 1, items: [{ username: 'ghost', userId: null, outcome: 'wrong_credentials' }] });
    expect((await read('?outcome=disabled')).body).toMatchObject({ total: 1, items: [{ username: sven, userId: ids[sven], outcome: 'disabled' }] });
    const paged = (await read(`?username=${alice}&limit=2&offset=2`)).body as typeof page;
    expect(paged.items.map((r) => r.outcome)).toEqual(['wrong_credentials', 'wrong_credentials']);
    expect(paged).toMatchObject({ total: 5, limit: 2, offset: 2 });

    const bad = await read('?outcome=maybe');
    expect(bad.status).toBe(422);
    expect((bad.body as ProblemBody).detail).toMatch(/^outcome:/);
    const agentToken = ((await signIn(from, sam, 'demo')).body as { accessToken: string }).accessToken;
    expect((await read('', agentToken)).status).toBe(403);
    expect((await requestFrom(from, app.baseUrl, 'GET', '/users/sign-ins')).status).toBe(401);
  });
});
