import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseProblemRepository } from '../../db/repositories/case-problem.repository';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * Faults answered (found from outside): a value PostgreSQL cannot store, or an id that does not
 * exist, used to reach the workflow and wedge the case for ever (its first write failing on every
 * attempt); with no worker running a case action never answered; an outage answered a bare 500.
 * Now bad input gets 422 naming the field and never reaches a workflow, and a case that cannot
 * answer in time gets 503 with Retry-After.
 */
let temporal: TestWorkflowEnvironment;
let appConnection: Connection;
let app: RunningApp;
let alice: string;
let gina: string;

interface Problem {
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly { pointer: string }[];
  readonly context?: { readonly mayStillHappen?: boolean };
}

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  // The app's own connection, so the server can be killed under it (as an outage would).
  appConnection = await Connection.connect({ address: temporal.address });
  app = await startApp(temporal, 'postgres', bundle, { CASE_ANSWER_TIMEOUT_SECONDS: '2' }, { connection: appConnection });
  [alice, gina] = await Promise.all([app.login('alice'), app.login('gina')]);
});

afterAll(async () => {
  await app?.stop();
  await appConnection?.close();
  await temporal?.teardown().catch(() => undefined);
});

const caseRows = async () => Number((await app.database.db('cases').count<{ count: string }[]>('* as count'))[0]!.count);

async function openCase(title = 'Printer offline'): Promise<string> {
  const response = await app.request('POST', '/cases', { token: alice, body: { title, channel: 'web' } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { caseNumber: string }).caseNumber;
}

describe('input the database cannot store, or ids that do not exist, never reach a workflow', () => {
  it.each([
    ['a title with a NUL character', { title: 'Printer\u0000 offline', channel: 'web' }, 'title'],
    ['a description with a lone surrogate', { title: 'Printer offline', description: 'broken \ud800 text', channel: 'web' }, 'description'],
    ['a product that does not exist', { title: 'Printer offline', channel: 'web', productId: '00000000-0000-4000-8000-000000000000' }, 'productId'],
  ])('POST /cases with %s answers 422 naming the field and opens nothing', async (_what, body, field) => {
    const before = await caseRows();
    const response = await app.request('POST', '/cases', { token: alice, body });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.errors?.map((e) => e.pointer)).toEqual([`/body/${field}`]);
    expect(await caseRows()).toBe(before);
  });

  it.each([
    ['/cases?q=printer%00offline', '/query/q'],
    ['/contacts?q=al%00ice', '/query/q'],
  ])('GET %s (a NUL in a search) answers 422 naming the parameter, not 500', async (path, pointer) => {
    const response = await app.request('GET', path, { token: gina });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Problem).errors?.map((e) => e.pointer)).toEqual([pointer]);
  });

  it('a live case refuses an unknown product or unstorable text with 422, and keeps working', async () => {
    const caseNumber = await openCase();
    expect((await app.request('POST', `/cases/${caseNumber}/accept`, { token: gina })).status).toBe(200);
    const unknownProduct = await app.request('POST', `/cases/${caseNumber}/details`, { token: gina, body: { productId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknownProduct.status).toBe(422);
    expect(((await unknownProduct.json()) as Problem).errors?.map((e) => e.pointer)).toEqual(['/body/productId']);
    const badNote = await app.request('POST', `/cases/${caseNumber}/notes`, { token: alice, body: { text: 'half a pair \udc00' } });
    expect(badNote.status).toBe(422);
    // The case still answers and records: a real product and a note go through at once.
    const product = await app.database.db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
    const details = await app.request('POST', `/cases/${caseNumber}/details`, { token: gina, body: { productId: product.id } });
    expect(details.status).toBe(200);
    const note = await app.request('POST', `/cases/${caseNumber}/notes`, { token: alice, body: { text: 'It is the X200 model' } });
    expect(note.status).toBe(200);
    const row = await app.database.db('cases').where({ case_number: caseNumber }).first<{ product_id: string }>('product_id');
    expect(row.product_id).toBe(product.id);
  });
});

describe('cases needing attention', () => {
  it('operators list the cases with a refused write; customers may not', async () => {
    // As the workflow's report does when the database refuses a write for good.
    await createCaseProblemRepository(app.database.db).report('CAS-09999', 'record', 'insert or update on table "cases" violates foreign key constraint');
    const listed = await app.request('GET', '/operations/cases-needing-attention', { token: await app.login('otto') });
    expect(listed.status).toBe(200);
    const { items } = (await listed.json()) as { items: { caseNumber: string; effect: string; occurrences: number }[] };
    expect(items.filter((i) => i.caseNumber === 'CAS-09999')).toEqual([expect.objectContaining({ effect: 'record', occurrences: 1 })]);
    expect((await app.request('GET', '/operations/cases-needing-attention', { token: alice })).status).toBe(403);
  });
});

describe('an Idempotency-Key names one request', () => {
  it('sent again with the same body returns the first case; with a different body it is refused with 422 and opens nothing', async () => {
    const headers = { 'idempotency-key': 'one-request-0001' };
    const first = await app.request('POST', '/cases', { token: alice, body: { title: 'Scanner jams', channel: 'web' }, headers });
    expect(first.status).toBe(201);
    const { caseNumber } = (await first.json()) as { caseNumber: string };
    const again = await app.request('POST', '/cases', { token: alice, body: { title: 'Scanner jams', channel: 'web' }, headers });
    expect(((await again.json()) as { caseNumber: string }).caseNumber).toBe(caseNumber);
    const before = await caseRows();
    const other = await app.request('POST', '/cases', { token: alice, body: { title: 'Something else entirely', channel: 'web' }, headers });
    expect(other.status).toBe(422);
    expect(((await other.json()) as Problem).detail).toContain('different request');
    expect(await caseRows()).toBe(before);
  });
});

describe('a case whose worker is gone answers 503 with Retry-After, within the configured time', () => {
  it('a note and the live state answer 503 after about 2 s, not never; the note is safe to retry with its key', async () => {
    const caseNumber = await openCase('Nobody to run me');
    await app.stopWorker();

    const started = Date.now();
    const note = await app.request('POST', `/cases/${caseNumber}/notes`, { token: alice, body: { text: 'Any news?' }, headers: { 'idempotency-key': 'note-while-down-0001' } });
    const waited = Date.now() - started;
    // On a failure, say what came back instead.
    if (note.status !== 503) console.error('note answered', note.status, await note.clone().text());
    expect(note.status).toBe(503);
    expect(Number(note.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = (await note.json()) as Problem;
    expect(problem.context?.mayStillHappen).toBe(true);
    expect(problem.detail).toContain('same Idempotency-Key is safe');
    expect(waited).toBeGreaterThanOrEqual(2_000);
    expect(waited).toBeLessThan(15_000);

    const state = await app.request('GET', `/cases/${caseNumber}/state`, { token: alice });
    if (state.status !== 503) console.error('state answered', state.status, await state.clone().text());
    expect(state.status).toBe(503);
    expect(state.headers.get('retry-after')).not.toBeNull();
    // The read model still answers: the case is there, as last recorded.
    expect((await app.request('GET', `/cases/${caseNumber}`, { token: alice })).status).toBe(200);
  });

  it('a case opened meanwhile answers 202 with a Location that answers 202 too (not 404) until it is recorded', async () => {
    const opened = await app.request('POST', '/cases', { token: alice, body: { title: 'Opened while no worker runs', channel: 'web' } });
    expect(opened.status).toBe(202);
    const location = opened.headers.get('location')!;
    expect(location).toMatch(/^\/cases\/CAS-\d{5,}$/);
    const followed = await app.request('GET', location, { token: alice });
    expect(followed.status).toBe(202);
    expect(followed.headers.get('retry-after')).toBe('1');
    // Only to the one who asked: anyone else learns nothing about the number.
    expect((await app.request('GET', location, { token: await app.login('bob') })).status).toBe(404);
  });

  it('with Temporal itself down, the live state answers 503, not 500', async () => {
    const caseNumber = (await app.database.db('cases').first<{ case_number: string }>('case_number')).case_number;
    await temporal.teardown();
    const state = await app.request('GET', `/cases/${caseNumber}/state`, { token: alice });
    expect(state.status).toBe(503);
    expect(state.headers.get('retry-after')).not.toBeNull();
    expect(((await state.json()) as Problem).detail).toMatch(/unavailable|did not answer/);

    // Opening a case answers 503 within the answer timeout (2 s here) plus its own checks, not after
    // the client's ~20 s of retries; the same key after the outage is safe.
    const started = Date.now();
    const opened = await app.request('POST', '/cases', { token: alice, headers: { 'idempotency-key': 'opened-while-temporal-is-down' }, body: { title: 'Opened while Temporal is down', channel: 'web' } });
    expect(opened.status).toBe(503);
    expect(opened.headers.get('retry-after')).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});
