import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/** GET /cases/{n}/events tells an open case page that the case changed, within seconds. */
let temporal: TestWorkflowEnvironment;
let app: RunningApp;
let alice: string;
let gina: string;
let bob: string;

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  app = await startApp(temporal, 'postgres', bundle);
  [alice, gina, bob] = await Promise.all([app.login('alice'), app.login('gina'), app.login('bob')]);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

/** Reads a server-sent event stream: `until` waits for an event it accepts (or the deadline). */
function eventsOf(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async function until(accept: (data: { version: number }) => boolean, timeoutMs = 10_000): Promise<{ version: number }[]> {
    const seen: { version: number }[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, cut))?.[1];
        buffer = buffer.slice(cut + 2);
        if (!data) continue;
        const event = JSON.parse(data) as { version: number };
        seen.push(event);
        if (accept(event)) return seen;
      }
      if (Date.now() > deadline) return seen;
      const { value, done } = await reader.read();
      if (done) return seen;
      buffer += value;
    }
  };
}

describe('case events', () => {
  it('streams the case version, and a new one when an agent acts', async () => {
    const opened = (await (await app.request('POST', '/cases', { token: alice, body: { title: 'Monitor flickers' } })).json()) as { caseNumber: string };
    const controller = new AbortController();
    const stream = await fetch(`${app.baseUrl}/cases/${opened.caseNumber}/events`, { headers: { authorization: `Bearer ${alice}` }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const until = eventsOf(stream);
    const [first] = await until(() => true);
    expect(first?.version).toBeGreaterThanOrEqual(1);
    expect((await app.request('POST', `/cases/${opened.caseNumber}/accept`, { token: gina })).status).toBe(200);
    const seen = await until((event) => event.version > first!.version);
    controller.abort();
    expect(seen.at(-1)?.version).toBeGreaterThan(first!.version);
  });

  it('answers 401 without a token and 404 for a case the caller may not see', async () => {
    const opened = (await (await app.request('POST', '/cases', { token: alice, body: { title: 'Keyboard missing keys' } })).json()) as { caseNumber: string };
    expect((await fetch(`${app.baseUrl}/cases/${opened.caseNumber}/events`)).status).toBe(401);
    const hidden = await fetch(`${app.baseUrl}/cases/${opened.caseNumber}/events`, { headers: { authorization: `Bearer ${bob}` } });
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toContain('application/problem+json');
  });
});
