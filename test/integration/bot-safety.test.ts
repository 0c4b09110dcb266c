import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Activity } from 'botbuilder';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * Issue #11, found from outside: a disabled user kept chatting, bad bodies answered 500, the bot
 * replied to whatever serviceUrl it was given (the app's own connector included, landing in another
 * user's Direct Line transcript), and a chat user's chosen name was stored as if it were verified.
 * Each test calls the real app as an outsider would.
 */

/** What must never reach a caller: stack frames, file names, the fetch error of a token check. */
const NO_INTERNALS = /Error:|\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|stack|fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/i;

interface Listener {
  readonly url: string;
  readonly received: { url: string; body: Record<string, unknown> }[];
  stop(): Promise<void>;
}

/** A local HTTP server that records whatever is POSTed to it (a channel's Connector service, or a bystander). */
async function startListener(): Promise<Listener> {
  const received: Listener['received'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ url: req.url ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `captured-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly body: Record<string, unknown> & { token?: string; conversationId?: string; streamUrl?: string; id?: string; activities?: Activity[]; detail?: string; title?: string };
}

async function call(url: string, init: { method?: string; token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: Answer['body'];
  try {
    parsed = text ? (JSON.parse(text) as Answer['body']) : {};
  } catch {
    parsed = {};
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, body: parsed };
}

function expectProblem(answer: Answer, status: number, detail: RegExp): void {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//) as unknown, title: expect.any(String) as unknown });
  expect(String(answer.body.detail)).toMatch(detail);
  expect(answer.text).not.toMatch(NO_INTERNALS);
}

/** `{"a":{"a":…}}` nested `depth` levels. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

let temporal: { env: TestWorkflowEnvironment; bundle: { code: string } } | undefined;
async function sharedTemporal(): Promise<{ env: TestWorkflowEnvironment; bundle: { code: string } }> {
  if (!temporal) {
    const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
    temporal = { env, bundle };
  }
  return temporal;
}

afterAll(async () => {
  await temporal?.env.teardown();
});

interface Conversation {
  readonly token: string;
  readonly conversationId: string;
  readonly streamUrl: string;
}

async function startConversation(app: RunningApp, apiToken?: string): Promise<Conversation> {
  const generated = await call(`${app.baseUrl}/v3/directline/tokens/generate`, { method: 'POST', ...(apiToken ? { token: apiToken } : {}) });
  expect(generated.status, generated.text).toBe(200);
  const started = await call(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST', token: generated.body.token! });
  expect(started.status, started.text).toBe(201);
  return { token: generated.body.token!, conversationId: generated.body.conversationId!, streamUrl: started.body.streamUrl! };
}

async function transcript(app: RunningApp, conversation: Conversation): Promise<Activity[]> {
  const page = await createDirectLineTranscripts(app.database.db).after(conversation.conversationId, 0, 1000);
  return page?.activities ?? [];
}

async function postActivity(app: RunningApp, conversation: Conversation, activity: Record<string, unknown>): Promise<Answer> {
  return call(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities`, { method: 'POST', token: conversation.token, body: { type: 'message', ...activity } });
}

async function disable(app: RunningApp, username: string): Promise<void> {
  await app.database.db('users').where({ username }).update({ disabled: true });
}

function channelActivity(serviceUrl: string, conversationId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `act-${Math.random().toString(36).slice(2, 8)}`,
    timestamp: new Date().toISOString(),
    channelId: 'emulator',
    serviceUrl,
    from: { id: `user-${conversationId}`, name: 'Visitor', role: 'user' },
    conversation: { id: conversationId },
    recipient: { id: 'caseflow-bot', name: 'caseflow', role: 'bot' },
    text: 'help',
    ...extra,
  };
}

describe('the bot channel in test mode, with the channel\'s Connector service on the allow list', () => {
  let app: RunningApp;
  let connector: Listener;
  let bystander: Listener;

  beforeAll(async () => {
    const { env, bundle } = await sharedTemporal();
    [connector, bystander] = await Promise.all([startListener(), startListener()]);
    app = await startApp(env, 'postgres', bundle, { BOT_ALLOWED_SERVICE_URLS: connector.url });
  });

  afterAll(async () => {
    await app?.stop();
    await connector?.stop();
    await bystander?.stop();
  });

  describe('disabled users', () => {
    it('refuses a disabled user\'s Direct Line conversation at once: token refresh, new tokens, activities, and the open websocket', async () => {
      const apiToken = await app.login('bob');
      const conversation = await startConversation(app, apiToken);
      expect((await postActivity(app, conversation, { text: 'help' })).status).toBe(200);
      const ws = new WebSocket(conversation.streamUrl);
      const pushed: string[] = [];
      ws.on('message', (data: Buffer) => {
        if (data.length > 0) pushed.push(...(JSON.parse(data.toString('utf8')) as { activities: Activity[] }).activities.map((a) => a.text ?? ''));
      });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      await eventually(() => Promise.resolve(pushed.length), (n) => n >= 2);

      await disable(app, 'bob');
      const before = (await transcript(app, conversation)).length;

      expectProblem(await call(`${app.baseUrl}/v3/directline/tokens/refresh`, { method: 'POST', token: conversation.token }), 403, /disabled/i);
      expectProblem(await postActivity(app, conversation, { text: 'my cases' }), 403, /disabled/i);
      expectProblem(await call(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}`, { token: conversation.token }), 403, /disabled/i);
      expectProblem(await call(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities`, { token: conversation.token }), 403, /disabled/i);
      // Nothing was stored or run for the refused activity.
      expect((await transcript(app, conversation)).length).toBe(before);
      // A new token: the API already refuses the disabled account's bearer token, so no anonymous chat either.
      const generated = await call(`${app.baseUrl}/v3/directline/tokens/generate`, { method: 'POST', token: apiToken });
      expect([401, 403]).toContain(generated.status);
      expect(generated.contentType).toMatch(/^application\/problem\+json/);
      expect(generated.body.token).toBeUndefined();

      // The next activity of the conversation (here a notification another process stores) is not pushed: the socket closes.
      const pushedBefore = pushed.length;
      await createDirectLineTranscripts(app.database.db).append(conversation.conversationId, (watermark) => ({
        type: 'message', id: `${conversation.conversationId}|${watermark}`, text: 'an update on your case', from: { id: 'caseflow', role: 'bot' }, conversation: { id: conversation.conversationId },
      }) as unknown as Activity);
      expect(await closed).toBe(1008);
      expect(pushed.slice(pushedBefore)).toEqual([]);
    });

    it('sends a disabled user no chat notification, and gives it up at once with the reason', async () => {
      const conversation = await startConversation(app, await app.login('otto'));
      await disable(app, 'otto');
      const before = (await transcript(app, conversation)).length;
      const otto = (await app.database.db('users').where({ username: 'otto' }).first<{ id: string }>('id')).id;
      await app.database.db('notifications').insert({ idempotency_key: 'disabled-otto', kind: 'sla_warning', channel: 'bot', recipient_user_id: otto, payload: JSON.stringify({ caseNumber: 'CAS-01234', message: 'due soon' }) });
      const row = await eventually(
        () => app.database.db('notifications').where({ idempotency_key: 'disabled-otto' }).first<{ delivered_at: Date | null; last_error: string | null; attempts: number }>('delivered_at', 'last_error', 'attempts'),
        (r) => r?.last_error !== null,
      );
      expect(row).toMatchObject({ delivered_at: null, last_error: 'the recipient\'s account is disabled: nothing is sent to it in chat' });
      expect(row?.attempts).toBeGreaterThanOrEqual(5);
      expect((await transcript(app, conversation)).length).toBe(before);
    });

    it('answers a linked chat user whose account was disabled with a friendly reply, and runs nothing', async () => {
      const conversationId = `conv-sam-${Math.random().toString(36).slice(2, 8)}`;
      const say = async (text: string) => {
        const before = connector.received.length;
        const posted = await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity(connector.url, conversationId, { text }) });
        expect(posted.status, posted.text).toBe(200);
        return connector.received.slice(before).map((r) => (typeof r.body.text === 'string' ? r.body.text : '')).join('\n');
      };
      expect(await say('link sam')).toMatch(/^Linked: you are Sam Agent/);
      expect(await say('my queues')).toMatch(/^Your queues:/);
      await disable(app, 'sam');
      const reply = await say('my queues');
      expect(reply).toMatch(/your caseflow account is disabled/i);
      expect(reply).not.toMatch(/queue/i);
      // Linking again, even by another route, does not bring the account back.
      const other = `conv-sam2-${Math.random().toString(36).slice(2, 8)}`;
      const posted = await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity(connector.url, other, { text: 'link sam' }) });
      expect(posted.status).toBe(200);
      expect(String(connector.received.at(-1)?.body.text)).toMatch(/disabled/i);
      expect(String(connector.received.at(-1)?.body.text)).not.toMatch(/^Linked/);
    });
  });

  describe('bad bodies get 4xx problem+json, never 500', () => {
    it('does not cap a channel\'s turns at the per-address limit of people (80 at once from one address are all answered)', async () => {
      // Found by npm run bench: the channels post every user's turns from a few addresses, and
      // /api/messages shared the 20/s (burst 50) per-address bucket, so most turns got 429.
      const answers = await Promise.all(Array.from({ length: 80 }, () => call(`${app.baseUrl}/api/messages`, { method: 'POST', body: {} })));
      expect(answers.map((a) => a.status).filter((status) => status !== 400)).toEqual([]);
    });

    it('answers an empty activity on /api/messages with 400 naming what an activity needs', async () => {
      const answer = await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: {} });
      expectProblem(answer, 400, /type/);
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/body/type' })]));
      expectProblem(await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: { type: 'message' } }), 400, /serviceUrl/);
      expectProblem(await call(`${app.baseUrl}/api/messages`, { method: 'POST', rawBody: '[1,2]' }), 400, /object/);
    });

    it('answers text PostgreSQL cannot store (a NUL, half a surrogate pair) with 400 naming the field, on Direct Line and /api/messages', async () => {
      // Found by the soak: the transcript write failed and the chat got a 500.
      const conversation = await startConversation(app);
      const before = (await transcript(app, conversation)).length;
      for (const text of ['printer\u0000 offline', 'the scanner \ud83d jams']) {
        const answer = await postActivity(app, conversation, { type: 'message', text });
        expectProblem(answer, 400, /text must not contain/);
      }
      expect((await transcript(app, conversation)).length).toBe(before);
      const messages = await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: { ...channelActivity(connector.url, 'conv-nul'), text: 'hi\u0000' } });
      expectProblem(messages, 400, /text must not contain a NUL/);
      expect(messages.body.errors).toEqual([expect.objectContaining({ pointer: '/body/text' })]);
    });

    it('answers a deeply nested activity with 400, on /api/messages and on Direct Line', async () => {
      const deep = nested(5_000);
      const conversation = await startConversation(app);
      const before = (await transcript(app, conversation)).length;
      // Built as text: serializing it would overflow the stack here too (as it did in the server: the 500).
      const activity = `{"type":"message","text":"hi","channelData":${deep}}`;
      const directLine = await call(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities`, { method: 'POST', token: conversation.token, rawBody: activity });
      expectProblem(directLine, 400, /nested/);
      expect((await transcript(app, conversation)).length).toBe(before);
      const messages = await call(`${app.baseUrl}/api/messages`, { method: 'POST', rawBody: `${JSON.stringify(channelActivity(connector.url, 'conv-deep')).slice(0, -1)},"channelData":${deep}}` });
      expectProblem(messages, 400, /nested/);
      // Other Direct Line routes with a body: the same bound.
      expectProblem(await call(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST', token: conversation.token, rawBody: deep }), 400, /nested/);
    });
  });

  describe('the bot replies only to allowed service URLs', () => {
    it('refuses an activity whose serviceUrl is another listener, before any turn, and posts nothing there', async () => {
      const answer = await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity(bystander.url, 'conv-elsewhere') });
      expectProblem(answer, 403, /serviceUrl/);
      expect(bystander.received).toEqual([]);
      const stored = await app.database.db('conversation_references').where({ conversation_id: 'conv-elsewhere' }).select('conversation_id');
      expect(stored).toEqual([]);
    });

    it('never lets /api/messages write into a Direct Line conversation through the app\'s own connector', async () => {
      const victim = await startConversation(app, await app.login('alice'));
      const before = await transcript(app, victim);
      const answer = await call(`${app.baseUrl}/api/messages`, {
        method: 'POST',
        body: channelActivity(`${app.baseUrl}/directline-connector`, victim.conversationId, { channelId: 'directline', text: 'my cases' }),
      });
      expectProblem(answer, 403, /serviceUrl/);
      expect(await transcript(app, victim)).toEqual(before);
    });

    it('still answers the allowed Connector service', async () => {
      const before = connector.received.length;
      expect((await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity(connector.url, 'conv-allowed') })).status).toBe(200);
      expect(connector.received.length).toBeGreaterThan(before);
    });
  });

  describe('display names in the Direct Line transcript', () => {
    it('marks the name an anonymous visitor chose as unverified', async () => {
      const conversation = await startConversation(app);
      expect((await postActivity(app, conversation, { text: 'hello', from: { id: 'whatever', name: 'Gina Agent (support staff)' } })).status).toBe(200);
      const mine = (await transcript(app, conversation)).filter((a) => a.from.role === 'user' && a.type === 'message');
      expect(mine).toHaveLength(1);
      expect(mine[0]!.from).toMatchObject({ name: 'Gina Agent (support staff) (unverified)', properties: { unverified: true } });
    });

    it('names a signed-in user by her caseflow display name as it is now, whatever the client sends', async () => {
      const conversation = await startConversation(app, await app.login('sven'));
      // Renamed after the token was issued: the transcript follows the database, not the token or the client.
      await app.database.db('users').where({ username: 'sven' }).update({ display_name: 'Sven Silverstone' });
      expect((await postActivity(app, conversation, { text: 'hello', from: { id: 'whatever', name: 'Gina Agent (support staff)' } })).status).toBe(200);
      const mine = (await transcript(app, conversation)).filter((a) => a.from.role === 'user' && a.type === 'message');
      expect(mine[0]!.from.name).toBe('Sven Silverstone');
      expect(mine[0]!.from.properties).toBeUndefined();
    });
  });
});

describe('the bot channel in production, with app credentials', () => {
  let app: RunningApp;

  beforeAll(async () => {
    const { env, bundle } = await sharedTemporal();
    app = await startApp(env, 'pglite', bundle, {
      NODE_ENV: 'production',
      MICROSOFT_APP_ID: '00000000-0000-4000-8000-00000000b0b0',
      MICROSOFT_APP_PASSWORD: 'not-a-real-password',
      JWT_SECRET: 'a-production-jwt-secret-of-at-least-32-characters',
      SURVEY_SECRET: 'a-production-survey-secret',
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers a forged Bot Framework token with 401 problem+json and no internals', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'forged' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: 'https://api.botframework.com', aud: '00000000-0000-4000-8000-00000000b0b0', exp: Math.floor(Date.now() / 1000) + 600, serviceurl: 'https://webchat.botframework.com/' })).toString('base64url');
    const answer = await call(`${app.baseUrl}/api/messages`, {
      method: 'POST',
      token: `${header}.${payload}.c2lnbmF0dXJl`,
      body: channelActivity('https://webchat.botframework.com/', 'conv-forged', { channelId: 'webchat' }),
    });
    expectProblem(answer, 401, /token/i);
  });

  it('refuses a serviceUrl outside the Bot Framework\'s channels, and the app\'s own connector, before authenticating', async () => {
    expectProblem(await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity('http://localhost:9/', 'conv-local') }), 403, /serviceUrl/);
    expectProblem(await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity(`${app.baseUrl}/directline-connector`, 'conv-own') }), 403, /serviceUrl/);
  });
});
