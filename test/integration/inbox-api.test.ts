import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/** What the inbox stands on: POST /cases/take-next and GET /cases/events (the live list). */
let temporal: TestWorkflowEnvironment;
let app: RunningApp;
const tokens: Record<string, string> = {};
let goldQueueId: string;

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  app = await startApp(temporal, 'postgres', bundle);
  for (const user of ['alice', 'bob', 'gina', 'sam', 'sue']) tokens[user] = await app.login(user);
  goldQueueId = (await app.database.db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id')).id;
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

type Json = Record<string, unknown>;
const takeNext = (user: string, body: Json = { queueId: goldQueueId }) => app.request('POST', '/cases/take-next', { token: tokens[user]!, body });
const open = async (title: string, user = 'alice'): Promise<string> => {
  const response = await app.request('POST', '/cases', { token: tokens[user]!, body: { title } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { caseNumber: string }).caseNumber;
};

/** Takes every case waiting in the gold queue (as Sue), so a test starts from an empty queue. */
async function drainGold(): Promise<void> {
  for (let i = 0; i < 50; i++) if ((await takeNext('sue')).status === 404) return;
  throw new Error('the gold queue did not empty');
}

/** Reads a server-sent event stream: `until` collects events until one is accepted (or the deadline). */
function eventsOf(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async function until(accept: (event: { event: string; data: Json }) => boolean, timeoutMs = 10_000) {
    const seen: { event: string; data: Json }[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        const event = { event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data) as Json };
        seen.push(event);
        if (accept(event)) return seen;
      }
      const left = deadline - Date.now();
      if (left <= 0) return seen;
      const next = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), left))]);
      if (next === null || next.done) return seen;
      buffer += next.value;
    }
  };
}

describe('take next (POST /cases/take-next)', () => {
  it('accepts the waiting case with the nearest deadline, answers it with its Location, and 404 when nothing waits', async () => {
    await drainGold();
    const first = await open('Docking station not detected');
    const second = await open('Headset crackles');
    const taken = await takeNext('gina');
    expect(taken.status).toBe(200);
    const body = (await taken.json()) as { caseNumber: string; ownerUserId: string };
    expect(body.caseNumber).toBe(first);
    expect(taken.headers.get('location')).toBe(`/cases/${first}`);
    const gina = await app.database.db('users').where({ username: 'gina' }).first<{ id: string }>('id');
    expect(body.ownerUserId).toBe(gina.id);
    expect((await takeNext('gina')).status).toBe(200); // then the second
    const state = (await (await app.request('GET', `/cases/${second}/state`, { token: tokens.gina! })).json()) as { ownerUserId: string };
    expect(state.ownerUserId).toBe(gina.id);

    const none = await takeNext('gina');
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(((await none.json()) as { detail: string }).detail).toMatch(/nothing is waiting/);
  });

  it('never gives one case to two agents: the workflow refuses the second, who gets the next or 404', async () => {
    await drainGold();
    const only = await open('Laptop fan is loud');
    const [a, b] = await Promise.all([takeNext('gina'), takeNext('sue')]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 404]);
    const winner = (await (a.status === 200 ? a : b).json()) as { caseNumber: string };
    expect(winner.caseNumber).toBe(only);
  });

  it('with an Idempotency-Key, a retry after a lost answer gets the case the first request took, not a second one', async () => {
    await drainGold();
    const first = await open('Monitor flickers');
    const second = await open('Mouse double-clicks');
    const headers = { 'idempotency-key': 'take-next-retry-0001' };
    const taken = await app.request('POST', '/cases/take-next', { token: tokens.gina!, body: { queueId: goldQueueId }, headers });
    expect(taken.status).toBe(200);
    expect(((await taken.json()) as { caseNumber: string }).caseNumber).toBe(first);
    // The answer was "lost": the desk sends the same request again.
    const again = await app.request('POST', '/cases/take-next', { token: tokens.gina!, body: { queueId: goldQueueId }, headers });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { caseNumber: string }).caseNumber).toBe(first);
    const stillWaiting = (await (await app.request('GET', `/cases/${second}/state`, { token: tokens.sue! })).json()) as { ownerUserId: string | null; status: string };
    expect(stillWaiting.ownerUserId).toBeNull();
    // Another key is another request: the next case.
    const next = await app.request('POST', '/cases/take-next', { token: tokens.gina!, body: { queueId: goldQueueId }, headers: { 'idempotency-key': 'take-next-retry-0002' } });
    expect(((await next.json()) as { caseNumber: string }).caseNumber).toBe(second);
    // A key that is not one answers 422 naming the header, and takes nothing.
    const bad = await app.request('POST', '/cases/take-next', { token: tokens.gina!, body: { queueId: goldQueueId }, headers: { 'idempotency-key': 'no' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('idempotency-key');
  });

  it('refuses a queue the caller is not in (422) and customers (403)', async () => {
    const notMine = await takeNext('sam');
    expect(notMine.status).toBe(422);
    expect(JSON.stringify(await notMine.json())).toContain('queueId');
    expect((await takeNext('alice', {})).status).toBe(403);
  });
});

describe('the live list (GET /cases/events)', () => {
  it('tells an agent within seconds when a case in her queues changes, and nobody who may not see it', async () => {
    const abort = new AbortController();
    const follow = (user: string) => fetch(`${app.baseUrl}/cases/events`, { headers: { authorization: `Bearer ${tokens[user]!}` }, signal: abort.signal });
    const [ginaStream, bobStream] = await Promise.all([follow('gina'), follow('bob')]);
    expect(ginaStream.status).toBe(200);
    expect(ginaStream.headers.get('content-type')).toContain('text/event-stream');
    const [gina, bob] = [eventsOf(ginaStream), eventsOf(bobStream)];
    expect((await gina((e) => e.event === 'ready'))[0]?.event).toBe('ready');
    await bob((e) => e.event === 'ready');
    // Let the first look of the stream learn what is there.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    // Another actor: Alice (a customer) opens a case; it lands in the gold queue.
    const opened = await open('Webcam shows a black image');
    const named = (e: { event: string; data: Json }) => e.event === 'changed' && (e.data.cases as string[]).includes(opened);
    expect((await gina(named)).some(named)).toBe(true);

    // Another: Sue (a supervisor) assigns it to Gina.
    const ginaId = (await app.database.db('users').where({ username: 'gina' }).first<{ id: string }>('id')).id;
    expect((await app.request('POST', `/cases/${opened}/assign`, { token: tokens.sue!, body: { userId: ginaId } })).status).toBe(200);
    expect((await gina(named)).some(named)).toBe(true);

    // Bob may not see Alice's case: his stream never names it.
    expect((await bob(named, 1_000)).some(named)).toBe(false);
    abort.abort();
  });

  it('answers 401 without a token', async () => {
    expect((await fetch(`${app.baseUrl}/cases/events`)).status).toBe(401);
  });
});
