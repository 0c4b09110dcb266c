import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * Found from outside: the link in the survey email (`/surveys/{token}`) answered 404, so customers
 * who do not use chat could never answer. The page now serves the survey and records the answer
 * through the case workflow, once.
 */
let temporal: TestWorkflowEnvironment;
let app: RunningApp;
let gina: string;
let alice: string;

type Json = Record<string, unknown>;

/** Opens a case as alice and has gina work it to resolved; returns its number and the survey link. */
async function resolvedCase(title: string): Promise<{ caseNumber: string; link: string }> {
  const opened = await app.request('POST', '/cases', { token: alice, body: { title, description: 'Paper jam', channel: 'web' } });
  expect(opened.status).toBe(201);
  const caseNumber = String(((await opened.json()) as Json).caseNumber);
  const product = await app.database.db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
  for (const [path, body] of [
    ['accept', {}],
    ['steps/customer_confirmed/complete', {}],
    ['details', { productId: product.id, subject: 'Hardware' }],
    ['stage/advance', {}],
    ['activities', { type: 'note', subject: 'Checked the paper path', minutesSpent: 5 }],
    ['stage/advance', {}],
    ['resolve', { resolutionText: 'Cleared the jam', resolutionType: 'problem_solved' }],
  ] as const) {
    const done = await app.request('POST', `/cases/${caseNumber}/${path}`, { token: gina, body });
    expect(done.status, `${path}: ${await done.clone().text()}`).toBe(200);
  }
  // The survey email's link, as the customer receives it (the outbox row the email channel sends).
  const link = await eventually(async () => {
    const row = await app.database.db('notifications as n').join('cases as k', 'k.id', 'n.case_id').where({ 'k.case_number': caseNumber, 'n.kind': 'survey', 'n.channel': 'email' }).first<{ payload: { link: string } } | undefined>('n.payload');
    return row?.payload.link;
  }, (found) => found !== undefined);
  return { caseNumber, link: link! };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  app = await startApp(temporal, 'postgres', bundle);
  [alice, gina] = await Promise.all([app.login('alice'), app.login('gina')]);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

describe('the survey page behind the survey email link', () => {
  it('shows the survey, records the form answer once through the workflow, and refuses a second answer', async () => {
    const { caseNumber, link } = await resolvedCase('Printer jams on every page');
    const path = new URL(link).pathname;
    expect(path).toMatch(/^\/surveys\/[A-Za-z0-9_-]+$/);

    const page = await fetch(`${app.baseUrl}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain(caseNumber);
    expect(html).toContain('Printer jams on every page');
    expect(html).toContain('name="rating"');

    const missingRating = await fetch(`${app.baseUrl}${path}`, form({ comment: 'no stars given' }));
    expect(missingRating.status).toBe(422);
    expect(await missingRating.text()).toContain('Please choose a rating from 1 to 5');

    const answered = await fetch(`${app.baseUrl}${path}`, form({ rating: '4', comment: 'Quick & friendly' }));
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('Thank you');

    const stored = await eventually(async () => {
      const row = await app.database.db('survey_responses as r').join('surveys as s', 's.id', 'r.survey_id').join('cases as k', 'k.id', 's.case_id').where('k.case_number', caseNumber).first<{ rating: number; comment: string; answered_at: Date | null } | undefined>('r.rating', 'r.comment', 's.answered_at');
      return row;
    }, (row) => row !== undefined);
    expect(stored).toMatchObject({ rating: 4, comment: 'Quick & friendly' });
    expect(stored?.answered_at).not.toBeNull();
    // The workflow saw the answer: its state carries the rating.
    const state = (await (await app.request('GET', `/cases/${caseNumber}/state`, { token: alice })).json()) as Json;
    expect(state.survey).toMatchObject({ rating: 4 });
    expect((state.survey as Json).answeredAt).toEqual(expect.any(String));

    const again = await fetch(`${app.baseUrl}${path}`, form({ rating: '1', comment: 'changed my mind' }));
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('text/html');
    expect(await again.text()).toContain('already been answered');
    const againJson = await app.request('POST', path, { body: { rating: 2 } });
    expect(againJson.status).toBe(409);
    expect(againJson.headers.get('content-type')).toContain('application/problem+json');
    const reopened = await fetch(`${app.baseUrl}${path}`);
    expect(reopened.status).toBe(409);
    expect(await reopened.text()).toContain('already been answered');
    expect(await app.database.db('survey_responses as r').join('surveys as s', 's.id', 'r.survey_id').join('cases as k', 'k.id', 's.case_id').where('k.case_number', caseNumber).pluck('r.rating')).toEqual([4]);
  });

  it('takes the answer as JSON (declared in /openapi.json) and validates it as problem+json', async () => {
    const { caseNumber, link } = await resolvedCase('Toner smears');
    const path = new URL(link).pathname;
    const invalid = await app.request('POST', path, { body: { rating: 9 } });
    expect(invalid.status).toBe(422);
    expect(JSON.stringify(await invalid.json())).toContain('/body/rating');
    const answered = await app.request('POST', path, { body: { rating: 5, comment: 'Great' } });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ status: 'recorded', caseNumber, rating: 5 });
    const state = (await (await app.request('GET', `/cases/${caseNumber}/state`, { token: gina })).json()) as Json;
    expect(state.survey).toMatchObject({ rating: 5 });
    const document = (await (await app.request('GET', '/openapi.json')).json()) as { paths: Record<string, Record<string, Json>> };
    expect(document.paths['/surveys/{token}']?.post?.security).toEqual([]);
  });

  it('answers a forged or mangled token with a clear HTML page, never a 500', async () => {
    const forged = 'A'.repeat(43);
    for (const response of [
      await fetch(`${app.baseUrl}/surveys/${forged}`),
      await fetch(`${app.baseUrl}/surveys/${forged}`, form({ rating: '5' })),
      await fetch(`${app.baseUrl}/surveys/%E0%A4%A`, form({ rating: '5' })),
      await fetch(`${app.baseUrl}/surveys/not-a-token!`),
    ]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('This survey link is not valid');
    }
    const json = await app.request('POST', `/surveys/${forged}`, { body: { rating: 5 } });
    expect(json.status).toBe(404);
  });

  it('limits a burst of form answers from one client (guessing tokens), with an HTML page', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const response = await fetch(`${app.baseUrl}/surveys/${'B'.repeat(42)}${i % 10}`, form({ rating: '5' }));
      statuses.push(response.status);
      if (response.status === 429) expect(await response.text()).toContain('Too many attempts');
    }
    expect(statuses).toContain(404);
    // 10 at once, then one a second: 40 quick answers cannot all pass, even on a slow machine.
    expect(statuses).toContain(429);
  });
});
