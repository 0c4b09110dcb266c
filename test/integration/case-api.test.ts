import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let app: RunningApp;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = env;
  app = await startApp(temporal, 'postgres', bundle);
  for (const user of ['alice', 'bob', 'gina', 'sam', 'sue', 'otto']) tokens[user] = await app.login(user);
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

type Json = Record<string, unknown>;
const as = (user: string) => ({ token: tokens[user]! });

async function json(response: Response): Promise<Json> {
  return (await response.json()) as Json;
}

async function openAs(user: string, body: Json = {}, headers: Record<string, string> = {}) {
  return app.request('POST', '/cases', { ...as(user), headers, body: { title: 'Printer shows offline', description: 'Since this morning', channel: 'email', ...body } });
}

describe('cases over HTTP', () => {
  it('needs a token', async () => {
    const response = await app.request('GET', '/cases');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('lets a customer open a case for themselves, routed by the workflow, and never for someone else', async () => {
    const created = await openAs('alice');
    expect(created.status).toBe(201);
    const body = await json(created);
    const goldQueue = await app.database.db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id');
    expect(body).toMatchObject({ status: 'active', channel: 'email' });
    // Routed and entitled (the customer's view shows neither: they are internals).
    const row = await app.database.db('cases').where({ case_number: String(body.caseNumber) }).first<{ queue_id: string; is_entitled: boolean }>('queue_id', 'is_entitled');
    expect(row).toMatchObject({ queue_id: goldQueue.id, is_entitled: true });
    expect(body).not.toHaveProperty('queueId');

    const bob = await app.database.db('contacts').where({ email: DEMO.standardContactEmail }).first<{ id: string }>('id');
    expect((await openAs('alice', { customer: { type: 'contact', id: bob.id } })).status).toBe(403);
  });

  it('refuses mass assignment and bad input with problem+json naming the field', async () => {
    const response = await openAs('alice', { status: 'resolved', ownerUserId: randomUUID() });
    expect(response.status).toBe(422);
    const problem = await json(response);
    expect((problem.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/body/ownerUserId', '/body/status']);
    const badKey = await openAs('alice', {}, { 'idempotency-key': 'x' });
    expect(badKey.status).toBe(422);
    const notJson = await fetch(`${app.baseUrl}/cases`, { method: 'POST', headers: { authorization: `Bearer ${tokens.alice}`, 'content-type': 'text/plain' }, body: 'title=Printer' });
    expect(notJson.status).toBe(415);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');
  });

  it('opens with one Update-with-Start, and the Temporal UI shows what the case is and what each step writes', async () => {
    const created = await openAs('alice', { title: 'Scanner   jams\non every page', priority: 'high' });
    expect(created.status).toBe(201);
    const { caseNumber } = await json(created);
    const handle = app.client.workflow.getHandle(`case-${String(caseNumber)}`);
    // The case's own line: number, title on one line, priority and channel; nothing else about the customer.
    expect(await (await handle.describe()).staticSummary()).toBe(`${String(caseNumber)} · Scanner jams on every page · high priority, by email`);
    const events = (await handle.fetchHistory()).events ?? [];
    // Answered from the workflow (its caseRecorded Update), not by polling the read model.
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)).toEqual(['caseRecorded']);
    const summary = (e: (typeof events)[number]) => {
      const data = e.userMetadata?.summary?.data;
      return data ? (JSON.parse(Buffer.from(data).toString()) as string) : undefined;
    };
    const steps = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity' || e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.filter((e) => !summary(e))).toEqual([]);
    expect(steps.map(summary)).toEqual(
      expect.arrayContaining([
        'load the customer, entitlements, routing rules and SLA policies',
        `3 writes: record case ${String(caseNumber)} v1: active, identify · record SLA first_response: in_progress (v1) · record SLA resolve: in_progress (v1)`,
        expect.stringMatching(new RegExp(`^first response warning for ${String(caseNumber)} at `)),
      ]),
    );
  });

  it('gives the same case for the same Idempotency-Key from the same caller', async () => {
    const key = randomUUID();
    const first = await json(await openAs('alice', {}, { 'idempotency-key': key }));
    const again = await json(await openAs('alice', {}, { 'idempotency-key': key }));
    expect(again.caseNumber).toBe(first.caseNumber);
  });

  it('lists only the rows each caller may see, with filters, sorting and pagination', async () => {
    const { caseNumber } = await json(await openAs('alice', { title: 'Listing check' }));
    const seenBy = async (user: string, query = '') => {
      const response = await app.request('GET', `/cases${query}`, as(user));
      expect(response.status).toBe(200);
      return ((await json(response)).items as Json[]).map((c) => c.caseNumber);
    };
    expect(await seenBy('alice')).toContain(caseNumber);
    expect(await seenBy('gina')).toContain(caseNumber);
    expect(await seenBy('sue')).toContain(caseNumber);
    expect(await seenBy('bob')).not.toContain(caseNumber);
    expect(await seenBy('sam')).not.toContain(caseNumber);
    expect(await seenBy('alice', '?q=Listing')).toEqual([caseNumber]);
    expect(await seenBy('alice', '?status=resolved')).not.toContain(caseNumber);
    // Priority and channel filters (comma lists), as the desk's inbox uses them.
    const { caseNumber: urgent } = await json(await openAs('alice', { title: 'Listing urgent', priority: 'urgent', channel: 'web' }));
    expect(await seenBy('sue', '?q=Listing&priority=high,urgent')).toEqual([urgent]);
    expect(await seenBy('sue', '?q=Listing&channel=email')).toEqual([caseNumber]);
    expect(await seenBy('sue', '?q=Listing&priority=normal&channel=web')).toEqual([]);
    expect((await app.request('GET', '/cases?priority=extreme', as('sue'))).status).toBe(422);
    const page = await json(await app.request('GET', '/cases?limit=1&sort=createdAt', as('sue')));
    expect(page).toMatchObject({ limit: 1, offset: 0 });
    expect((page.items as Json[]).length).toBe(1);
    expect(page.total as number).toBeGreaterThan(1);
    const bad = await app.request('GET', '/cases?status=shelved&limit=500', as('sue'));
    expect(bad.status).toBe(422);
    expect(((await json(bad)).errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['/query/limit', '/query/status/0']);
  });

  it('answers 404 for a case the caller may not see, exactly as for an unknown one', async () => {
    const { caseNumber } = await json(await openAs('alice'));
    const hidden = await app.request('GET', `/cases/${String(caseNumber)}`, as('bob'));
    const unknown = await app.request('GET', '/cases/CAS-99999', as('bob'));
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(((await json(hidden)).detail as string).replace(String(caseNumber), 'X')).toBe(((await json(unknown)).detail as string).replace('CAS-99999', 'X'));
  });

  it('plays the canonical scenario: accept, work the stages, send an article, resolve, survey — entitlement 15 → 14', async () => {
    const before = Number((await app.database.db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string }>('remaining_terms')).remaining_terms);
    const { caseNumber } = await json(await openAs('alice', { title: 'VPN drops every hour' }));
    const post = (user: string, path: string, body: Json = {}) => app.request('POST', `/cases/${String(caseNumber)}/${path}`, { ...as(user), body });

    expect((await post('alice', 'accept')).status).toBe(403);
    expect((await post('sam', 'accept')).status).toBe(404);
    // An action without a body needs no content type (curl -X POST …/accept).
    const bare = await fetch(`${app.baseUrl}/cases/${String(caseNumber)}/accept`, { method: 'POST', headers: { authorization: `Bearer ${tokens.gina}` } });
    expect(bare.status).toBe(200);

    const early = await post('gina', 'resolve', { resolutionText: 'Fixed', resolutionType: 'problem_solved' });
    expect(early.status).toBe(409);
    expect((await json(early)).detail).toContain('advance it to Resolve');

    const missing = await post('gina', 'stage/advance');
    expect(missing.status).toBe(409);
    expect((await json(missing)).detail).toContain('Customer confirmed');

    expect((await post('gina', 'steps/customer_confirmed/complete')).status).toBe(200);
    const product = await app.database.db('products').where({ code: DEMO.productCodes.vpn }).first<{ id: string }>('id');
    expect((await post('gina', 'details', { productId: product.id, subject: 'Connectivity' })).status).toBe(200);
    expect((await post('gina', 'stage/advance')).status).toBe(200);
    expect((await post('gina', 'replies', { text: 'Looking into it now.' })).status).toBe(200);
    const article = await app.database.db('knowledge_articles').where({ article_number: 'KA-01003' }).first<{ id: string }>('id');
    expect((await post('gina', 'articles', { articleId: article.id, sendToCustomer: true })).status).toBe(200);
    const invalid = await post('gina', 'activities', { type: 'fax', subject: 'x' });
    expect(invalid.status).toBe(422);
    expect(((await json(invalid)).errors as { pointer: string }[])[0]?.pointer).toBe('/body/type');
    const logCall = () =>
      app.request('POST', `/cases/${String(caseNumber)}/activities`, { ...as('gina'), headers: { 'idempotency-key': 'call-back-0001' }, body: { type: 'phone_call', subject: 'Call the customer back', open: true } });
    const withCall = await json(await logCall());
    const retried = await json(await logCall()); // the same key: the activity is logged once
    expect((retried.openActivities as Json[]).length).toBe(1);
    const callId = (withCall.openActivities as Json[])[0]?.id as string;
    expect((await post('gina', 'stage/advance')).status).toBe(200);
    const blocked = await post('gina', 'resolve', { resolutionText: 'Router firmware', resolutionType: 'problem_solved' });
    expect(blocked.status).toBe(409);
    expect(JSON.stringify(await json(blocked))).toContain('Call the customer back');
    expect((await post('gina', `activities/${callId}/complete`, { minutesSpent: 12 })).status).toBe(200);
    const resolved = await json(await post('gina', 'resolve', { resolutionText: 'Updated the router firmware', resolutionType: 'problem_solved' }));
    expect(resolved).toMatchObject({ status: 'resolved', episode: 1 });

    const after = Number((await app.database.db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string }>('remaining_terms')).remaining_terms);
    expect(after).toBe(before - 1);
    expect((await post('bob', 'survey', { rating: 5 })).status).toBe(404);
    expect((await post('alice', 'survey', { rating: 6 })).status).toBe(422);
    const answered = await json(await post('alice', 'survey', { rating: 5, comment: 'Great' }));
    expect(answered.survey).toMatchObject({ rating: 5 });

    const activities = await json(await app.request('GET', `/cases/${String(caseNumber)}/activities`, as('alice')));
    // The customer sees the reply and the resolution; the phone call the agent logged is the team's.
    expect((activities.items as Json[]).map((a) => a.type)).toEqual(['email', 'resolution']);
    const staffView = await json(await app.request('GET', `/cases/${String(caseNumber)}/activities`, as('gina')));
    expect((staffView.items as Json[]).map((a) => a.type)).toEqual(expect.arrayContaining(['email', 'phone_call', 'resolution']));
    const state = await json(await app.request('GET', `/cases/${String(caseNumber)}/state`, as('alice')));
    expect(state.stage).toBe('resolve');

    const history = await app.request('GET', `/cases/${String(caseNumber)}/history`, as('otto'));
    expect(history.status).toBe(200);
    // The operators' timeline: the case's milestones in words, in order, with who did each.
    const timeline = await json(history);
    const milestones = (timeline.entries as Json[]).map((e) => `${String(e.actor)} | ${String(e.text)}`);
    const expected = [
      /^Alice Gold \| Opened by email: “VPN drops every hour”, priority normal$/,
      /^caseflow \| Entitled: Contoso Gold support: 15 cases a year \(\d+ cases left\)$/,
      /^caseflow \| Routed to Gold support by the rule “Gold customers to the gold queue”$/,
      /^caseflow \| SLA “Gold” clocks started$/,
      /^Gina Agent \(agent\) \| Took the case$/,
      /^Gina Agent \(agent\) \| Step done: Customer confirmed$/,
      /^Gina Agent \(agent\) \| Details: product SecureConnect VPN, subject “Connectivity”$/,
      /^Gina Agent \(agent\) \| Advanced to Research$/,
      /^Gina Agent \(agent\) \| Replied to the customer: “Looking into it now.”$/,
      /^caseflow \| First response SLA met$/,
      /^Gina Agent \(agent\) \| Sent article KA-01003 /,
      /^Gina Agent \(agent\) \| Planned phone call: “Call the customer back”$/,
      /^Gina Agent \(agent\) \| Advanced to Resolve$/,
      /^Gina Agent \(agent\) \| Completed an activity \(12 min\)$/,
      /^Gina Agent \(agent\) \| Resolved \(problem solved\): “Updated the router firmware”$/,
      /^caseflow \| Resolve-by SLA met$/,
      /^caseflow \| Entitlement charged once: \d+ left$/,
      /^caseflow \| Satisfaction survey sent by email$/,
      /^Alice Gold \(customer\) \| Answered the survey: 5\/5 “Great”$/,
    ];
    expect(milestones.filter((m) => !/SLA clock (paused|running again|stopped)/.test(m))).toEqual(expected.map((pattern): unknown => expect.stringMatching(pattern)));
    // The instants are data, not text: the desk shows them in the reader's time zone.
    const entries = timeline.entries as { kind: string; text: string; times: { label: string; at: string }[] }[];
    const clocks = entries.find((e) => e.kind === 'sla-started');
    expect(clocks?.times.map((t) => t.label)).toEqual(['first response by', 'resolve by']);
    for (const t of clocks?.times ?? []) expect(new Date(t.at).toISOString()).toBe(t.at);
    expect(entries.find((e) => e.kind === 'survey-sent')?.times).toEqual([{ label: 'open until', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown }]);
    // No timestamps and no codes in the words.
    for (const e of entries) expect(e.text).not.toMatch(/\d{4}-\d\d-\d\dT|[a-z]_[a-z]/);
    expect(timeline.runs).toEqual([{ runId: expect.any(String) as unknown, startedAt: expect.stringMatching(/^\d{4}-/) as unknown, webUiUrl: null }]);
    const raw = await json(await app.request('GET', `/cases/${String(caseNumber)}/history?raw=true`, as('otto')));
    expect((raw.entries as Json[]).map((e) => e.title)).toEqual(expect.arrayContaining(['Case opened', 'loadCaseContext', 'acceptCase by Gina Agent (agent)', 'applyResolution']));
    expect((await app.request('GET', `/cases/${String(caseNumber)}/history`, as('alice'))).status).toBe(403);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas, and a docs page', async () => {
    const document = await json(await app.request('GET', '/openapi.json'));
    expect(document.openapi).toBe('3.1.0');
    const paths = document.paths as Record<string, Record<string, Json>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/cases', '/cases/{caseNumber}', '/cases/{caseNumber}/resolve', '/cases/{caseNumber}/activities/{activityId}/complete']));
    const resolveBody = (paths['/cases/{caseNumber}/resolve']!.post!.requestBody as { content: Record<string, { schema: Json }> }).content['application/json']!.schema;
    expect(resolveBody.required).toEqual(['resolutionText', 'resolutionType']);
    const docs = await app.request('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });
});
