import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDeclaration } from '../../api/route';
import { DEMO } from '../../db/seeds/demo';
import { ROLES, type Role } from '../../domain/actor';
import { routeKey, servedRoutes } from '../support/api-routes';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * Every served route × every role (and nobody) × the caller's own row and another's, generated from
 * the route declarations the server registers (test/support/api-routes.ts). Expected:
 * - nobody: 401 unless the route is public;
 * - a role the route does not name: 403;
 * - a row the caller may not see (another customer's case or entitlement, a queue an agent is not a
 *   member of): 404, the same as a row that does not exist;
 * - otherwise: anything but 401, 403 and 404, and no 5xx (a 2xx, or 422 for a body that is
 *   deliberately invalid, so an allowed mutation changes nothing).
 * A route without an entry in EXPECTATIONS fails the first test, which names the line to add.
 */

/** The demo users the matrix signs in as: sven (Northwind, standard queue) and sam (standard queue only). */
const USERS: Readonly<Record<Role, string>> = { customer: 'sven', agent: 'sam', supervisor: 'sue', admin: 'adam', operator: 'otto' };
type Identity = Role | 'anonymous';
const IDENTITIES: readonly Identity[] = ['anonymous', ...ROLES];

/** Rows of the demo seed: the callers' own, and someone else's (Alice's, in the gold queue). */
interface Rows {
  readonly caseNumber: string;
  readonly contactId: string;
  readonly accountId: string;
  readonly entitlementId: string;
  readonly queueId: string;
}
interface Fixtures {
  readonly own: Rows;
  readonly foreign: Rows;
  readonly routingRuleId: string;
  /** A staff member (sam), for routes about users. */
  readonly userId: string;
}

/**
 * What rows a route reaches decides who sees only their own: customers their cases and customer
 * records, agents the cases and queues of their queues. Everyone else sees every row.
 */
type RowKind = 'case' | 'customer' | 'queue';
const ROW_SCOPED: Readonly<Record<RowKind, readonly Role[]>> = { case: ['customer', 'agent'], customer: ['customer'], queue: ['agent'] };

interface Request {
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

interface Expectation {
  /** The rows the route reaches; none: the same answer for every row. */
  readonly rows?: RowKind;
  /** The request for a row (own or foreign); a valid one for foreign rows, so a leak would act. */
  readonly request?: (rows: Rows, fixtures: Fixtures) => Request;
  /** For allowed callers on their own rows: a body the route refuses with 422, so nothing changes. */
  readonly ownBody?: unknown;
  /** The answer for a foreign row when it is not 404 (e.g. 403: a customer opening a case for someone else). */
  readonly foreign?: number;
}

const INVALID = { matrixProbe: 'not a field' };
const anyRow: Expectation = {};
const onCase = (extra: Record<string, string> = {}): Expectation => ({ rows: 'case', request: (r) => ({ params: { caseNumber: r.caseNumber, ...extra } }) });
/** A case action: a valid body on a foreign case (must be 404), an invalid one on the caller's own (422, nothing changes). */
const caseAction = (body: (f: Fixtures) => unknown, extra: Record<string, string> = {}): Expectation => ({
  rows: 'case',
  request: (r, f) => ({ params: { caseNumber: r.caseNumber, ...extra }, body: body(f) }),
  ownBody: INVALID,
});
const byId = (rows: RowKind, pick: (r: Rows) => string): Expectation => ({ rows, request: (r) => ({ params: { id: pick(r) } }) });
/** A mutation without row scoping: an empty body, refused with 422 for allowed callers. */
const invalidBody = (params: (f: Fixtures) => Record<string, string> = () => ({})): Expectation => ({ request: (_r, f) => ({ params: params(f), body: {} }) });
const reason = { reason: 'Matrix probe' };

/** One line per route: `'<METHOD> <path>': <expectation>`. */
const EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  'POST /auth/token': invalidBody(),
  'GET /auth/me': anyRow,
  'GET /health': anyRow,
  'GET /openapi.json': anyRow,
  'GET /docs': anyRow,
  'GET /docs/assets/{file}': { request: () => ({ params: { file: 'swagger-ui.css' } }) },
  'POST /cases': { rows: 'customer', request: (r) => ({ body: { title: 'Matrix probe', customer: { type: 'contact', id: r.contactId } } }), ownBody: {}, foreign: 403 },
  'GET /cases': anyRow,
  // An unknown field: allowed callers get 422, so the matrix takes no case.
  'POST /cases/take-next': { request: () => ({ body: INVALID }) },
  'GET /cases/{caseNumber}': onCase(),
  'GET /cases/{caseNumber}/state': onCase(),
  'GET /cases/{caseNumber}/activities': onCase(),
  'GET /cases/{caseNumber}/history': onCase(),
  'POST /cases/{caseNumber}/replay-check': onCase(),
  'GET /cases/{caseNumber}/sla': onCase(),
  'GET /cases/events': anyRow,
  'GET /cases/{caseNumber}/events': onCase(),
  'POST /cases/{caseNumber}/accept': caseAction(() => ({})),
  'POST /cases/{caseNumber}/dispatch': caseAction((f) => ({ queueId: f.own.queueId })),
  'POST /cases/{caseNumber}/reject': caseAction(() => reason),
  'POST /cases/{caseNumber}/transfer': caseAction((f) => ({ queueId: f.own.queueId })),
  'POST /cases/{caseNumber}/assign': caseAction(() => ({ userId: '00000000-0000-4000-8000-000000000000' })),
  'POST /cases/{caseNumber}/yank': caseAction(() => ({})),
  'POST /cases/{caseNumber}/hold': caseAction(() => reason),
  'POST /cases/{caseNumber}/resume': caseAction(() => ({})),
  'POST /cases/{caseNumber}/priority': caseAction(() => ({ priority: 'high' })),
  'POST /cases/{caseNumber}/details': caseAction(() => ({ subject: 'Matrix probe' })),
  'POST /cases/{caseNumber}/activities': caseAction(() => ({ type: 'note', subject: 'Matrix probe' })),
  'POST /cases/{caseNumber}/activities/{activityId}/complete': caseAction(() => ({}), { activityId: '00000000-0000-4000-8000-000000000000' }),
  'POST /cases/{caseNumber}/articles': caseAction(() => ({ articleId: '00000000-0000-4000-8000-000000000000' })),
  'POST /cases/{caseNumber}/knowledge-searches': caseAction(() => ({ query: 'printer' })),
  'POST /cases/{caseNumber}/replies': caseAction(() => ({ text: 'Matrix probe' })),
  'POST /cases/{caseNumber}/steps/{stepId}/complete': caseAction(() => ({}), { stepId: 'customer_confirmed' }),
  'POST /cases/{caseNumber}/stage/advance': caseAction(() => ({})),
  'POST /cases/{caseNumber}/resolve': caseAction(() => ({ resolutionText: 'Matrix probe', resolutionType: 'problem_solved' })),
  'POST /cases/{caseNumber}/cancel': caseAction(() => reason),
  'POST /cases/{caseNumber}/reopen': caseAction(() => reason),
  'POST /cases/{caseNumber}/notes': caseAction(() => ({ text: 'Matrix probe' })),
  'POST /cases/{caseNumber}/survey': caseAction(() => ({ rating: 5 })),
  'GET /knowledge/articles': { request: () => ({ query: { q: 'printer' } }) },
  'GET /knowledge/articles/{articleNumber}': { request: () => ({ params: { articleNumber: DEMO.firstArticleNumber } }) },
  'GET /operations/cases-needing-attention': anyRow,
  // An invalid case number: allowed callers get 422 at once (a real replay check is tested in replay-check.test.ts).
  'GET /operations/replay-check': { request: () => ({ query: { case: 'not-a-case' } }) },
  'GET /users': anyRow,
  // Public (the link's token is the credential): an empty answer is refused with 422 before any token is looked up.
  'POST /surveys/{token}': { request: () => ({ params: { token: 'matrix-probe-token' }, body: {} }) },
  'GET /users/sign-ins': anyRow,
  'GET /users/{userId}': { request: (_r, f) => ({ params: { userId: f.userId } }) },
  'POST /users': invalidBody(),
  'PATCH /users/{userId}': invalidBody((f) => ({ userId: f.userId })),
  'GET /contacts': anyRow,
  'GET /contacts/{id}': byId('customer', (r) => r.contactId),
  'GET /accounts/{id}': byId('customer', (r) => r.accountId),
  'GET /products': anyRow,
  'GET /entitlements': { rows: 'customer', request: (r) => ({ query: { customerId: r.accountId } }) },
  'GET /entitlements/{id}': byId('customer', (r) => r.entitlementId),
  'GET /entitlements/{id}/usages': byId('customer', (r) => r.entitlementId),
  'GET /queues': anyRow,
  'GET /queues/{id}/items': byId('queue', (r) => r.queueId),
  'GET /queues/{id}/members': byId('queue', (r) => r.queueId),
  'GET /sla-policies': anyRow,
  'GET /routing-rules': anyRow,
  'POST /routing-rules': invalidBody(),
  'PATCH /routing-rules/{id}': invalidBody((f) => ({ id: f.routingRuleId })),
  'GET /goals': anyRow,
};

const routes = servedRoutes();

function allows(route: RouteDeclaration, identity: Identity): boolean {
  if (route.roles === 'public') return true;
  if (identity === 'anonymous') return false;
  return route.roles === 'signed-in' || route.roles.includes(identity);
}

/** The answer the matrix expects: a status, or 'allowed' (not 401/403/404, not 5xx). */
function expected(route: RouteDeclaration, expectation: Expectation, identity: Identity, row: 'own' | 'foreign'): number | 'allowed' {
  if (identity === 'anonymous' && route.roles !== 'public') return 401;
  if (!allows(route, identity)) return 403;
  if (row === 'foreign') return expectation.foreign ?? 404;
  return 'allowed';
}

/** The foreign row is asked only where the role sees only its own rows. */
function rowsFor(expectation: Expectation, identity: Identity): ('own' | 'foreign')[] {
  const kind = expectation.rows;
  return kind && identity !== 'anonymous' && ROW_SCOPED[kind].includes(identity) ? ['own', 'foreign'] : ['own'];
}

describe('the authorization matrix', () => {
  it('has an expectation for every served route (and none for a route that is gone)', () => {
    const keys = routes.map(routeKey);
    const missing = keys.filter((key) => !(key in EXPECTATIONS));
    const stale = Object.keys(EXPECTATIONS).filter((key) => !keys.includes(key));
    const advice = missing.map((key) => `  '${key}': anyRow, // or onCase(), byId('customer', (r) => r.contactId), caseAction(…), invalidBody((f) => ({ id: f.userId }))`).join('\n');
    expect(missing, `add to EXPECTATIONS in test/integration/authorization-matrix.test.ts:\n${advice}`).toEqual([]);
    expect(stale, 'remove these entries from EXPECTATIONS: no such route is served').toEqual([]);
    expect(Object.keys(USERS).sort(), 'every role needs a demo user in USERS').toEqual([...ROLES].sort());
  });

  describe('over HTTP', () => {
    let temporal: TestWorkflowEnvironment;
    let app: RunningApp;
    let fixtures: Fixtures;
    const tokens = new Map<Identity, string>();
    const lastRequest = new Map<Identity, number>();

    beforeAll(async () => {
      const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
      temporal = env;
      app = await startApp(temporal, 'postgres', bundle);
      for (const role of ROLES) tokens.set(role, await app.login(USERS[role]));
      const open = async (username: string): Promise<string> => {
        const token = await app.login(username);
        const response = await app.request('POST', '/cases', { token, body: { title: `Matrix case of ${username}` } });
        const body = (await response.json()) as { caseNumber: string };
        // Recorded once the workflow's first activity has run.
        await eventually(() => app.request('GET', `/cases/${body.caseNumber}`, { token }).then((r) => r.status), (status) => status === 200);
        return body.caseNumber;
      };
      const db = app.database.db;
      const idOf = async (table: string, column: string, value: string) => (await db(table).where(column, value).first<{ id: string }>('id')).id;
      fixtures = {
        own: {
          caseNumber: await open('sven'),
          contactId: await idOf('contacts', 'email', DEMO.silverContactEmail),
          accountId: DEMO.silverAccountId,
          entitlementId: DEMO.silverEntitlementId,
          queueId: await idOf('queues', 'name', DEMO.standardQueueName),
        },
        foreign: {
          caseNumber: await open('alice'),
          contactId: await idOf('contacts', 'email', DEMO.goldContactEmail),
          accountId: DEMO.goldAccountId,
          entitlementId: DEMO.goldEntitlementId,
          queueId: await idOf('queues', 'name', DEMO.goldQueueName),
        },
        routingRuleId: (await db('routing_rules').orderBy('position').first<{ id: string }>('id')).id,
        userId: await idOf('users', 'username', USERS.agent),
      };
    });

    afterAll(async () => {
      await app?.stop();
      await temporal?.teardown();
    });

    /** One identity's requests stay under the API's rate limit (20/s per user, burst 50). */
    async function send(identity: Identity, method: string, path: string, request: Request): Promise<Response> {
      const wait = (lastRequest.get(identity) ?? 0) + 60 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastRequest.set(identity, Date.now());
      const query = request.query ? `?${new URLSearchParams(request.query).toString()}` : '';
      const token = identity === 'anonymous' ? undefined : tokens.get(identity);
      const response = await app.request(method, `${path}${query}`, { ...(token ? { token } : {}), ...(request.body === undefined ? {} : { body: request.body }) });
      // An event stream stays open: its status is the answer; hang up.
      if (response.ok && response.headers.get('content-type')?.includes('text/event-stream')) await response.body?.cancel();
      return response;
    }

    it.each(routes.filter((route) => routeKey(route) in EXPECTATIONS).map((route) => [routeKey(route), route] as const))('%s', async (_key, route) => {
      const expectation = EXPECTATIONS[routeKey(route)]!;
      // Identities in parallel; each one's requests in turn (own row, then foreign).
      const perIdentity = await Promise.all(
        IDENTITIES.map(async (identity) => {
          const cells = [];
          for (const row of rowsFor(expectation, identity)) {
            const request = expectation.request?.(fixtures[row], fixtures) ?? {};
            const want = expected(route, expectation, identity, row);
            const body = want === 'allowed' && row === 'own' && expectation.ownBody !== undefined ? expectation.ownBody : request.body;
            const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(request.params?.[name] ?? `unset-${name}`));
            const response = await send(identity, route.method.toUpperCase(), path, { ...request, ...(body === undefined ? {} : { body }) });
            const got = response.status;
            const ok = want === 'allowed' ? ![401, 403, 404].includes(got) && got < 500 : got === want;
            cells.push({ cell: `${identity} ${row}`, want, got, ok, detail: ok ? '' : (await response.text()).slice(0, 200) });
          }
          return cells;
        }),
      );
      const wrong = perIdentity.flat().filter((a) => !a.ok).map((a) => `${a.cell}: expected ${a.want}, got ${a.got} ${a.detail}`);
      expect(wrong).toEqual([]);
    });
  });
});
