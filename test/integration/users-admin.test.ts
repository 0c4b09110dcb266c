import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { verifyPassword } from '../../db/password-hash';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';
import { startApp, type RunningApp } from '../support/http-app';
import { requestFrom, startSignInServer, type HttpAnswer, type SignInServer } from '../support/sign-in-server';
import { startLocalTemporal } from '../support/temporal';

const { admin: adam, goldAgent: gina, standardAgent: sam, supervisor: sue, operator: otto, goldCustomer: alice } = DEMO.usernames;
const LIMITS = { accountMaxFailures: 5, lockSeconds: 60, lockMaxSeconds: 900, addressMaxFailures: 30, addressWindowSeconds: 900 };
const FROM = '127.0.0.1';

interface ProblemBody {
  type: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
  context?: unknown;
}

interface UserBody {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: string;
  disabled: boolean;
  contactId: string | null;
  hasPassword: boolean;
}

function expectProblem(answer: HttpAnswer, status: number, field?: string): ProblemBody {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  const problem = answer.body as ProblemBody;
  if (field) expect(problem.detail.startsWith(`${field}:`), problem.detail).toBe(true);
  return problem;
}

describe.each(databaseKinds)('user administration over HTTP on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  let app: SignInServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.db;
    await migrateToLatest(db);
    await seedDemoData(db);
    app = await startSignInServer(db, { limits: LIMITS, now: () => new Date() });
    for (const username of [adam, gina, sam, sue, otto, alice]) tokens[username] = await signInToken(username, 'demo');
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  async function signInToken(username: string, password: string): Promise<string> {
    const answer = await requestFrom(FROM, app.baseUrl, 'POST', '/auth/token', { body: { username, password } });
    if (answer.status !== 200) throw new Error(`sign-in ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return (answer.body as { accessToken: string }).accessToken;
  }

  const as = (username: string, method: string, path: string, body?: unknown) => requestFrom(FROM, app.baseUrl, method, path, { token: tokens[username]!, ...(body === undefined ? {} : { body }) });
  const idOf = async (username: string) => (await db('users').where({ username }).first<{ id: string }>('id')).id;
  const newStaff = (overrides: Record<string, unknown> = {}) => ({ username: 'nina', displayName: 'Nina New', email: 'Nina@Example.com', role: 'agent', password: 'a-long-initial-password', ...overrides });

  it('lets only administrators in: every other role gets 403, no token 401', async () => {
    const ginaId = await idOf(gina);
    for (const username of [gina, sue, otto, alice]) {
      for (const [method, path, body] of [
        ['GET', '/users'],
        ['GET', `/users/${ginaId}`],
        ['GET', '/users/sign-ins'],
        ['POST', '/users', newStaff({ username: `by-${username}`, email: `by-${username}@example.com` })],
        ['PATCH', `/users/${ginaId}`, { disabled: true }],
      ] as const) {
        const answer = await as(username, method, path, body);
        expect({ username, method, path, status: answer.status }).toEqual({ username, method, path, status: 403 });
      }
    }
    expect((await requestFrom(FROM, app.baseUrl, 'GET', '/users')).status).toBe(401);
    expect(Number((await db('users').where('username', 'like', 'by-%').count<{ count: string }[]>({ count: '*' }))[0]!.count)).toBe(0);
    expect((await db('users').where({ username: gina }).first<{ disabled: boolean }>('disabled')).disabled).toBe(false);
  });

  it('lists users by username, filtered by role, disabled and words, paged, never with a password hash', async () => {
    const all = (await as(adam, 'GET', '/users')).body as { items: UserBody[]; total: number };
    expect(all.total).toBe(Object.keys(DEMO.usernames).length);
    expect(all.items.map((u) => u.username)).toEqual(Object.values(DEMO.usernames).sort());
    expect(JSON.stringify(all)).not.toMatch(/scrypt|password_?hash/i);
    const aliceUser = all.items.find((u) => u.username === alice);
    expect(aliceUser).toMatchObject({ role: 'customer', hasPassword: true, disabled: false });
    expect(aliceUser?.contactId).toMatch(/^[0-9a-f-]{36}$/);

    const agents = (await as(adam, 'GET', '/users?role=agent')).body as { items: UserBody[] };
    expect(agents.items.map((u) => u.username)).toEqual([gina, sam]);
    const words = (await as(adam, 'GET', '/users?q=gina%20AGENT')).body as { items: UserBody[] };
    expect(words.items.map((u) => u.username)).toEqual([gina]);
    const page = (await as(adam, 'GET', '/users?limit=2&offset=1')).body as { items: UserBody[]; total: number; limit: number; offset: number };
    expect(page).toMatchObject({ total: all.total, limit: 2, offset: 1 });
    expect(page.items.map((u) => u.username)).toEqual(all.items.slice(1, 3).map((u) => u.username));
    expect(((await as(adam, 'GET', '/users?disabled=true')).body as { total: number }).total).toBe(0);

    expectProblem(await as(adam, 'GET', '/users?role=wizard'), 422, 'role');
    expectProblem(await as(adam, 'GET', '/users?disabled=maybe'), 422, 'disabled');
    expectProblem(await as(adam, 'GET', '/users?limit=0'), 422, 'limit');
    expectProblem(await as(adam, 'GET', '/users?sort=name'), 422, 'sort');
  });

  it('shows one user, 404 for an unknown id and 422 for one that is not a UUID', async () => {
    const ginaId = await idOf(gina);
    expect((await as(adam, 'GET', `/users/${ginaId}`)).body).toMatchObject({ id: ginaId, username: gina, displayName: 'Gina Agent', role: 'agent', contactId: null });
    expectProblem(await as(adam, 'GET', '/users/00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(await as(adam, 'GET', '/users/gina'), 422, 'userId');
  });

  it('creates a staff user who signs in with the initial password, stored only as a hash', async () => {
    const created = await as(adam, 'POST', '/users', newStaff());
    expect(created.status).toBe(201);
    const user = created.body as UserBody;
    expect(user).toMatchObject({ username: 'nina', displayName: 'Nina New', email: 'nina@example.com', role: 'agent', disabled: false, contactId: null, hasPassword: true });
    expect(created.headers.location).toBe(`/users/${user.id}`);
    const row = await db('users').where({ id: user.id }).first<{ password_hash: string }>('password_hash');
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('a-long-initial-password', row.password_hash)).toBe(true);
    const token = await signInToken('nina', 'a-long-initial-password');
    const me = await requestFrom(FROM, app.baseUrl, 'GET', '/auth/me', { token });
    expect(me.body).toMatchObject({ userId: user.id, role: 'agent' });
  });

  it('refuses a taken username, email or contact with 409 naming the field, and creates nothing', async () => {
    const before = await db('users').count<{ count: string }[]>({ count: '*' });
    const username = expectProblem(await as(adam, 'POST', '/users', newStaff({ username: gina, email: 'fresh@example.com' })), 409, 'username');
    expect(username.context).toEqual({ field: 'username' });
    const ginaEmail = (await db('users').where({ username: gina }).first<{ email: string }>('email')).email;
    // Compared in any letter case.
    const email = expectProblem(await as(adam, 'POST', '/users', newStaff({ username: 'fresh', email: ginaEmail.toUpperCase() })), 409, 'email');
    expect(email.context).toEqual({ field: 'email' });
    const aliceContact = (await db('users').where({ username: alice }).first<{ contact_id: string }>('contact_id')).contact_id;
    const contact = expectProblem(await as(adam, 'POST', '/users', newStaff({ username: 'alice2', email: 'alice2@example.com', role: 'customer', contactId: aliceContact })), 409, 'contactId');
    expect(contact.context).toEqual({ field: 'contactId' });
    expect(await db('users').count<{ count: string }[]>({ count: '*' })).toEqual(before);
  });

  it('creates the customer user of a contact that has none, and keeps staff out of contacts', async () => {
    const [contact] = await db('contacts').insert({ first_name: 'Carla', last_name: 'Contact', email: 'carla@example.com' }).returning<{ id: string }[]>('id');
    expectProblem(await as(adam, 'POST', '/users', newStaff({ username: 'carla', email: 'carla@example.com', role: 'customer' })), 422, 'contactId');
    expectProblem(await as(adam, 'POST', '/users', newStaff({ username: 'carla', email: 'carla@example.com', role: 'customer', contactId: '00000000-0000-4000-8000-000000000000' })), 422, 'contactId');
    expectProblem(await as(adam, 'POST', '/users', newStaff({ username: 'carla', email: 'carla@example.com', contactId: contact!.id })), 422, 'contactId');
    const created = await as(adam, 'POST', '/users', newStaff({ username: 'carla', displayName: 'Carla Contact', email: 'carla@example.com', role: 'customer', contactId: contact!.id }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'carla', role: 'customer', contactId: contact!.id });
    const me = await requestFrom(FROM, app.baseUrl, 'GET', '/auth/me', { token: await signInToken('carla', 'a-long-initial-password') });
    expect(me.body).toMatchObject({ role: 'customer', contactId: contact!.id });
  });

  it('names the field of every bad body with 422', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [newStaff({ password: 'too-short' }), 'password'],
      [newStaff({ username: 'two words' }), 'username'],
      [newStaff({ username: '' }), 'username'],
      [newStaff({ email: 'not-an-address' }), 'email'],
      [newStaff({ role: 'wizard' }), 'role'],
      [newStaff({ displayName: undefined }), 'displayName'],
      [newStaff({ disabled: true }), 'disabled'],
    ];
    for (const [body, field] of cases) expectProblem(await as(adam, 'POST', '/users', body), 422, field);
    const ginaId = await idOf(gina);
    expectProblem(await as(adam, 'PATCH', `/users/${ginaId}`, {}), 422, 'disabled');
    expectProblem(await as(adam, 'PATCH', `/users/${ginaId}`, { disabled: 'yes' }), 422, 'disabled');
    expectProblem(await as(adam, 'PATCH', `/users/${ginaId}`, { password: 'a-long-new-password' }), 422, 'password');
    expectProblem(await as(adam, 'PATCH', '/users/00000000-0000-4000-8000-000000000000', { disabled: true }), 404);
  });

  it('changes a role and a display name; a customer stays a customer and staff never become one', async () => {
    const samId = await idOf(sam);
    expect((await as(adam, 'PATCH', `/users/${samId}`, { role: 'supervisor', displayName: 'Samuel Agent' })).body).toMatchObject({ role: 'supervisor', displayName: 'Samuel Agent' });
    // The role counts on the next request, with the token sam already holds.
    expect((await as(sam, 'GET', '/auth/me')).body).toMatchObject({ role: 'supervisor', displayName: 'Samuel Agent' });
    expect((await as(adam, 'PATCH', `/users/${samId}`, { role: 'agent', displayName: 'Sam Agent' })).status).toBe(200);
    expectProblem(await as(adam, 'PATCH', `/users/${samId}`, { role: 'customer' }), 422, 'role');
    expectProblem(await as(adam, 'PATCH', `/users/${await idOf(alice)}`, { role: 'agent' }), 409, 'role');
  });

  it('does not let an administrator disable themself or give up their own admin role', async () => {
    const adamId = await idOf(adam);
    expectProblem(await as(adam, 'PATCH', `/users/${adamId}`, { disabled: true }), 422, 'disabled');
    expectProblem(await as(adam, 'PATCH', `/users/${adamId}`, { role: 'supervisor' }), 422, 'role');
    expect(await db('users').where({ id: adamId }).first('role', 'disabled')).toEqual({ role: 'admin', disabled: false });
    expect((await as(adam, 'PATCH', `/users/${adamId}`, { displayName: 'Adam Administrator', role: 'admin', disabled: false })).status).toBe(200);
  });

  it('refuses a disabled user at once, token and sign-in alike, and lets them back in when re-enabled', async () => {
    const ginaId = await idOf(gina);
    expect((await as(gina, 'GET', '/auth/me')).status).toBe(200);
    expect((await as(adam, 'PATCH', `/users/${ginaId}`, { disabled: true })).body).toMatchObject({ disabled: true });
    expectProblem(await as(gina, 'GET', '/auth/me'), 401);
    expectProblem(await requestFrom(FROM, app.baseUrl, 'POST', '/auth/token', { body: { username: gina, password: 'demo' } }), 401);
    expect(((await as(adam, 'GET', '/users?disabled=true')).body as { items: UserBody[] }).items.map((u) => u.username)).toEqual([gina]);
    expect((await as(adam, 'PATCH', `/users/${ginaId}`, { disabled: false })).body).toMatchObject({ disabled: false });
    expect((await as(gina, 'GET', '/auth/me')).status).toBe(200);
    expect(await signInToken(gina, 'demo')).toEqual(expect.any(String));
  });
});

describe('users and sign-in in the whole app (PostgreSQL, Temporal)', () => {
  let temporal: TestWorkflowEnvironment;
  let app: RunningApp;

  beforeAll(async () => {
    const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
    temporal = env;
    app = await startApp(temporal, 'postgres', bundle);
  });

  afterAll(async () => {
    await app?.stop();
    await temporal?.teardown();
  });

  it('refuses gina at once when an administrator disables her, on GET /cases and at sign-in, until she is re-enabled', async () => {
    const [adminToken, ginaToken] = [await app.login(adam), await app.login(gina)];
    expect((await app.request('GET', '/cases', { token: ginaToken })).status).toBe(200);
    const list = await app.request('GET', `/users?q=${gina}`, { token: adminToken });
    const ginaId = ((await list.json()) as { items: { id: string }[] }).items[0]!.id;
    expect((await app.request('GET', '/users', { token: ginaToken })).status).toBe(403);

    expect((await app.request('PATCH', `/users/${ginaId}`, { token: adminToken, body: { disabled: true } })).status).toBe(200);
    const refused = await app.request('GET', '/cases', { token: ginaToken });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await app.request('POST', '/auth/token', { body: { username: gina, password: 'demo' } })).status).toBe(401);

    expect((await app.request('PATCH', `/users/${ginaId}`, { token: adminToken, body: { disabled: false } })).status).toBe(200);
    expect((await app.request('GET', '/cases', { token: ginaToken })).status).toBe(200);
    expect((await app.request('GET', '/cases', { token: await app.login(gina) })).status).toBe(200);

    // Every attempt is on record, the refusal as "disabled".
    const record = await app.request('GET', `/users/sign-ins?username=${gina}`, { token: adminToken });
    expect(((await record.json()) as { items: { outcome: string }[] }).items.map((r) => r.outcome)).toEqual(['succeeded', 'disabled', 'succeeded']);
  });

  it('locks a name after five wrong passwords, as wired for every process', async () => {
    for (let i = 0; i < 5; i += 1) expect((await app.request('POST', '/auth/token', { body: { username: otto, password: 'wrong' } })).status).toBe(401);
    const locked = await app.request('POST', '/auth/token', { body: { username: otto, password: 'demo' } });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^(59|60)$/);
    expect(await app.database.db('sign_in_throttles').where({ scope: 'account', key: otto }).first('failures')).toEqual({ failures: 5 });
  });

  it('describes the user routes in the OpenAPI document, tagged Users, with their refusals', async () => {
    const response = await app.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    const paths = ((await response.json()) as { paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown>; parameters: { name: string }[] }>> }).paths;
    const operations = [paths['/users']?.get, paths['/users']?.post, paths['/users/{userId}']?.get, paths['/users/{userId}']?.patch, paths['/users/sign-ins']?.get];
    for (const operation of operations) {
      expect(operation?.tags).toEqual(['Users']);
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['403', '422']));
    }
    expect(Object.keys(paths['/users']!.post!.responses)).toContain('409');
    expect(paths['/users']!.get!.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['role', 'disabled', 'q', 'limit', 'offset']));
    expect(paths['/users/sign-ins']!.get!.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['username', 'outcome', 'limit', 'offset']));
  });
});
