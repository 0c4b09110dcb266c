import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import { getCaseStateQuery } from '../../workflows/messages';
import { bundleCaseWorkflows } from '../support/case-harness';
import { databaseKinds } from '../support/databases';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let workflowBundle: { code: string };

beforeAll(async () => {
  [temporal, workflowBundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
});

afterAll(async () => {
  await temporal?.teardown();
});

describe.each(databaseKinds)('opening a case over HTTP on a real Temporal server (%s)', (kind) => {
  let app: RunningApp;
  let token: string;
  let goldContactId: string;

  beforeAll(async () => {
    app = await startApp(temporal, kind, workflowBundle);
    token = await app.login('gina');
    const contact = await app.database.db('contacts').where({ email: DEMO.goldContactEmail }).first<{ id: string }>('id');
    goldContactId = contact.id;
  });

  afterAll(async () => {
    await app?.stop();
  });

  const printerCase = () => ({
    title: 'Printer shows offline',
    description: 'The office printer has been offline since this morning.',
    customer: { type: 'contact', id: goldContactId },
    channel: 'email',
  });
  const openCase = (body: unknown, idempotencyKey?: string) =>
    app.request('POST', '/cases', { token, body, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });

  it('reports Temporal and the database healthy', async () => {
    const response = await app.request('GET', '/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { temporal: { status: 'ok' }, database: { status: 'ok' } } });
  });

  it('starts a case workflow whose activity writes the row that GET returns', async () => {
    const created = await openCase(printerCase());
    expect(created.status).toBe(201);
    const body = (await created.json()) as { caseNumber: string; workflowId: string };
    expect(body).toMatchObject({ title: 'Printer shows offline', status: 'active', stage: 'identify', channel: 'email', priority: 'normal' });
    expect(body.caseNumber).toMatch(/^CAS-\d{5}$/);
    expect(body.workflowId).toBe(`case-${body.caseNumber}`);
    expect(created.headers.get('location')).toBe(`/cases/${body.caseNumber}`);

    const workflow = app.client.workflow.getHandle(body.workflowId);
    expect((await workflow.describe()).status.name).toBe('RUNNING');
    expect(await workflow.query(getCaseStateQuery)).toMatchObject({ caseNumber: body.caseNumber, customer: { type: 'contact', id: goldContactId } });

    const read = await app.request('GET', created.headers.get('location')!, { token });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ caseNumber: body.caseNumber, title: 'Printer shows offline', customer: { type: 'contact', id: goldContactId } });
  });

  it('gives the same case for the same Idempotency-Key, and a new one for another', async () => {
    const key = randomUUID();
    const first = (await (await openCase(printerCase(), key)).json()) as { caseNumber: string };
    const again = await openCase(printerCase(), key);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { caseNumber: string }).caseNumber).toBe(first.caseNumber);
    const other = (await (await openCase(printerCase(), randomUUID())).json()) as { caseNumber: string };
    expect(other.caseNumber).not.toBe(first.caseNumber);
    const rows = await app.database.db('cases').where({ case_number: first.caseNumber }).count<{ count: string }[]>('* as count');
    expect(Number(rows[0]?.count)).toBe(1);
  });

  it('refuses bad input with problem+json naming the field, and opens nothing', async () => {
    const before = await app.database.db('cases').count<{ count: string }[]>('* as count');
    const response = await openCase({ ...printerCase(), channel: 'pigeon' });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/body/channel']);

    const unknownCustomer = await openCase({ ...printerCase(), customer: { type: 'contact', id: randomUUID() } });
    expect(unknownCustomer.status).toBe(422);
    expect(((await unknownCustomer.json()) as { detail: string }).detail).toContain('customer.id');

    const notJson = await fetch(`${app.baseUrl}/cases`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"title":' });
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get('content-type')).toContain('application/problem+json');

    const after = await app.database.db('cases').count<{ count: string }[]>('* as count');
    expect(after[0]?.count).toBe(before[0]?.count);
  });

  it('answers 404 problem+json for an unknown case and 422 for a malformed number', async () => {
    const unknown = await app.request('GET', '/cases/CAS-99999', { token });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { type: string }).type).toMatch(/not-found$/);
    const malformed = await app.request('GET', '/cases/hello', { token });
    expect(malformed.status).toBe(422);
  });
});
