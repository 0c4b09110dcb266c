import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * Found from outside: a customer read the agent's internal note (subject and body) through
 * /activities and /state, with routing, SLA-policy, rule and owner internals, and staff user ids.
 * A customer now sees, field by field, only what is theirs; staff still see everything.
 */
let temporal: TestWorkflowEnvironment;
let app: RunningApp;
let alice: string;
let gina: string;
let caseNumber: string;
let opened: Record<string, unknown>;

const INTERNAL_CASE_FIELDS = ['workflowId', 'queueId', 'ownerUserId', 'createdByUserId', 'entitlementId', 'isEntitled', 'slaPolicyId', 'routingRuleId', 'statusReason', 'version', 'requestId'];

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  app = await startApp(temporal, 'postgres', bundle);
  [alice, gina] = await Promise.all([app.login('alice'), app.login('gina')]);
  const response = await app.request('POST', '/cases', { token: alice, body: { title: 'Printer offline', description: 'Since this morning', channel: 'web' } });
  expect(response.status).toBe(201);
  opened = (await response.json()) as Record<string, unknown>;
  caseNumber = String(opened.caseNumber);
  for (const [path, body] of [
    ['accept', undefined],
    ['activities', { type: 'note', subject: 'Internal: customer is a VIP, offer a loan printer', body: 'Do not mention the loan unless asked', minutesSpent: 5 }],
    ['replies', { text: 'We are looking into it.' }],
  ] as const) {
    const done = await app.request('POST', `/cases/${caseNumber}/${path}`, { token: gina, ...(body ? { body } : {}) });
    expect(done.status, path).toBe(200);
  }
  expect((await app.request('POST', `/cases/${caseNumber}/notes`, { token: alice, body: { text: 'It is the X200 model' } })).status).toBe(200);
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

describe('the customer view of a case', () => {
  it('POST /cases and GET /cases/{n} show the customer no internal field', async () => {
    const got = (await (await app.request('GET', `/cases/${caseNumber}`, { token: alice })).json()) as Record<string, unknown>;
    for (const body of [opened, got]) {
      for (const field of INTERNAL_CASE_FIELDS) expect(body, field).not.toHaveProperty(field);
      expect(body).toMatchObject({ caseNumber, title: 'Printer offline', status: 'active' });
    }
    const list = (await (await app.request('GET', '/cases', { token: alice })).json()) as { items: Record<string, unknown>[] };
    for (const item of list.items) for (const field of INTERNAL_CASE_FIELDS) expect(item, field).not.toHaveProperty(field);
  });

  it('the activities are the reply and the customer\'s own note, with no staff id and no internal note', async () => {
    const { items } = (await (await app.request('GET', `/cases/${caseNumber}/activities`, { token: alice })).json()) as { items: Record<string, unknown>[] };
    expect(items.map((a) => [a.type, a.direction, a.body])).toEqual([
      ['email', 'outbound', 'We are looking into it.'],
      ['note', 'inbound', 'It is the X200 model'],
    ]);
    for (const item of items) {
      expect(item).not.toHaveProperty('createdByUserId');
      expect(item).not.toHaveProperty('minutesSpent');
    }
    expect(JSON.stringify(items)).not.toContain('VIP');
  });

  it('the live state carries no internal note, owner, routing, entitlement or staff id', async () => {
    const state = (await (await app.request('GET', `/cases/${caseNumber}/state`, { token: alice })).json()) as Record<string, unknown>;
    const text = JSON.stringify(state);
    expect(text).not.toContain('VIP');
    expect(text).not.toContain('loan');
    for (const field of [...INTERNAL_CASE_FIELDS, 'routing', 'entitlement', 'slaPolicy', 'customerTier', 'openActivities']) expect(state, field).not.toHaveProperty(field);
    const staffIds = (await app.database.db('users').whereNot({ role: 'customer' }).pluck<string[]>('id'));
    for (const id of staffIds) expect(text).not.toContain(id);
    expect(state).toMatchObject({ caseNumber, status: 'active', stage: 'identify' });
    expect((state.activities as unknown[]).length).toBe(2);
    // The answer to the customer's own action is the same customer view.
    const afterNote = (await (await app.request('POST', `/cases/${caseNumber}/notes`, { token: alice, body: { text: 'Still offline' } })).json()) as Record<string, unknown>;
    expect(JSON.stringify(afterNote)).not.toContain('VIP');
    expect(afterNote).not.toHaveProperty('ownerUserId');
  });

  it('staff still see everything, the internal note included', async () => {
    const { items } = (await (await app.request('GET', `/cases/${caseNumber}/activities`, { token: gina })).json()) as { items: { subject: string; createdByUserId: string | null }[] };
    expect(items.map((a) => a.subject)).toContain('Internal: customer is a VIP, offer a loan printer');
    const state = (await (await app.request('GET', `/cases/${caseNumber}/state`, { token: gina })).json()) as Record<string, unknown>;
    expect(state).toHaveProperty('ownerUserId');
    expect(state).toHaveProperty('routing');
  });
});
