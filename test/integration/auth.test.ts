import pino from 'pino';
import type { Next, Request as RestifyRequest, Response as RestifyResponse, Server } from 'restify';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorWithRole } from '../../api/auth-context';
import { createAuthenticator, createRateLimiter, registerAuthRoutes } from '../../api/auth';
import { createApiServer, type RouteRegistrar } from '../../api/server';
import { close, listen } from '../../app/process/network';
import type { Database } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { createSignInAuditRepository } from '../../db/repositories/sign-in-audit.repository';
import { createSignInThrottleRepository } from '../../db/repositories/sign-in-throttle.repository';
import { createUserRepository } from '../../db/repositories/user.repository';
import { DEMO, seedDemoData, type DemoSummary } from '../../db/seeds/demo';
import { createAuthService, TOKEN_AUDIENCE, TOKEN_ISSUER, type AuthService } from '../../services/auth.service';
import { UnauthorizedError } from '../../services/errors';
import { createSignInGuard } from '../../services/sign-in-guard';
import { hashPassword, UNUSABLE_PASSWORD_HASH, verifyPassword } from '../../db/password-hash';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';

const SECRET = 'auth-test-secret-of-at-least-32-characters';
const { goldAgent, standardAgent, goldCustomer, supervisor, operator } = DEMO.usernames;

/** Where the service-level sign-ins come from. */
const HERE = { remoteAddress: '127.0.0.1' };
const SIGN_IN_LIMITS = { accountMaxFailures: 5, lockSeconds: 60, lockMaxSeconds: 900, addressMaxFailures: 30, addressWindowSeconds: 900 };

function authServiceFor(db: Database, jwtSecret = SECRET): AuthService {
  return createAuthService({
    users: createUserRepository(db),
    signIns: createSignInGuard({ throttles: createSignInThrottleRepository(db), limits: SIGN_IN_LIMITS }),
    audit: createSignInAuditRepository(db),
    jwtSecret,
    tokenTtlMinutes: 60,
  });
}

async function userId(db: Database, username: string): Promise<string> {
  const row = await db('users').where({ username }).first<{ id: string }>('id');
  return row.id;
}

/** A token with our claims, signed as the caller likes (another key, another time, another algorithm). */
function craftToken(sub: string, options: { secret?: string; issuedAt?: number; expiresAt?: number; alg?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'agent' })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(sub)
    .setIssuedAt(options.issuedAt ?? now)
    .setExpirationTime(options.expiresAt ?? now + 600)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe('password hashing', () => {
  it('verifies the password it hashed, with a fresh salt each time', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');
    expect(first).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct horse!', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('refuses malformed or unusable hashes without throwing', async () => {
    for (const stored of ['', 'plain', 'scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'bcrypt$x']) {
      expect(await verifyPassword('demo', stored)).toBe(false);
    }
    expect(await verifyPassword('', UNUSABLE_PASSWORD_HASH)).toBe(false);
  });
});

describe.each(databaseKinds)('auth service on %s', (kind) => {
  let database: TestDatabase;
  let db: Database;
  let auth: AuthService;
  let seeded: DemoSummary;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    db = database.db;
    await migrateToLatest(db);
    seeded = await seedDemoData(db);
    auth = authServiceFor(db);
  });

  afterAll(async () => {
    await database?.close();
  });

  /** The names of the queues the actor works, sorted. */
  async function queueNames(queueIds: readonly string[]): Promise<string[]> {
    return db('queues').whereIn('id', [...queueIds]).orderBy('name').pluck<string[]>('name');
  }

  it('signs every demo user in with the demo password, with their role and the queues the seed gives them', async () => {
    const { goldQueueName: gold, standardQueueName: standard } = DEMO;
    const expectedQueues: Record<string, string[]> = {
      [goldAgent]: [gold, standard],
      [standardAgent]: [standard],
      [supervisor]: [gold, standard],
    };
    expect(seeded.users.map((u) => u.username).sort()).toEqual(Object.values(DEMO.usernames).sort());
    // One row per user, so a failure names every user who cannot sign in or sits in the wrong queues.
    const signedIn = [];
    for (const { username } of seeded.users) {
      const issued = await auth.issueToken(username, 'demo', HERE).catch(() => undefined);
      const actor = issued ? await auth.verify(issued.accessToken) : undefined;
      signedIn.push(issued && actor ? { username, role: issued.user.role, displayName: issued.user.displayName, queues: await queueNames(actor.queueIds) } : { username, refused: true });
    }
    expect(signedIn).toEqual(seeded.users.map(({ username, role, displayName }) => ({ username, role, displayName, queues: expectedQueues[username] ?? [] })));
  });

  it('gives every demo user the demo password once, and never resets it', async () => {
    const hashes = async () => db('users').orderBy('username').select<{ username: string; password_hash: string | null }[]>('username', 'password_hash');
    const before = await hashes();
    expect(before.map((u) => u.username)).toEqual(expect.arrayContaining(Object.values(DEMO.usernames)));
    for (const { password_hash } of before) expect(password_hash).toMatch(/^scrypt\$/);
    for (const { username, password_hash } of before) expect({ username, demo: await verifyPassword('demo', password_hash ?? '') }).toEqual({ username, demo: true });
    await seedDemoData(db, { demoPassword: 'another-password' });
    expect(await hashes()).toEqual(before);
  });

  it('seeds a configured demo password for users that have none', async () => {
    await db('users').where({ username: operator }).update({ password_hash: null });
    await seedDemoData(db, { demoPassword: 'operator-secret' });
    await expect(auth.issueToken(operator, 'operator-secret', HERE)).resolves.toMatchObject({ user: { username: operator, role: 'operator' } });
    await expect(auth.issueToken(operator, 'demo', HERE)).rejects.toThrow(UnauthorizedError);
  });

  it('issues a bearer token for the right password, which verifies to the Actor', async () => {
    const issued = await auth.issueToken(goldAgent, 'demo', HERE);
    expect(issued).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { username: goldAgent, role: 'agent', displayName: 'Gina Agent' } });
    expect(issued.user.id).toBe(await userId(db, goldAgent));
    const actor = await auth.verify(issued.accessToken);
    expect(actor).toMatchObject({ userId: issued.user.id, role: 'agent', displayName: 'Gina Agent' });
    expect(await queueNames(actor.queueIds)).toEqual([DEMO.goldQueueName, DEMO.standardQueueName]);
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await auth.issueToken(goldAgent, 'not-the-password', HERE).catch((e: unknown) => e);
    const unknown = await auth.issueToken('nobody', 'demo', HERE).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect(unknown).toBeInstanceOf(UnauthorizedError);
    expect((wrong as Error).message).toBe((unknown as Error).message);
  });

  it('refuses forged, expired, unsigned and garbage tokens', async () => {
    const id = await userId(db, goldAgent);
    const now = Math.floor(Date.now() / 1000);
    await expect(auth.verify(await craftToken(id, { secret: 'some-other-secret-of-32-characters!!' }))).rejects.toThrow(/signature/);
    await expect(auth.verify(await craftToken(id, { issuedAt: now - 7200, expiresAt: now - 3600 }))).rejects.toThrow(/expired/);
    await expect(auth.verify(await craftToken(id, { alg: 'HS512' }))).rejects.toThrow(/HS256/);
    const unsigned = new UnsecuredJWT({ role: 'admin' }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setSubject(id).setIssuedAt().setExpirationTime('1h').encode();
    await expect(auth.verify(unsigned)).rejects.toThrow(UnauthorizedError);
    await expect(auth.verify('garbage')).rejects.toThrow(/malformed/);
    await expect(auth.verify('')).rejects.toThrow(UnauthorizedError);
  });

  it('refuses a token for another audience or issuer', async () => {
    const id = await userId(db, goldAgent);
    const key = new TextEncoder().encode(SECRET);
    const otherAudience = await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(TOKEN_ISSUER).setAudience('another-api').setSubject(id).setIssuedAt().setExpirationTime('1h').sign(key);
    await expect(auth.verify(otherAudience)).rejects.toThrow(/"aud"/);
    const otherIssuer = await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer('someone-else').setAudience(TOKEN_AUDIENCE).setSubject(id).setIssuedAt().setExpirationTime('1h').sign(key);
    await expect(auth.verify(otherIssuer)).rejects.toThrow(/"iss"/);
    const noSubject = await new SignJWT({ role: 'agent' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setIssuedAt().setExpirationTime('1h').sign(key);
    await expect(auth.verify(noSubject)).rejects.toThrow(UnauthorizedError);
    await expect(auth.verify(await craftToken('not-a-uuid'))).rejects.toThrow(/claims/);
  });

  it('takes a role change and a disabled account into account at once', async () => {
    const issued = await auth.issueToken(standardAgent, 'demo', HERE);
    await db('users').where({ username: standardAgent }).update({ role: 'supervisor' });
    expect((await auth.verify(issued.accessToken)).role).toBe('supervisor');
    await db('users').where({ username: standardAgent }).update({ role: 'agent', disabled: true });
    await expect(auth.verify(issued.accessToken)).rejects.toThrow(/disabled/);
    const refused = await auth.issueToken(standardAgent, 'demo', HERE).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnauthorizedError);
    expect((refused as Error).message).toBe('wrong username or password');
    await db('users').where({ username: standardAgent }).update({ disabled: false });
  });
});

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
}

describe('bearer-token authentication over HTTP (pglite)', () => {
  let database: TestDatabase;
  let db: Database;
  let server: Server;
  let baseUrl: string;

  /** A route for the role check only: agents and supervisors. */
  const agentsOnly: RouteRegistrar = (s) => {
    s.get('/test/agents-only', (req: RestifyRequest, res: RestifyResponse, next: Next) => {
      try {
        const actor = actorWithRole(req, ['agent', 'supervisor']);
        res.send(200, { userId: actor.userId, role: actor.role });
        next();
      } catch (err) {
        next(err);
      }
    });
  };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    db = database.db;
    await migrateToLatest(db);
    await seedDemoData(db);
    const auth = authServiceFor(db);
    server = createApiServer({
      logger: pino({ level: 'silent' }),
      health: {} as never,
      authenticate: createAuthenticator(auth),
      routes: [(s) => registerAuthRoutes(s, auth), agentsOnly],
    });
    await listen(server, '127.0.0.1', 0);
    baseUrl = `http://127.0.0.1:${server.address().port}`;
  });

  afterAll(async () => {
    if (server) await close(server);
    await database?.close();
  });

  function requestToken(body: unknown): Promise<Response> {
    return fetch(`${baseUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async function tokenFor(username: string): Promise<string> {
    const response = await requestToken({ username, password: 'demo' });
    expect(response.status).toBe(200);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  function get(path: string, authorization?: string): Promise<Response> {
    return fetch(`${baseUrl}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  }

  async function expectUnauthorized(response: Response, detail?: RegExp): Promise<ProblemBody> {
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as ProblemBody;
    expect(body).toMatchObject({ status: 401, type: 'https://caseflow.dev/problems/unauthorized' });
    if (detail) expect(body.detail).toMatch(detail);
    return body;
  }

  it('issues a token for the demo password that works on GET /auth/me', async () => {
    const response = (await requestToken({ username: goldAgent, password: 'demo' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { accessToken: string; tokenType: string; expiresIn: number; user: { username: string; role: string } };
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user: { username: goldAgent, role: 'agent', displayName: 'Gina Agent' } });
    const me = await get('/auth/me', `Bearer ${body.accessToken}`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userId: await userId(db, goldAgent), role: 'agent', displayName: 'Gina Agent' });
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = (await requestToken({ username: goldAgent, password: 'wrong' }));
    const unknown = (await requestToken({ username: 'nobody', password: 'demo' }));
    const wrongBody = await expectUnauthorized(wrong, /wrong username or password/);
    expect(await expectUnauthorized(unknown)).toEqual(wrongBody);
  });

  it('names the missing field with 422', async () => {
    for (const [body, field] of [[{ username: goldAgent }, 'password'], [{ password: 'demo' }, 'username'], [{ username: '', password: 'demo' }, 'username'], [{ username: goldAgent, password: 42 }, 'password']] as const) {
      const response = (await requestToken(body));
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as ProblemBody;
      expect(problem.detail.startsWith(`${field}:`)).toBe(true);
      expect(problem.errors?.[0]?.pointer).toBe(`/body/${field}`);
    }
  });

  it('answers GET /auth/me without a token with 401', async () => {
    const response = await get('/auth/me');
    await expectUnauthorized(response, /Bearer/);
  });

  it('refuses forged, expired, unsigned and garbage tokens with 401', async () => {
    const id = await userId(db, goldAgent);
    const now = Math.floor(Date.now() / 1000);
    const forged = await craftToken(id, { secret: 'some-other-secret-of-32-characters!!' });
    const response = await get('/auth/me', `Bearer ${forged}`);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    await expectUnauthorized(response, /signature/);
    await expectUnauthorized(await get('/auth/me', `Bearer ${await craftToken(id, { issuedAt: now - 7200, expiresAt: now - 60 })}`), /expired/);
    const unsigned = new UnsecuredJWT({ role: 'admin' }).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setSubject(id).setIssuedAt().setExpirationTime('1h').encode();
    await expectUnauthorized(await get('/auth/me', `Bearer ${unsigned}`));
    await expectUnauthorized(await get('/auth/me', 'Bearer not.a.token'), /malformed/);
    await expectUnauthorized(await get('/auth/me', 'Bearer'), /Authorization header/);
    await expectUnauthorized(await get('/auth/me', 'Basic Z2luYTpkZW1v'), /Authorization header/);
    // A bad token is refused even where no sign-in is needed: the caller sent credentials that do not hold.
    await expectUnauthorized(await get('/health', 'Bearer garbage'));
  });

  it('refuses the token of a user disabled after it was issued', async () => {
    const token = await tokenFor(supervisor);
    expect((await get('/auth/me', `Bearer ${token}`)).status).toBe(200);
    await db('users').where({ username: supervisor }).update({ disabled: true });
    try {
      await expectUnauthorized(await get('/auth/me', `Bearer ${token}`), /disabled/);
      await expectUnauthorized((await requestToken({ username: supervisor, password: 'demo' })), /wrong username or password/);
    } finally {
      await db('users').where({ username: supervisor }).update({ disabled: false });
    }
  });

  it('lets a route demand roles: 403 naming them, 401 without a token', async () => {
    const agent = await get('/test/agents-only', `Bearer ${await tokenFor(goldAgent)}`);
    expect(agent.status).toBe(200);
    expect(await agent.json()).toMatchObject({ role: 'agent' });
    const customer = await get('/test/agents-only', `Bearer ${await tokenFor(goldCustomer)}`);
    expect(customer.status).toBe(403);
    expect(customer.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await customer.json()) as ProblemBody;
    expect(problem).toMatchObject({ status: 403, type: 'https://caseflow.dev/problems/forbidden' });
    expect(problem.detail).toContain('agent or supervisor');
    expect(problem.detail).toContain('customer');
    await expectUnauthorized(await get('/test/agents-only'));
  });
});

describe('rate limiting (pglite)', () => {
  let database: TestDatabase;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    await migrateToLatest(database.db);
    await seedDemoData(database.db);
    const auth = authServiceFor(database.db);
    server = createApiServer({
      logger: pino({ level: 'silent' }),
      health: {} as never,
      authenticate: createAuthenticator(auth),
      rateLimit: createRateLimiter({ burst: 2, rate: 0.001 }),
      routes: [(s) => registerAuthRoutes(s, auth)],
    });
    await listen(server, '127.0.0.1', 0);
    baseUrl = `http://127.0.0.1:${server.address().port}`;
  });

  afterAll(async () => {
    if (server) await close(server);
    await database?.close();
  });

  it('gives each signed-in user a bucket of their own and anonymous callers one per IP, answering 429', async () => {
    const token = async (username: string): Promise<string> => {
      const response = await fetch(`${baseUrl}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
      expect(response.status).toBe(200);
      return ((await response.json()) as { accessToken: string }).accessToken;
    };
    // Two anonymous requests (a sign-in, then one without a token) empty this IP's bucket.
    const gina = await token(goldAgent);
    expect((await fetch(`${baseUrl}/auth/me`)).status).toBe(401);
    const anonymous = await fetch(`${baseUrl}/auth/me`);
    expect(anonymous.status).toBe(429);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect(await anonymous.json()).toMatchObject({ status: 429, type: 'https://caseflow.dev/problems/too-many-requests' });
    // Gina's own bucket is full.
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await fetch(`${baseUrl}/auth/me`, { headers: { authorization: `Bearer ${gina}` } })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
