import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let app: RunningApp;
const tokens: Record<string, string> = {};

type Json = Record<string, unknown>;
const as = (user: string) => ({ token: tokens[user]! });

async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

async function get(user: string, path: string): Promise<{ status: number; body: Json }> {
  const response = await app.request('GET', path, as(user));
  return { status: response.status, body: await json(response) };
}

const pointers = (body: Json) => ((body.errors ?? []) as { pointer: string }[]).map((e) => e.pointer).sort();
const items = (body: Json) => body.items as Json[];
const byKey = (list: Json[], key: string): Record<string, Json> => Object.fromEntries(list.map((row) => [String(row[key]), row]));

/** Facts of the seeded scenario, looked up once. */
const ids = {
  aliceContact: '',
  bobContact: '',
  goldQueue: '',
  standardQueue: '',
  gina: '',
  sam: '',
};
const cases: Record<string, { id: string; caseNumber: string }> = {};
let apiCaseNumber = '';
let nextNumber = 90_000;

/** A row of the cases read model written directly, as the workflow's activities would. */
async function insertCase(name: string, values: Json): Promise<void> {
  const caseNumber = `CAS-${nextNumber++}`;
  const [row] = await app.database
    .db('cases')
    .insert({
      case_number: caseNumber,
      workflow_id: `records-test-${caseNumber}`,
      request_id: `records-test-${caseNumber}`,
      title: `Seeded ${name}`,
      channel: 'email',
      stage: 'identify',
      version: 1,
      ...values,
    })
    .returning<{ id: string }[]>('id');
  cases[name] = { id: row!.id, caseNumber };
}

beforeAll(async () => {
  const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = env;
  app = await startApp(temporal, 'postgres', bundle);
  for (const user of ['alice', 'bob', 'gina', 'sam', 'sue', 'adam', 'otto']) tokens[user] = await app.login(user);
  const db = app.database.db;
  const idOf = async (table: string, column: string, value: string) => (await db(table).where(column, value).first<{ id: string }>('id')).id;
  ids.aliceContact = await idOf('contacts', 'email', DEMO.goldContactEmail);
  ids.bobContact = await idOf('contacts', 'email', DEMO.standardContactEmail);
  ids.goldQueue = await idOf('queues', 'name', DEMO.goldQueueName);
  ids.standardQueue = await idOf('queues', 'name', DEMO.standardQueueName);
  ids.gina = await idOf('users', 'username', 'gina');
  ids.sam = await idOf('users', 'username', 'sam');

  // Gold queue: two waiting (one at risk), one on hold with gina (non-compliant), one resolved by gina.
  const alice = { customer_contact_id: ids.aliceContact, queue_id: ids.goldQueue };
  await insertCase('waitingOld', { ...alice, status: 'active', created_at: db.raw("now() - interval '2 hours'"), first_response_by: db.raw("now() - interval '1 hour'"), sla_state: 'noncompliant' });
  await insertCase('waitingAtRisk', { ...alice, status: 'active', created_at: db.raw("now() - interval '1 hour'"), first_response_by: db.raw("now() + interval '1 minute'"), sla_state: 'nearing_noncompliance' });
  await insertCase('heldByGina', { ...alice, status: 'on_hold', owner_user_id: ids.gina, sla_state: 'noncompliant' });
  await insertCase('resolvedByGina', { ...alice, status: 'resolved', owner_user_id: ids.gina, resolved_at: db.fn.now(), sla_state: 'noncompliant' });
  // Standard queue: one waiting, one sam works.
  const bob = { customer_contact_id: ids.bobContact, queue_id: ids.standardQueue };
  await insertCase('bobWaiting', { ...bob, status: 'active' });
  await insertCase('bobWithSam', { ...bob, status: 'active', owner_user_id: ids.sam });
  await db('entitlement_usages').insert({ entitlement_id: DEMO.goldEntitlementId, case_id: cases.resolvedByGina!.id, resolution_episode: 1, terms_used: 1 });

  // And one real case through its workflow, routed to the gold queue, waiting, with its SLA clocks.
  const opened = await app.request('POST', '/cases', { ...as('alice'), body: { title: 'Printer shows offline', channel: 'email' } });
  expect(opened.status).toBe(201);
  apiCaseNumber = (await json(opened)).caseNumber as string;
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

describe('contacts and accounts', () => {
  it('lets staff search contacts by name or email, paged, and nobody else', async () => {
    const found = await get('gina', '/contacts?q=gold');
    expect(found.status).toBe(200);
    expect(items(found.body).map((c) => c.email)).toEqual([DEMO.goldContactEmail]);
    expect(items(found.body)[0]).toMatchObject({ fullName: 'Alice Gold', accountId: DEMO.goldAccountId, accountName: DEMO.goldAccountName });
    const all = await get('sue', '/contacts?limit=2');
    expect(all.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(items(all.body)).toHaveLength(2);
    expect((await get('adam', '/contacts?q=Bob%20Brown')).body.total).toBe(1);

    const bad = await get('sue', '/contacts?limit=500&colour=red');
    expect(bad.status).toBe(422);
    expect(pointers(bad.body)).toEqual(['/query/colour', '/query/limit']);
    expect((await get('alice', '/contacts?q=bob')).status).toBe(403);
    expect((await get('otto', '/contacts')).status).toBe(403);
    expect((await app.request('GET', '/contacts')).status).toBe(401);
  });

  it("shows a contact with open and resolved counts of the cases the caller may see; a customer only their own", async () => {
    const own = await get('alice', `/contacts/${ids.aliceContact}`);
    expect(own.status).toBe(200);
    // Open: two waiting, one on hold, and the case opened through the API; resolved: one.
    expect(own.body).toMatchObject({ id: ids.aliceContact, email: DEMO.goldContactEmail, cases: { open: 4, resolved: 1 } });
    expect((await get('sue', `/contacts/${ids.aliceContact}`)).body.cases).toEqual({ open: 4, resolved: 1 });
    expect((await get('gina', `/contacts/${ids.aliceContact}`)).body.cases).toEqual({ open: 4, resolved: 1 });
    // Sam sees the contact but none of her gold-queue cases.
    expect((await get('sam', `/contacts/${ids.aliceContact}`)).body.cases).toEqual({ open: 0, resolved: 0 });

    const hidden = await get('bob', `/contacts/${ids.aliceContact}`);
    const unknownId = randomUUID();
    const unknown = await get('bob', `/contacts/${unknownId}`);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(String(hidden.body.detail).replace(ids.aliceContact, 'X')).toBe(String(unknown.body.detail).replace(unknownId, 'X'));
    expect((await get('otto', `/contacts/${ids.aliceContact}`)).status).toBe(403);
    const bad = await get('sue', '/contacts/not-a-uuid');
    expect(bad.status).toBe(422);
    expect(pointers(bad.body)).toEqual(['/params/id']);
  });

  it('shows an account with its contacts, entitlements and case counts; a customer only their own', async () => {
    const own = await get('alice', `/accounts/${DEMO.goldAccountId}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: DEMO.goldAccountId, name: DEMO.goldAccountName, tier: 'gold', cases: { open: 4, resolved: 1 } });
    expect((own.body.contacts as Json[]).map((c) => c.id)).toEqual([ids.aliceContact]);
    expect((own.body.entitlements as Json[]).map((e) => e.id)).toEqual([DEMO.goldEntitlementId]);
    expect((await get('sue', `/accounts/${DEMO.silverAccountId}`)).body).toMatchObject({ tier: 'silver', cases: { open: 0, resolved: 0 } });
    expect((await get('gina', `/accounts/${DEMO.standardAccountId}`)).body.cases).toEqual({ open: 2, resolved: 0 });

    expect((await get('bob', `/accounts/${DEMO.goldAccountId}`)).status).toBe(404);
    expect((await get('alice', `/accounts/${DEMO.standardAccountId}`)).status).toBe(404);
    expect((await get('sue', `/accounts/${randomUUID()}`)).status).toBe(404);
    expect((await get('otto', `/accounts/${DEMO.goldAccountId}`)).status).toBe(403);
    expect(pointers((await get('sue', '/accounts/123')).body)).toEqual(['/params/id']);
  });

  it('lists products for every signed-in user', async () => {
    for (const user of ['alice', 'gina', 'otto']) {
      const products = await get(user, '/products');
      expect(products.status).toBe(200);
      expect(items(products.body).map((p) => p.code).sort()).toEqual(Object.values(DEMO.productCodes).sort());
    }
    expect((await app.request('GET', '/products')).status).toBe(401);
  });
});

describe('entitlements', () => {
  it('lists entitlements with terms, dates, status and channels; customers only their own', async () => {
    const staff = await get('sue', '/entitlements');
    expect(staff.status).toBe(200);
    expect(items(staff.body).map((e) => e.id).sort()).toEqual([DEMO.goldEntitlementId, DEMO.silverEntitlementId].sort());
    const gold = items(staff.body).find((e) => e.id === DEMO.goldEntitlementId)!;
    expect(gold).toMatchObject({ allocationType: 'cases', totalTerms: 15, remainingTerms: 15, status: 'active', customer: { type: 'account', id: DEMO.goldAccountId } });
    expect(gold.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(gold.channels).toEqual(
      DEMO.goldEntitlementChannels.map((channel) => ({ channel, totalTerms: null, remainingTerms: null, available: 15 })).sort((a, b) => a.channel.localeCompare(b.channel)),
    );
    expect(items((await get('gina', `/entitlements?customerId=${DEMO.silverAccountId}`)).body).map((e) => e.id)).toEqual([DEMO.silverEntitlementId]);
    expect(items((await get('gina', `/entitlements?customerId=${ids.aliceContact}`)).body)).toEqual([]);

    expect(items((await get('alice', '/entitlements')).body).map((e) => e.id)).toEqual([DEMO.goldEntitlementId]);
    expect(items((await get('alice', `/entitlements?customerId=${DEMO.goldAccountId}`)).body).map((e) => e.id)).toEqual([DEMO.goldEntitlementId]);
    expect(items((await get('bob', '/entitlements')).body)).toEqual([]);
    expect((await get('bob', `/entitlements?customerId=${DEMO.goldAccountId}`)).status).toBe(404);
    expect((await get('bob', `/entitlements?customerId=${ids.aliceContact}`)).status).toBe(404);
    expect((await get('sue', `/entitlements?customerId=${randomUUID()}`)).status).toBe(404);
    expect((await get('otto', '/entitlements')).status).toBe(403);
    expect(pointers((await get('sue', '/entitlements?customerId=gold&offset=-1')).body)).toEqual(['/query/customerId', '/query/offset']);
  });

  it('shows one entitlement and its usage history to whoever may see it', async () => {
    expect((await get('alice', `/entitlements/${DEMO.goldEntitlementId}`)).body).toMatchObject({ id: DEMO.goldEntitlementId, name: DEMO.goldEntitlementName });
    const usages = await get('alice', `/entitlements/${DEMO.goldEntitlementId}/usages`);
    expect(usages.status).toBe(200);
    expect(items(usages.body)).toEqual([
      expect.objectContaining({ caseId: cases.resolvedByGina!.id, caseNumber: cases.resolvedByGina!.caseNumber, resolutionEpisode: 1, termsUsed: 1 }),
    ]);
    expect(items((await get('sam', `/entitlements/${DEMO.goldEntitlementId}/usages`)).body)).toHaveLength(1);
    expect(items((await get('sue', `/entitlements/${DEMO.silverEntitlementId}/usages`)).body)).toEqual([]);

    expect((await get('bob', `/entitlements/${DEMO.goldEntitlementId}`)).status).toBe(404);
    expect((await get('bob', `/entitlements/${DEMO.goldEntitlementId}/usages`)).status).toBe(404);
    expect((await get('alice', `/entitlements/${DEMO.silverEntitlementId}`)).status).toBe(404);
    expect((await get('sue', `/entitlements/${randomUUID()}/usages`)).status).toBe(404);
    expect((await get('otto', `/entitlements/${DEMO.goldEntitlementId}`)).status).toBe(403);
    expect(pointers((await get('sue', '/entitlements/x/usages')).body)).toEqual(['/params/id']);
  });
});

describe('queues', () => {
  it('lists every queue with waiting, in-progress and SLA-at-risk counts where the caller works', async () => {
    const byName = async (user: string) => byKey(items((await get(user, '/queues')).body), 'name');
    const sue = await byName('sue');
    // Waiting: two seeded and the API's case; at risk: both seeded waiting ones and the held one, not the resolved one.
    expect(sue[DEMO.goldQueueName]).toMatchObject({ id: ids.goldQueue, isMember: true, counts: { waiting: 3, inProgress: 1, slaAtRisk: 3 } });
    expect(sue[DEMO.standardQueueName]).toMatchObject({ isDefault: true, counts: { waiting: 1, inProgress: 1, slaAtRisk: 0 } });
    expect((await byName('adam'))[DEMO.goldQueueName]).toMatchObject({ isMember: false, counts: { waiting: 3 } });
    const sam = await byName('sam');
    expect(sam[DEMO.goldQueueName]).toMatchObject({ isMember: false, counts: null });
    expect(sam[DEMO.standardQueueName]).toMatchObject({ isMember: true, counts: { waiting: 1, inProgress: 1, slaAtRisk: 0 } });
    expect((await get('otto', '/queues')).status).toBe(403);
    expect((await get('alice', '/queues')).status).toBe(403);
  });

  it("lists a queue's waiting cases oldest first with the first-response deadline, for its members, supervisors and admins", async () => {
    const gina = await get('gina', `/queues/${ids.goldQueue}/items`);
    expect(gina.status).toBe(200);
    expect(items(gina.body).map((c) => c.caseNumber)).toEqual([cases.waitingOld!.caseNumber, cases.waitingAtRisk!.caseNumber, apiCaseNumber]);
    expect(gina.body).toMatchObject({ queueId: ids.goldQueue, total: 3, limit: 50, offset: 0 });
    expect(items(gina.body)[0]).toMatchObject({ customer: { type: 'contact', id: ids.aliceContact }, status: 'active', slaState: 'noncompliant' });
    expect(items(gina.body)[0]!.firstResponseBy).toMatch(/Z$/);
    const page = await get('sue', `/queues/${ids.goldQueue}/items?limit=1&offset=1`);
    expect(items(page.body).map((c) => c.caseNumber)).toEqual([cases.waitingAtRisk!.caseNumber]);
    expect(items((await get('sam', `/queues/${ids.standardQueue}/items`)).body).map((c) => c.caseNumber)).toEqual([cases.bobWaiting!.caseNumber]);

    const hidden = await get('sam', `/queues/${ids.goldQueue}/items`);
    expect(hidden.status).toBe(404);
    expect((await get('adam', `/queues/${randomUUID()}/items`)).status).toBe(404);
    expect((await get('alice', `/queues/${ids.goldQueue}/items`)).status).toBe(403);
    expect((await get('otto', `/queues/${ids.goldQueue}/items`)).status).toBe(403);
    expect(pointers((await get('sue', `/queues/${ids.goldQueue}/items?limit=0`)).body)).toEqual(['/query/limit']);
  });

  it("lists a queue's members to the same callers", async () => {
    const members = await get('gina', `/queues/${ids.goldQueue}/members`);
    expect(members.status).toBe(200);
    expect(items(members.body).map((m) => m.username).sort()).toEqual(['gina', 'sue']);
    expect(items((await get('adam', `/queues/${ids.standardQueue}/members`)).body).map((m) => m.username).sort()).toEqual(['gina', 'sam', 'sue']);
    expect((await get('sam', `/queues/${ids.goldQueue}/members`)).status).toBe(404);
    expect((await get('otto', `/queues/${ids.goldQueue}/members`)).status).toBe(403);
    expect(pointers((await get('sue', '/queues/gold/members')).body)).toEqual(['/params/id']);
  });
});

describe('service levels', () => {
  it('lists SLA policies with KPI targets and calendar to staff', async () => {
    const policies = await get('sam', '/sla-policies');
    expect(policies.status).toBe(200);
    const byName = byKey(items(policies.body), 'name');
    expect(Object.keys(byName).sort()).toEqual(Object.values(DEMO.slaPolicyNames).sort());
    expect(byName[DEMO.slaPolicyNames.gold]).toMatchObject({ calendar: null, pauseOn: ['waiting_for_customer'], appliesWhenNoEntitlement: false });
    expect(byName[DEMO.slaPolicyNames.gold]!.kpis).toEqual([
      expect.objectContaining({ kpi: 'first_response', warnAfterMinutes: 10, failAfterMinutes: 15, priority: null, customerTier: null }),
      expect.objectContaining({ kpi: 'resolve', warnAfterMinutes: 360, failAfterMinutes: 480 }),
    ]);
    expect(byName[DEMO.slaPolicyNames.standard]!.calendar).toMatchObject({ name: DEMO.businessCalendarName, timeZone: 'Europe/London', weeklyHours: { mon: [['09:00', '18:00']] } });
    expect((await get('otto', '/sla-policies')).status).toBe(403);
    expect((await get('alice', '/sla-policies')).status).toBe(403);
  });

  it("shows a case's SLA KPI instances to whoever may see the case", async () => {
    const sla = await eventually(
      () => get('alice', `/cases/${apiCaseNumber}/sla`),
      (r) => r.status === 200 && items(r.body).length === 2,
    );
    expect(sla.body).toMatchObject({ caseNumber: apiCaseNumber });
    expect(items(sla.body).map((k) => k.kpi)).toEqual(['first_response', 'resolve']);
    expect(items(sla.body)[0]).toMatchObject({ status: 'in_progress' });
    expect(items(sla.body)[0]!.failureAt).toMatch(/Z$/);
    for (const user of ['gina', 'sue', 'otto']) expect((await get(user, `/cases/${apiCaseNumber}/sla`)).status).toBe(200);
    expect(items((await get('sue', `/cases/${cases.bobWaiting!.caseNumber}/sla`)).body)).toEqual([]);

    const hidden = await get('bob', `/cases/${apiCaseNumber}/sla`);
    const unknown = await get('bob', '/cases/CAS-99999/sla');
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(String(hidden.body.detail).replace(apiCaseNumber, 'X')).toBe(String(unknown.body.detail).replace('CAS-99999', 'X'));
    expect((await get('sam', `/cases/${apiCaseNumber}/sla`)).status).toBe(404);
    expect(pointers((await get('sue', '/cases/nope/sla')).body)).toEqual(['/params/caseNumber']);
  });
});

describe('routing rules', () => {
  const post = (user: string, body: unknown) => app.request('POST', '/routing-rules', { ...as(user), body });
  const patch = (user: string, id: string, body: unknown) => app.request('PATCH', `/routing-rules/${id}`, { ...as(user), body });

  it('lists the rules in position order to supervisors and administrators', async () => {
    const rules = await get('sue', '/routing-rules');
    expect(rules.status).toBe(200);
    expect(items(rules.body).map((r) => [r.position, r.queueName, r.conditions])).toEqual([
      [10, DEMO.goldQueueName, { customerTier: ['gold'] }],
      [1000, DEMO.standardQueueName, {}],
    ]);
    expect((await get('adam', '/routing-rules')).status).toBe(200);
    expect((await get('gina', '/routing-rules')).status).toBe(403);
    expect((await get('otto', '/routing-rules')).status).toBe(403);
    expect((await get('alice', '/routing-rules')).status).toBe(403);
  });

  it('creates a rule with checked conditions, and refuses bad conditions, unknown queues, taken positions and extra fields', async () => {
    const rule = { name: 'Invoices by email', position: 20, conditions: { channel: ['email'], subjectKeywords: ['  invoice  '] }, queueId: ids.standardQueue };
    const created = await post('adam', rule);
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body).toMatchObject({ name: 'Invoices by email', position: 20, conditions: { channel: ['email'], subjectKeywords: ['invoice'] }, queueId: ids.standardQueue, active: true });
    expect(created.headers.get('location')).toBe(`/routing-rules/${String(body.id)}`);
    expect(items((await get('sue', '/routing-rules')).body).map((r) => r.position)).toEqual([10, 20, 1000]);

    const taken = await post('sue', { ...rule, name: 'Same place' });
    expect(taken.status).toBe(409);
    expect((await json(taken)).detail).toContain('position 20');

    const refusals: [unknown, string][] = [
      [{ ...rule, position: 21, conditions: { customerTier: ['platinum'] } }, '/body/conditions/customerTier/0'],
      [{ ...rule, position: 21, conditions: { channel: ['email', 'fax'] } }, '/body/conditions/channel/1'],
      [{ ...rule, position: 21, conditions: { channel: [] } }, '/body/conditions/channel'],
      [{ ...rule, position: 21, conditions: { colour: ['red'] } }, '/body/conditions/colour'],
      [{ ...rule, position: 21, conditions: { productId: [randomUUID()] } }, '/body/conditions/productId/0'],
      [{ ...rule, position: 21, conditions: ['gold'] }, '/body/conditions'],
      [{ ...rule, position: 21, queueId: randomUUID() }, '/body/queueId'],
      [{ ...rule, position: 21, id: randomUUID() }, '/body/id'],
      [{ ...rule, position: 1.5 }, '/body/position'],
      [{ position: 21, conditions: {}, queueId: ids.standardQueue }, '/body/name'],
    ];
    for (const [input, pointer] of refusals) {
      const refused = await post('sue', input);
      expect(refused.status, pointer).toBe(422);
      expect(pointers(await json(refused)), pointer).toEqual([pointer]);
    }
    const tier = await json(await post('sue', { ...rule, position: 21, conditions: { customerTier: ['platinum'] } }));
    expect(tier.detail).toContain('must be one of gold, silver, standard');

    expect((await post('gina', { ...rule, position: 22 })).status).toBe(403);
    expect((await post('otto', { ...rule, position: 22 })).status).toBe(403);
  });

  it('changes a rule: deactivate, move, re-condition; refuses a taken position, nothing to change, unknown rules', async () => {
    const created = await json(await post('sue', { name: 'Urgent phone', position: 30, conditions: { priority: ['urgent'], channel: ['phone'] }, queueId: ids.goldQueue, active: false }));
    const id = String(created.id);
    expect(created.active).toBe(false);
    const changed = await patch('adam', id, { active: true, position: 31, conditions: { priority: ['urgent', 'high'] }, name: 'Urgent and high' });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ id, active: true, position: 31, conditions: { priority: ['urgent', 'high'] }, name: 'Urgent and high', queueId: ids.goldQueue });
    expect((await json(await patch('sue', id, { position: 31 }))).position).toBe(31);

    expect((await patch('sue', id, { position: 10 })).status).toBe(409);
    expect(pointers(await json(await patch('sue', id, {})))).toEqual(['/body/name']);
    expect(pointers(await json(await patch('sue', id, { conditions: { priority: ['asap'] } })))).toEqual(['/body/conditions/priority/0']);
    expect(pointers(await json(await patch('sue', id, { queueId: randomUUID() })))).toEqual(['/body/queueId']);
    expect(pointers(await json(await patch('sue', id, { queueId: ids.goldQueue, version: 3 })))).toEqual(['/body/version']);
    expect((await patch('sue', randomUUID(), { active: false })).status).toBe(404);
    expect((await patch('gina', id, { active: false })).status).toBe(403);
    expect(pointers(await json(await patch('sue', 'rule-1', { active: false })))).toEqual(['/params/id']);

    expect((await json(await patch('sue', id, { active: false }))).active).toBe(false);
  });
});

describe('goals', () => {
  it('shows goals with target, actual and percent; agents only their own and their queues', async () => {
    const all = await get('sue', '/goals');
    expect(all.status).toBe(200);
    const byMetric = byKey(items(all.body), 'metric');
    // Gina resolved one case this month; the standard queue has two open cases.
    expect(byMetric.cases_resolved).toMatchObject({ ownerUserId: ids.gina, ownerName: 'Gina Agent', target: 20, actual: 1, percent: 5 });
    expect(byMetric.cases_in_progress).toMatchObject({ queueId: ids.standardQueue, queueName: DEMO.standardQueueName, target: 25, actual: 2, percent: 8 });
    expect(String(byMetric.cases_resolved!.periodStart)).toMatch(/^\d{4}-\d{2}-01$/);

    expect(items((await get('gina', '/goals')).body)).toHaveLength(2);
    expect(items((await get('sam', '/goals')).body).map((g) => g.metric)).toEqual(['cases_in_progress']);
    expect((await get('otto', '/goals')).status).toBe(403);
    expect((await get('alice', '/goals')).status).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('describes the record routes with their response schemas', async () => {
    const document = await json(await app.request('GET', '/openapi.json'));
    const paths = document.paths as Record<string, Record<string, Json>>;
    for (const path of ['/contacts', '/contacts/{id}', '/accounts/{id}', '/products', '/entitlements', '/entitlements/{id}/usages', '/queues', '/queues/{id}/items', '/queues/{id}/members', '/sla-policies', '/cases/{caseNumber}/sla', '/routing-rules', '/goals']) {
      expect(paths[path]?.get, path).toBeDefined();
    }
    expect(paths['/routing-rules']?.post?.requestBody).toBeDefined();
    expect(paths['/routing-rules/{id}']?.patch).toBeDefined();
    expect(JSON.stringify(paths['/queues']?.get?.responses)).toContain('slaAtRisk');
  });
});
