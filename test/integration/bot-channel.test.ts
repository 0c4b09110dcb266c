import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Activity, ConversationState, type StoreItem, TestAdapter } from 'botbuilder';
import pino from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotAdapter, TURN_ERROR_MESSAGE } from '../../bot/adapter';
import { BotStateStorage, StorageConflictError } from '../../bot/bot-state-storage';
import { createConversationReferences, defaultServiceUrlAllowList, isAllowedServiceUrl } from '../../bot/conversation-references';
import { DirectLineTokens, usesChannelAuthorization } from '../../bot/direct-line';
import { createDirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
import { openDatabase, type Database } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { createBotStateRepository } from '../../db/repositories/bot-state.repository';
import { createConversationReferenceRepository } from '../../db/repositories/conversation-reference.repository';
import { bundleCaseWorkflows } from '../support/case-harness';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
/** How the caseflow bot greets a visitor it does not know, and how it answers "hello" and "help". */
const ANONYMOUS_WELCOME = /^Welcome to caseflow support!\n\nI don't know who you are yet/;
const ANONYMOUS_HELLO = /^Hello!\n\nI don't know who you are yet/;
const CUSTOMER_HELP = /You can type:\n\n- \*\*new case\*\*/;
/** What must never reach a user: stack frames, file names, SQL and the database's own words. */
const NO_INTERNALS = /Error:|\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|stack|relation|bot_state|select |insert /i;

/**
 * One real Temporal dev server and workflow bundle for the file's apps (each app has a namespace,
 * a database and a worker of its own), started by the first suite that needs one.
 */
let temporal: Promise<{ env: TestWorkflowEnvironment; bundle: { code: string } }> | undefined;
function sharedTemporal(): Promise<{ env: TestWorkflowEnvironment; bundle: { code: string } }> {
  temporal ??= Promise.all([startLocalTemporal(), bundleCaseWorkflows()]).then(([env, bundle]) => ({ env, bundle }));
  return temporal;
}

afterAll(async () => {
  if (temporal) await (await temporal).env.teardown();
});

/**
 * The app's HTTP server exactly as `npm start` and the server process start it (app/wiring/serving.ts through
 * test/support/http-app.ts): the API's authenticator and rate limiter, the caseflow bot with its
 * state in the database at /api/messages, the self-hosted Direct Line and its connector, and the
 * proactive delivery loop, over a real Temporal server and a seeded database.
 */
async function startRealApp(kind: 'postgres' | 'pglite', env: Record<string, string> = {}): Promise<RunningApp> {
  const { env: temporalEnv, bundle } = await sharedTemporal();
  return startApp(temporalEnv, kind, bundle, env);
}

/**
 * While `work` runs, the bot's state table is gone, as when the database fails in the middle of a
 * turn: a real failure of the real bot, whose error (SQL naming the table) must not reach the user.
 */
async function withBotStateUnavailable(db: Database, work: () => Promise<void>): Promise<void> {
  await db.schema.renameTable('bot_state', 'bot_state_unavailable');
  try {
    await work();
  } finally {
    await db.schema.renameTable('bot_state_unavailable', 'bot_state');
  }
}

interface Captured {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

/**
 * A stand-in for a Bot Framework channel's Connector service: records what the bot sends. The one
 * stand-in in this file, and it has to be one: /api/messages answers by calling the channel's own
 * Connector API at the activity's serviceUrl (Teams, Azure's Web Chat…), which is not part of this app.
 */
async function startCaptureServer(): Promise<{ url: string; received: Captured[]; stop: () => Promise<void> }> {
  const received: Captured[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `captured-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** What the Direct Line endpoint answers (fields by route). */
interface ApiBody {
  readonly conversationId?: string;
  readonly token?: string;
  readonly expires_in?: number;
  readonly streamUrl?: string;
  readonly id?: string;
  readonly activities?: Activity[];
  readonly watermark?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

async function call(url: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: ApiBody }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as ApiBody) : {} };
}

interface ActivitySet {
  activities: Activity[];
  watermark: string;
}

/** Opens a Direct Line stream and records every `{ activities, watermark }` it pushes. */
async function openStream(streamUrl: string): Promise<{ messages: ActivitySet[]; texts: () => (string | undefined)[]; close: () => void }> {
  const messages: ActivitySet[] = [];
  const ws = new WebSocket(streamUrl);
  ws.on('message', (data: Buffer) => {
    if (data.length > 0) messages.push(JSON.parse(data.toString('utf8')) as ActivitySet);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { messages, texts: () => messages.flatMap((m) => m.activities.map((a) => a.text)), close: () => ws.close() };
}

/** The HTTP status with which a websocket upgrade is refused. */
function upgradeRefusal(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the stream accepted the connection')));
    ws.once('error', () => undefined);
  });
}

interface DirectLineConversation {
  readonly token: string;
  readonly conversationId: string;
  readonly streamUrl: string;
  readonly userId: string;
}

/** generate → start, as Web Chat on /chat does (with the page's API token when signed in): the token, the conversation id and the stream URL. */
async function startConversation(app: RunningApp, options: { apiToken?: string } = {}): Promise<DirectLineConversation> {
  const generated = await call(`${app.baseUrl}/v3/directline/tokens/generate`, { method: 'POST', ...(options.apiToken ? { token: options.apiToken } : {}) });
  expect(generated.status).toBe(200);
  expect(Object.keys(generated.body).sort()).toEqual(['conversationId', 'expires_in', 'token']);
  expect(generated.body.expires_in).toBe(1800);
  const started = await call(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST', token: generated.body.token });
  expect(started.status).toBe(201);
  expect(started.body.conversationId).toBe(generated.body.conversationId);
  const payload = JSON.parse(Buffer.from(String(generated.body.token).split('.')[1]!, 'base64url').toString('utf8')) as { user: string };
  return { token: generated.body.token!, conversationId: generated.body.conversationId!, streamUrl: started.body.streamUrl!, userId: payload.user };
}

/** Everything in the conversation after `watermark` (GET activities). */
async function activitiesAfter(app: RunningApp, conversation: DirectLineConversation, watermark = 0): Promise<Activity[]> {
  const page = await call(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities?watermark=${watermark}`, { token: conversation.token });
  expect(page.status).toBe(200);
  return page.body.activities ?? [];
}

/** Posts a user activity and returns the bot's replies to it: the turn is over when the POST answers. */
async function send(app: RunningApp, conversation: DirectLineConversation, activity: Record<string, unknown>): Promise<Activity[]> {
  const posted = await call(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}/activities`, { method: 'POST', token: conversation.token, body: { type: 'message', ...activity } });
  expect(posted.status).toBe(200);
  const watermark = Number(posted.body.id?.split('|')[1]);
  const replies = await activitiesAfter(app, conversation, watermark);
  for (const reply of replies) expect(reply.from.role).toBe('bot');
  return replies;
}

const say = (app: RunningApp, conversation: DirectLineConversation, text: string): Promise<Activity[]> => send(app, conversation, { text });
const textOf = (activities: readonly Activity[]): string => activities.map((a) => a.text ?? '').join('\n');

async function userIdOf(app: RunningApp, username: string): Promise<string> {
  return (await app.database.db('users').where({ username }).first<{ id: string }>('id')).id;
}

describe('isAllowedServiceUrl', () => {
  const production = defaultServiceUrlAllowList('production', 'https://support.example.com');
  it.each([
    ['https://support.example.com/directline-connector', true],
    ['https://support.example.com:443/', true],
    ['https://smba.botframework.com/', true],
    ['https://webchat.botframework.com/', true],
    ['https://europe.directline.botframework.com/v3', true],
    ['https://botframework.com/', false],
    ['https://evilbotframework.com/', false],
    ['https://botframework.com.evil.example/', false],
    ['http://webchat.botframework.com/', false],
    ['https://webchat.botframework.com:8443/', false],
    ['https://user:pw@webchat.botframework.com/', false],
    ['https://support.example.com.evil.example/', false],
    ['http://support.example.com/', false],
    ['http://localhost:51234/', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
    ['', false],
  ])('production: %s → %s', (url, allowed) => {
    expect(isAllowedServiceUrl(url, production)).toBe(allowed);
  });

  it('development also allows the Emulator on loopback, any port', () => {
    const development = defaultServiceUrlAllowList('development', 'http://127.0.0.1:3000');
    expect(isAllowedServiceUrl('http://localhost:51234/', development)).toBe(true);
    expect(isAllowedServiceUrl('http://127.0.0.1:3000/directline-connector', development)).toBe(true);
    expect(isAllowedServiceUrl('http://10.0.0.5:3000/', development)).toBe(false);
    expect(isAllowedServiceUrl('https://localhost:51234/', development)).toBe(false);
  });
});

async function readItem(storage: BotStateStorage, key: string): Promise<StoreItem> {
  const item = (await storage.read([key]))[key] as StoreItem | undefined;
  if (!item) throw new Error(`${key} is not stored`);
  return item;
}

describe('usesChannelAuthorization', () => {
  it.each([
    ['/api/messages', true],
    ['/v3/directline/conversations', true],
    ['/v3/directline/conversations/abc/activities', true],
    ['/v3/directline/tokens/refresh', true],
    ['/directline-connector/v3/conversations/abc/activities/x', true],
    ['/v3/directline/tokens/generate', false],
    ['/cases', false],
    ['/directline-connectorx', false],
    ['/chat', false],
  ])('%s → %s', (path, owned) => {
    expect(usesChannelAuthorization(path)).toBe(owned);
  });
});

describe.each(databaseKinds)('bot state and conversation references on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await openTestDatabase(kind);
    db = testDb.db;
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await testDb?.close();
  });

  it('reads back what it wrote, with an eTag, and deletes', async () => {
    const storage = new BotStateStorage(createBotStateRepository(db));
    await storage.write({ 'a/1': { topic: 'printer', steps: [1, 2], nested: { ok: true } }, 'a/2': { n: 2 } });
    const items = await storage.read(['a/1', 'a/2', 'a/missing']);
    expect(Object.keys(items).sort()).toEqual(['a/1', 'a/2']);
    const { eTag, ...document } = items['a/1'] as StoreItem;
    expect(document).toEqual({ topic: 'printer', steps: [1, 2], nested: { ok: true } });
    expect(eTag).toMatch(/\S/);
    await storage.delete(['a/1', 'a/missing']);
    expect(Object.keys(await storage.read(['a/1', 'a/2']))).toEqual(['a/2']);
    expect(await storage.read([])).toEqual({});
  });

  it('refuses a write with a stale eTag; "*" or no eTag overwrites', async () => {
    const storage = new BotStateStorage(createBotStateRepository(db));
    await storage.write({ 'b/1': { v: 1 } });
    const first = await readItem(storage, 'b/1');
    await storage.write({ 'b/1': { ...first, v: 2 } });
    const second = await readItem(storage, 'b/1');
    expect(second.eTag).not.toBe(first.eTag);

    await expect(storage.write({ 'b/1': { ...first, v: 3 } })).rejects.toThrow(StorageConflictError);
    expect(await readItem(storage, 'b/1')).toMatchObject({ v: 2, eTag: second.eTag });

    await storage.write({ 'b/1': { v: 4, eTag: '*' } });
    expect(await readItem(storage, 'b/1')).toMatchObject({ v: 4 });
    await storage.write({ 'b/1': { v: 5 } });
    expect(await readItem(storage, 'b/1')).toMatchObject({ v: 5 });
  });

  it('lets exactly one of two writers holding the same eTag win, and writes several items all or nothing', async () => {
    await new BotStateStorage(createBotStateRepository(db)).write({ 'c/1': { v: 0 }, 'c/2': { v: 0 } });
    const read = await readItem(new BotStateStorage(createBotStateRepository(db)), 'c/1');
    const results = await Promise.allSettled([new BotStateStorage(createBotStateRepository(db)).write({ 'c/1': { ...read, v: 'A' } }), new BotStateStorage(createBotStateRepository(db)).write({ 'c/1': { ...read, v: 'B' } })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(StorageConflictError);

    // c/2 is fine, c/1's eTag is stale: neither is written.
    const storage = new BotStateStorage(createBotStateRepository(db));
    await expect(storage.write({ 'c/2': { v: 'new' }, 'c/1': { ...read, v: 'stale' } })).rejects.toThrow(StorageConflictError);
    expect(await readItem(storage, 'c/2')).toMatchObject({ v: 0 });
  });

  it('treats a specific eTag on a deleted item as a conflict', async () => {
    const storage = new BotStateStorage(createBotStateRepository(db));
    await storage.write({ 'd/1': { v: 1 } });
    const read = await readItem(storage, 'd/1');
    await storage.delete(['d/1']);
    await expect(storage.write({ 'd/1': { ...read, v: 2 } })).rejects.toThrow(/eTag conflict/);
  });

  it('keeps conversation state across a restart (a new storage over the same database)', async () => {
    async function countTurn(): Promise<number> {
      const state = new ConversationState(new BotStateStorage(createBotStateRepository(db)));
      const count = state.createProperty<number>('count');
      let seen = 0;
      const adapter = new TestAdapter(async (context) => {
        seen = (await count.get(context, 0)) + 1;
        await count.set(context, seen);
        await state.saveChanges(context);
      });
      await adapter.send('hi');
      return seen;
    }
    expect(await countTurn()).toBe(1);
    expect(await countTurn()).toBe(2);
  });

  it('stores conversation references for allowed service URLs only, linked to the user when known', async () => {
    const [user] = await db('users').insert({ username: `ref-${kind}`, display_name: 'Ref User', email: `ref-${kind}@example.com`, role: 'agent' }).returning<{ id: string }[]>('id');
    const references = createConversationReferences(createConversationReferenceRepository(db), { allowedServiceUrls: ['https://*.botframework.com', 'http://127.0.0.1:3000'] });
    const reference = (conversationId: string, serviceUrl: string) => ({
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      user: { id: 'u-1', name: 'Ref User' },
      bot: { id: 'bot', name: 'caseflow' },
      activityId: 'a-1',
    });

    expect(await references.save(reference('conv-evil', 'https://evil.example/'), user!.id)).toBe(false);
    expect(await references.save(reference('conv-1', 'https://smba.botframework.com/'))).toBe(true);
    expect(await references.listByUserId(user!.id)).toEqual([]);
    expect(await references.save(reference('conv-1', 'https://smba.botframework.com/'), user!.id)).toBe(true);
    // A later activity without a known user keeps the link.
    expect(await references.save({ ...reference('conv-1', 'https://smba.botframework.com/'), activityId: 'a-2' })).toBe(true);
    expect(await references.save(reference('conv-2', 'http://127.0.0.1:3000/directline-connector'))).toBe(true);
    expect(await references.linkUser('msteams', 'conv-2', user!.id)).toBe(true);

    const listed = await references.listByUserId(user!.id);
    expect(listed.map((r) => r.conversationId).sort()).toEqual(['conv-1', 'conv-2']);
    expect(listed.find((r) => r.conversationId === 'conv-1')?.reference).toMatchObject({ activityId: 'a-2', serviceUrl: 'https://smba.botframework.com/' });
    expect(await db('conversation_references').where({ conversation_id: 'conv-evil' }).first()).toBeUndefined();

    // A service URL dropped from the allow list is no longer used.
    const stricter = createConversationReferences(createConversationReferenceRepository(db), { allowedServiceUrls: ['https://*.botframework.com'] });
    expect((await stricter.listByUserId(user!.id)).map((r) => r.conversationId)).toEqual(['conv-1']);
  });
});

describe.each(databaseKinds)('the app\'s bot channel on %s (wired by app/wiring/serving.ts: the caseflow bot, the API authenticator)', (kind) => {
  let app: RunningApp;
  let capture: Awaited<ReturnType<typeof startCaptureServer>>;

  beforeAll(async () => {
    capture = await startCaptureServer();
    // The capture server stands for the channel's Connector service: on the allow list, as a real channel's would be.
    app = await startRealApp(kind, { BOT_ALLOWED_SERVICE_URLS: capture.url });
  });

  afterAll(async () => {
    await app?.stop();
    await capture?.stop();
  });

  describe('/api/messages, called as a Bot Framework channel calls it', () => {
    function channelActivity(id: string, text: string, conversationId = 'conv-1'): Record<string, unknown> {
      return {
        type: 'message',
        id,
        timestamp: new Date().toISOString(),
        channelId: 'webchat',
        serviceUrl: capture.url,
        from: { id: 'user-1', name: 'Ann', role: 'user' },
        conversation: { id: conversationId },
        recipient: { id: 'bot-1', name: 'caseflow', role: 'bot' },
        text,
        locale: 'en-US',
      };
    }

    const repliesTo = (conversationId: string, activityId: string) => capture.received.filter((r) => r.url === `/v3/conversations/${conversationId}/activities/${activityId}`);

    it('answers a message through the channel\'s connector at its serviceUrl', async () => {
      const posted = await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity('act-1', 'help') });
      expect(posted.status).toBe(200);
      const replies = repliesTo('conv-1', 'act-1');
      expect(replies).toHaveLength(1);
      expect(replies[0]?.method).toBe('POST');
      expect(replies[0]?.body).toMatchObject({ type: 'message', replyToId: 'act-1', conversation: { id: 'conv-1' }, from: { id: 'bot-1' }, recipient: { id: 'user-1' } });
      expect(String(replies[0]?.body.text)).toMatch(CUSTOMER_HELP);
    });

    it('answers a failing turn with a friendly message and no error details, and recovers', async () => {
      await withBotStateUnavailable(app.database.db, async () => {
        const posted = await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity('act-2', 'hello', 'conv-2') });
        expect(posted.status).toBe(200);
      });
      const replies = repliesTo('conv-2', 'act-2');
      expect(replies.map((r) => r.body.text)).toEqual([TURN_ERROR_MESSAGE]);
      expect(JSON.stringify(replies)).not.toMatch(NO_INTERNALS);
      // Once the database is back, the same conversation is answered again.
      expect((await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: channelActivity('act-3', 'hello', 'conv-2') })).status).toBe(200);
      expect(String(repliesTo('conv-2', 'act-3')[0]?.body.text)).toMatch(ANONYMOUS_HELLO);
    });

    it('stores the conversation reference only for a service URL on the allow list', async () => {
      // An event: the bot does not answer, so nothing depends on reaching the service URL.
      const event = (conversationId: string, serviceUrl: string) => ({ ...channelActivity(`ev-${conversationId}`, ''), type: 'event', name: 'ping', serviceUrl, conversation: { id: conversationId } });
      // The capture server is on the allow list (BOT_ALLOWED_SERVICE_URLS); [::1] is not: refused before the turn.
      expect((await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: event('conv-ok', capture.url) })).status).toBe(200);
      expect((await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: event('conv-evil', 'http://[::1]:1') })).status).toBe(403);
      const stored = await app.database.db('conversation_references').whereIn('conversation_id', ['conv-ok', 'conv-evil']).select('conversation_id', 'channel_id', 'service_url', 'user_id');
      expect(stored).toEqual([{ conversation_id: 'conv-ok', channel_id: 'webchat', service_url: capture.url, user_id: null }]);
    });
  });

  describe('the self-hosted Direct Line', () => {
    it('carries a conversation: token, start, the bot\'s welcome, a message and its reply in GET activities and on the websocket', async () => {
      const conversation = await startConversation(app);
      const { token, conversationId, streamUrl, userId } = conversation;
      const activities = `${app.baseUrl}/v3/directline/conversations/${conversationId}/activities`;
      expect(userId).toMatch(/^dl_/);
      expect(streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${conversationId}/stream\\?watermark=-&t=`));

      // The bot greeted on conversationUpdate, before anyone listened: an anonymous visitor.
      const greeted = await call(activities, { token });
      expect(greeted.body.watermark).toBe('1');
      expect(greeted.body.activities).toHaveLength(1);
      expect(greeted.body.activities?.[0]).toMatchObject({ type: 'message', from: { role: 'bot' }, suggestedActions: { actions: [{ value: 'new case' }, { value: 'my cases' }, { value: 'help' }] } });
      const welcome = greeted.body.activities?.[0]?.text ?? '';
      expect(welcome).toMatch(ANONYMOUS_WELCOME);

      const stream = await openStream(streamUrl);
      try {
        const posted = await call(activities, {
          method: 'POST',
          token,
          body: { type: 'message', text: 'hello', from: { id: 'someone-else', name: 'Ann' }, channelData: { clientActivityID: 'client-1' }, serviceUrl: 'https://evil.example' },
        });
        expect(posted).toEqual({ status: 200, body: { id: `${conversationId}|0000002` } });

        const after1 = await call(`${activities}?watermark=1`, { token });
        expect(after1.status).toBe(200);
        expect(after1.body.watermark).toBe('3');
        const [mine, reply] = after1.body.activities ?? [];
        expect(mine).toMatchObject({
          id: `${conversationId}|0000002`,
          type: 'message',
          text: 'hello',
          channelId: 'directline',
          conversation: { id: conversationId },
          // The name an anonymous visitor chose is marked as such (a signed-in user's comes from caseflow).
          from: { id: userId, name: 'Ann (unverified)', role: 'user', properties: { unverified: true } },
          channelData: { clientActivityID: 'client-1' },
        });
        expect(mine).not.toHaveProperty('serviceUrl');
        expect(reply).toMatchObject({ id: `${conversationId}|0000003`, type: 'message', replyToId: mine!.id, from: { id: 'caseflow', role: 'bot' } });
        expect(reply?.text).toMatch(ANONYMOUS_HELLO);

        expect(await call(`${activities}?watermark=3`, { token })).toEqual({ status: 200, body: { activities: [], watermark: '3' } });

        await eventually(() => Promise.resolve(stream.texts()), (texts) => texts.length >= 3);
        expect(stream.texts()).toEqual([welcome, 'hello', reply?.text]);
        expect(stream.messages.at(-1)?.watermark).toBe('3');
      } finally {
        stream.close();
      }

      // The bot took the visitor as the channel stamped them: nobody signed in, on the directline
      // channel, with the app's own connector as the way back (the client's serviceUrl was ignored).
      expect(textOf(await say(app, conversation, 'who am i'))).toBe('I don\'t know you yet. Type "link" and your link code (for example "link K7Q2M9XW"), or just describe your problem.');
      const reference = await app.database.db('conversation_references').where({ conversation_id: conversationId }).first<{ channel_id: string; service_url: string; user_id: string | null }>('channel_id', 'service_url', 'user_id');
      expect(reference).toEqual({ channel_id: 'directline', service_url: `${app.baseUrl}/directline-connector`, user_id: null });

      // Starting again is idempotent: no second greeting.
      const again = await call(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST', token });
      expect(again.status).toBe(200);
      const all = await call(activities, { token });
      expect((all.body.activities ?? []).filter((a) => ANONYMOUS_WELCOME.test(a.text ?? ''))).toHaveLength(1);

      // Reconnect: a new stream URL from the watermark on.
      const reconnect = await call(`${app.baseUrl}/v3/directline/conversations/${conversationId}?watermark=3`, { token });
      expect(reconnect.status).toBe(200);
      expect(reconnect.body.streamUrl).toContain('watermark=3');
    });

    it('replays only what is after the stream URL\'s watermark', async () => {
      const conversation = await startConversation(app);
      const [helpReply] = await say(app, conversation, 'help');
      expect(helpReply?.text).toMatch(CUSTOMER_HELP);
      const reconnect = await call(`${app.baseUrl}/v3/directline/conversations/${conversation.conversationId}?watermark=2`, { token: conversation.token });
      const stream = await openStream(reconnect.body.streamUrl!);
      try {
        await eventually(() => Promise.resolve(stream.texts()), (texts) => texts.length >= 1);
        expect(stream.texts()).toEqual([helpReply?.text]);
      } finally {
        stream.close();
      }
    });

    it('pushes to a websocket what another server process stored', async () => {
      const { conversationId, streamUrl } = await startConversation(app);
      const stream = await openStream(streamUrl);
      try {
        await eventually(() => Promise.resolve(stream.texts()), (texts) => texts.length >= 1);
        // Another process: its own repository over the same database, no in-process notification.
        await createDirectLineTranscripts(app.database.db).append(conversationId, (watermark) => ({ type: 'message', id: `${conversationId}|${watermark}`, text: 'from another process' }) as Activity);
        await eventually(() => Promise.resolve(stream.texts()), (texts) => texts.length >= 2);
        expect(stream.texts()[0]).toMatch(ANONYMOUS_WELCOME);
        expect(stream.texts()[1]).toBe('from another process');
        expect(stream.messages.at(-1)?.watermark).toBe('2');
      } finally {
        stream.close();
      }
    });

    it('binds a conversation to the user signed in with an API token, opens her case there, and delivers to every one of her conversations what the case sends her', async () => {
      const aliceId = await userIdOf(app, 'alice');
      const aliceToken = await app.login('alice');
      // Two tabs of the chat page, both signed in.
      const chat = await startConversation(app, { apiToken: aliceToken });
      const otherTab = await startConversation(app, { apiToken: aliceToken });
      expect(chat.userId).toBe(`dl_${aliceId}`);
      expect(textOf(await activitiesAfter(app, chat))).toMatch(/^Welcome to caseflow support, Alice Gold!/);
      expect(textOf(await say(app, chat, 'who am i'))).toBe('You are Alice Gold (customer), signed in on the chat page.');
      const references = await app.database.db('conversation_references').whereIn('conversation_id', [chat.conversationId, otherTab.conversationId]).select<{ channel_id: string; service_url: string; user_id: string }[]>('channel_id', 'service_url', 'user_id');
      expect(references).toEqual([0, 1].map(() => ({ channel_id: 'directline', service_url: `${app.baseUrl}/directline-connector`, user_id: aliceId })));

      // Alice opens a case in the chat, as on the page: articles first, then product, urgency, confirmation.
      let replies = await say(app, chat, 'my printer is offline and will not print');
      expect(JSON.stringify(replies.flatMap((r) => r.attachments ?? []))).toContain('KA-');
      expect(textOf(replies)).toContain('Did this solve it?');
      expect(textOf(await say(app, chat, 'No'))).toContain('Which product is it about?');
      expect(textOf(await say(app, chat, 'Skip'))).toContain('How urgent is it?');
      expect(textOf(await say(app, chat, 'high'))).toContain('Shall I open the case?');
      replies = await say(app, chat, 'Yes');
      const caseNumber = /Your case \*\*(CAS-\d{5})\*\* is open\./.exec(textOf(replies))?.[1];
      expect(caseNumber, textOf(replies)).toBeDefined();
      const record = (await (await app.request('GET', `/cases/${caseNumber}`, { token: aliceToken })).json()) as { channel: string; priority: string; status: string };
      expect(record).toMatchObject({ channel: 'web', priority: 'high', status: 'active' });
      // Routed into the gold queue by the workflow, so that gina can take it.
      await eventually(() => app.database.db('cases').where({ case_number: caseNumber }).first<{ queue_id: string | null }>('queue_id'), (row) => Boolean(row?.queue_id));

      // Gina takes the case over the REST API; the workflow tells the customer, and the app's
      // delivery loop brings it to both of alice's chats, live on the open websocket.
      const stream = await openStream(chat.streamUrl);
      try {
        const accepted = await app.request('POST', `/cases/${caseNumber}/accept`, { token: await app.login('gina'), body: {} });
        expect(accepted.status).toBe(200);
        const told = `Gina Agent is now working on ${caseNumber} (my printer is offline and will not print).`;
        await eventually(() => Promise.resolve(stream.texts()), (texts) => texts.includes(told), 30_000);
        await eventually(() => activitiesAfter(app, otherTab), (activities) => activities.some((a) => a.text === told), 30_000);
        // Delivered once: the outbox row is done, and each conversation got the message one time.
        const notification = await eventually(
          () => app.database.db('notifications').where({ channel: 'bot', recipient_user_id: aliceId, kind: 'status_change' }).select<{ delivered_at: Date | null }[]>('delivered_at'),
          (rows) => rows.length === 1 && rows[0]?.delivered_at !== null,
        );
        expect(notification).toHaveLength(1);
        for (const conversation of [chat, otherTab]) {
          expect((await activitiesAfter(app, conversation)).filter((a) => a.text === told)).toHaveLength(1);
        }
      } finally {
        stream.close();
      }
    });

    it('refuses a token request with an API token that is not valid, rather than serving an anonymous chat', async () => {
      const aliceToken = await app.login('alice');
      const refused = await fetch(`${app.baseUrl}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${aliceToken}x` } });
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain('"token"');
    });

    it('keeps a chat notification for a user who never chatted, with the reason, for a later try', async () => {
      const lonely = await userIdOf(app, 'sam');
      await app.database.db('notifications').insert({ idempotency_key: `lonely-${kind}`, kind: 'sla_warning', channel: 'bot', recipient_user_id: lonely, payload: JSON.stringify({ caseNumber: 'CAS-01234', message: 'due soon' }) });
      const row = await eventually(
        () => app.database.db('notifications').where({ idempotency_key: `lonely-${kind}` }).first<{ delivered_at: Date | null; last_error: string | null; attempts: number }>('delivered_at', 'last_error', 'attempts'),
        (r) => r?.last_error !== null,
      );
      expect(row).toMatchObject({ delivered_at: null, last_error: 'the user has no conversation with the bot yet', attempts: 1 });
    });

    it('tells the user that a turn failed, without details, and answers again once the database is back', async () => {
      const conversation = await startConversation(app);
      let replies: Activity[] = [];
      await withBotStateUnavailable(app.database.db, async () => {
        replies = await say(app, conversation, 'hello');
      });
      expect(replies.map((a) => a.text)).toEqual([TURN_ERROR_MESSAGE]);
      expect(JSON.stringify(replies)).not.toMatch(NO_INTERNALS);
      expect(textOf(await say(app, conversation, 'hello'))).toMatch(ANONYMOUS_HELLO);
    });

    it('refuses calls without a valid token of the conversation', async () => {
      const { token, conversationId, streamUrl } = await startConversation(app);
      const activities = `${app.baseUrl}/v3/directline/conversations/${conversationId}/activities`;
      const message = { type: 'message', text: 'hi' };

      // Missing.
      expect((await call(activities)).status).toBe(401);
      expect((await call(activities, { method: 'POST', body: message })).status).toBe(401);
      expect((await call(`${app.baseUrl}/v3/directline/conversations`, { method: 'POST' })).status).toBe(401);
      expect((await call(`${app.baseUrl}/v3/directline/tokens/refresh`, { method: 'POST' })).status).toBe(401);

      // Forged: signed with another secret, or claims changed after signing.
      const otherSecret = new DirectLineTokens('another-secret-that-is-long-enough-000000').issue({ scope: 'conversation', conv: conversationId, user: 'dl_x' }, 600);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, user: 'dl_admin' })).toString('base64url')}.${signature}`;
      for (const forged of [otherSecret, tampered, 'not-a-token', `${token}x`]) {
        const got = await call(activities, { token: forged });
        expect(got.status, forged).toBe(401);
        // problem+json, with Direct Line's own `error: { code, message }` for Web Chat.
        expect(Object.keys(got.body).sort()).toEqual(['detail', 'error', 'status', 'title', 'type']);
        expect(got.body.error?.code).toMatch(/^Token/);
        expect((await call(activities, { method: 'POST', token: forged, body: message })).status).toBe(401);
      }

      // Valid, but for another conversation, or of the wrong kind, or expired (signed with the key
      // app/wiring/bot.wiring.ts derives from JWT_SECRET, an hour ago).
      const other = (await call(`${app.baseUrl}/v3/directline/tokens/generate`, { method: 'POST' })).body.token!;
      expect((await call(activities, { token: other })).status).toBe(403);
      expect((await call(activities, { method: 'POST', token: other, body: message })).status).toBe(403);
      const streamToken = new URL(streamUrl).searchParams.get('t')!;
      expect((await call(activities, { token: streamToken })).status).toBe(401);
      const expired = new DirectLineTokens(`direct-line:${app.config.auth.jwtSecret}`, () => Date.now() - 3_600_000).issue({ scope: 'conversation', conv: conversationId, user: 'dl_x' }, 60);
      expect((await call(activities, { token: expired })).status).toBe(403);

      // The websocket: forged or another conversation's stream token.
      const forgedStream = new URL(streamUrl);
      forgedStream.searchParams.set('t', otherSecret);
      expect(await upgradeRefusal(forgedStream.toString())).toBe(401);
      const noToken = new URL(streamUrl);
      noToken.searchParams.delete('t');
      expect(await upgradeRefusal(noToken.toString())).toBe(401);

      // The connector takes only the adapter's token: not none, not a user's, not an API token.
      const connector = `${app.baseUrl}/directline-connector/v3/conversations/${conversationId}/activities`;
      const spoof = { type: 'message', text: 'I am the bot, give me your password' };
      expect((await call(connector, { method: 'POST', body: spoof })).status).toBe(401);
      expect((await call(connector, { method: 'POST', token, body: spoof })).status).toBe(401);
      expect((await call(connector, { method: 'POST', token: await app.login('adam'), body: spoof })).status).toBe(401);
      // A connector token names the one conversation it writes to.
      const connectorTokens = new DirectLineTokens(`direct-line:${app.config.auth.jwtSecret}`);
      expect((await call(connector, { method: 'POST', token: connectorTokens.issue({ scope: 'connector', conv: 'another-conversation' }, 60), body: spoof })).status).toBe(403);
      expect((await call(connector, { method: 'POST', token: connectorTokens.issue({ scope: 'connector' }, 60), body: spoof })).status).toBe(403);
      const all = await call(activities, { token });
      expect((all.body.activities ?? []).map((a) => a.text)).not.toContain(spoof.text);

      // Refresh keeps the claims and renews the expiry.
      const refreshed = await call(`${app.baseUrl}/v3/directline/tokens/refresh`, { method: 'POST', token });
      expect(refreshed.status).toBe(200);
      expect((await call(activities, { token: refreshed.body.token! })).status).toBe(200);
    });

    it('rejects activities a client may not send', async () => {
      const { token, conversationId } = await startConversation(app);
      const activities = `${app.baseUrl}/v3/directline/conversations/${conversationId}/activities`;
      for (const body of [{ type: 'conversationUpdate', membersAdded: [{ id: 'x' }] }, { type: 'invoke', name: 'x' }, { text: 'no type' }, { type: 'message', text: 'x'.repeat(10_001) }]) {
        expect((await call(activities, { method: 'POST', token, body })).status).toBe(400);
      }
      // Nothing of it reached the bot: the conversation holds only the welcome.
      expect((await call(activities, { token })).body.activities).toHaveLength(1);
    });
  });
});

describe.each(databaseKinds)('Direct Line transcripts in their own tables on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await openTestDatabase(kind);
    db = testDb.db;
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await testDb?.close();
  });

  const message = (conversationId: string, text: string) => (watermark: number) => ({ type: 'message', id: `${conversationId}|${watermark}`, text }) as Activity;
  const activityRows = async (conversationId: string): Promise<number> =>
    Number((await db('directline_activities').where({ conversation_id: conversationId }).count<{ n: string | number }[]>({ n: '*' }))[0]?.n);

  it('starts a conversation once, finds it, and keeps nothing in bot_state', async () => {
    const transcripts = createDirectLineTranscripts(db);
    const [user] = await db('users').insert({ username: `tr-${kind}`, display_name: 'Tr User', email: `tr-${kind}@example.com`, role: 'agent' }).returning<{ id: string }[]>('id');
    expect(await transcripts.start({ id: 'conv-start', chatUserId: `dl_${user!.id}`, caseflowUserId: user!.id })).toEqual({ created: true });
    expect(await transcripts.start({ id: 'conv-start', chatUserId: 'dl_someone-else', caseflowUserId: null })).toEqual({ created: false });
    const found = await transcripts.find('conv-start');
    expect(found).toEqual({ id: 'conv-start', chatUserId: `dl_${user!.id}`, caseflowUserId: user!.id, createdAt: found?.createdAt, watermark: 0 });
    expect(found?.createdAt).toBe(new Date(found!.createdAt).toISOString());
    expect(Math.abs(Date.parse(found!.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(await transcripts.find('no-such-conversation')).toBeUndefined();
    expect(await transcripts.append('no-such-conversation', message('no-such-conversation', 'lost'))).toBeUndefined();
    expect(await transcripts.after('no-such-conversation', 0)).toBeUndefined();
    await transcripts.append('conv-start', message('conv-start', 'hi'));
    expect(Number((await db('bot_state').where('key', 'like', 'directline-transcript%').count<{ n: string | number }[]>({ n: '*' }))[0]?.n)).toBe(0);
  });

  it('opens unbound when the token names a user who no longer exists, and unbinds when the user is deleted', async () => {
    const transcripts = createDirectLineTranscripts(db);
    expect(await transcripts.start({ id: 'conv-ghost', chatUserId: 'dl_ghost', caseflowUserId: '00000000-0000-4000-8000-000000000000' })).toEqual({ created: true });
    expect((await transcripts.find('conv-ghost'))?.caseflowUserId).toBeNull();

    const [user] = await db('users').insert({ username: `gone-${kind}`, display_name: 'Gone', email: `gone-${kind}@example.com`, role: 'agent' }).returning<{ id: string }[]>('id');
    await transcripts.start({ id: 'conv-gone', chatUserId: `dl_${user!.id}`, caseflowUserId: user!.id });
    await transcripts.append('conv-gone', message('conv-gone', 'before'));
    await db('users').where({ id: user!.id }).delete();
    expect(await transcripts.find('conv-gone')).toMatchObject({ chatUserId: `dl_${user!.id}`, caseflowUserId: null, watermark: 1 });
    expect((await transcripts.after('conv-gone', 0))?.activities.map((a) => a.text)).toEqual(['before']);
  });

  it('numbers concurrent appends from two processes 1, 2, 3… without gaps, and pages through them in order', async () => {
    const transcripts = createDirectLineTranscripts(db);
    // Another process: a connection pool of its own over the same database (PGlite is one connection in this process).
    const otherDb = kind === 'postgres' ? openDatabase(testDb.target) : db;
    try {
      const other = createDirectLineTranscripts(otherDb);
      await transcripts.start({ id: 'conv-race', chatUserId: 'dl_race', caseflowUserId: null });
      const appended = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? transcripts : other).append('conv-race', message('conv-race', `m${i}`))),
      );
      const watermarks = appended.map((a) => Number(a!.id!.split('|')[1]));
      expect([...watermarks].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect((await other.find('conv-race'))?.watermark).toBe(40);

      const first = await transcripts.after('conv-race', 0, 15);
      expect(first?.watermark).toBe(15);
      expect(first?.activities.map((a) => a.id)).toEqual(Array.from({ length: 15 }, (_, i) => `conv-race|${i + 1}`));
      const rest = await other.after('conv-race', first!.watermark);
      expect(rest?.watermark).toBe(40);
      expect(rest?.activities.map((a) => a.id)).toEqual(Array.from({ length: 25 }, (_, i) => `conv-race|${i + 16}`));
      // Each stored activity is the one built for its watermark.
      const byId = new Map(appended.map((a) => [a!.id, a!.text]));
      expect([...first!.activities, ...rest!.activities].every((a) => byId.get(a.id) === a.text)).toBe(true);
      expect(await transcripts.after('conv-race', 40)).toEqual({ activities: [], watermark: 40 });
      expect(await transcripts.after('conv-race', 99)).toEqual({ activities: [], watermark: 40 });
      expect((await transcripts.after('conv-race', -5, 1))?.activities.map((a) => a.id)).toEqual(['conv-race|1']);
    } finally {
      if (otherDb !== db) await otherDb.destroy();
    }
  });

  it('prunes the conversations created before the cutoff, with their activities (the retention job)', async () => {
    const transcripts = createDirectLineTranscripts(db);
    for (const id of ['conv-old-1', 'conv-old-2', 'conv-new']) {
      await transcripts.start({ id, chatUserId: `dl_${id}`, caseflowUserId: null });
      await transcripts.append(id, message(id, 'one'));
      await transcripts.append(id, message(id, 'two'));
    }
    await db('directline_conversations').whereIn('id', ['conv-old-1', 'conv-old-2']).update({ created_at: new Date('2020-01-01T00:00:00Z') });
    const cutoff = new Date('2021-01-01T00:00:00Z');

    expect(await transcripts.pruneOlderThan(cutoff)).toBe(2);
    expect(await transcripts.find('conv-old-1')).toBeUndefined();
    expect(await transcripts.after('conv-old-2', 0)).toBeUndefined();
    expect(await activityRows('conv-old-1')).toBe(0);
    expect(await activityRows('conv-old-2')).toBe(0);
    expect((await transcripts.after('conv-new', 0))?.activities.map((a) => a.text)).toEqual(['one', 'two']);
    expect(await transcripts.pruneOlderThan(cutoff)).toBe(0);
  });
});

describe.each(databaseKinds)('migration 0012_direct_line on %s', (kind) => {
  let testDb: TestDatabase;

  beforeAll(async () => {
    testDb = await openTestDatabase(kind);
    await migrateToLatest(testDb.db);
  });

  afterAll(async () => {
    await testDb?.close();
  });

  it('moves the transcripts kept in bot_state into the tables, and back on rollback', async () => {
    const db = testDb.db;
    const migration = migrations['0012_direct_line']!;
    const [user] = await db('users').insert({ username: `mig-${kind}`, display_name: 'Mig', email: `mig-${kind}@example.com`, role: 'agent' }).returning<{ id: string }[]>('id');
    await migration.down!(db);

    // What the bot_state repository wrote, next to botbuilder's own state.
    const activity = (conversationId: string, watermark: number, text: string) => ({ type: 'message', id: `${conversationId}|${watermark}`, text, channelData: { n: watermark } });
    const legacy = [
      { key: 'directline-transcript/conv-a', document: { chatUserId: `dl_${user!.id}`, caseflowUserId: user!.id, createdAt: '2024-05-01T10:00:00.123Z', watermark: 2 } },
      { key: 'directline-transcript/conv-a/1', document: activity('conv-a', 1, 'hello') },
      { key: 'directline-transcript/conv-a/2', document: activity('conv-a', 2, 'You said: hello') },
      { key: 'directline-transcript/conv-b', document: { chatUserId: 'dl_anon', caseflowUserId: '00000000-0000-4000-8000-000000000000', createdAt: '2024-05-02T10:00:00.000Z', watermark: 0 } },
      { key: 'directline/conversations/conv-a', document: { dialogState: { x: 1 } } },
    ];
    await db('bot_state').insert(legacy.map((row, i) => ({ key: row.key, document: JSON.stringify(row.document), etag: `e${i}` })));

    await migration.up(db);
    const transcripts = createDirectLineTranscripts(db);
    expect(await transcripts.find('conv-a')).toEqual({ id: 'conv-a', chatUserId: `dl_${user!.id}`, caseflowUserId: user!.id, createdAt: '2024-05-01T10:00:00.123Z', watermark: 2 });
    expect(await transcripts.after('conv-a', 0)).toEqual({ activities: [activity('conv-a', 1, 'hello'), activity('conv-a', 2, 'You said: hello')], watermark: 2 });
    expect(await transcripts.find('conv-b')).toEqual({ id: 'conv-b', chatUserId: 'dl_anon', caseflowUserId: null, createdAt: '2024-05-02T10:00:00.000Z', watermark: 0 });
    // Moved, not copied: only botbuilder's state stays in bot_state.
    expect(await db('bot_state').orderBy('key').pluck('key')).toEqual(['directline/conversations/conv-a']);
    // The counter carries on from the moved watermark.
    expect((await transcripts.append('conv-a', (watermark) => activity('conv-a', watermark, 'next') as Activity))?.id).toBe('conv-a|3');

    await migration.down!(db);
    const restored = await db('bot_state').orderBy('key').select<{ key: string; document: unknown }[]>('key', 'document');
    expect(restored).toEqual([
      { key: 'directline-transcript/conv-a', document: { chatUserId: `dl_${user!.id}`, caseflowUserId: user!.id, createdAt: '2024-05-01T10:00:00.123Z', watermark: 3 } },
      { key: 'directline-transcript/conv-a/1', document: activity('conv-a', 1, 'hello') },
      { key: 'directline-transcript/conv-a/2', document: activity('conv-a', 2, 'You said: hello') },
      { key: 'directline-transcript/conv-a/3', document: activity('conv-a', 3, 'next') },
      { key: 'directline-transcript/conv-b', document: { chatUserId: 'dl_anon', caseflowUserId: null, createdAt: '2024-05-02T10:00:00.000Z', watermark: 0 } },
      { key: 'directline/conversations/conv-a', document: { dialogState: { x: 1 } } },
    ]);
    await migration.up(db);
    expect((await createDirectLineTranscripts(db).find('conv-a'))?.watermark).toBe(3);
  });
});

describe('bot adapter configuration', () => {
  it('refuses to build a production adapter without MICROSOFT_APP_ID', () => {
    const options = { appId: undefined, appPassword: undefined, tenantId: undefined, appType: 'MultiTenant' as const, logger };
    expect(() => createBotAdapter({ ...options, mode: 'production' })).toThrow(/MICROSOFT_APP_ID/);
    expect(() => createBotAdapter({ ...options, appId: '', mode: 'production' })).toThrow(/MICROSOFT_APP_ID/);
    expect(() => createBotAdapter({ ...options, appId: 'app-id', mode: 'production' })).toThrow(/MICROSOFT_APP_PASSWORD/);
    expect(() => createBotAdapter({ ...options, appId: 'app-id', appType: 'SingleTenant', appPassword: 'x', mode: 'production' })).toThrow(/MICROSOFT_APP_TENANT_ID/);
    expect(createBotAdapter({ ...options, mode: 'development' })).toBeDefined();
    expect(createBotAdapter({ ...options, mode: 'test' })).toBeDefined();
  });


  describe('in production, with app credentials', () => {
    let app: RunningApp;
    let capture: Awaited<ReturnType<typeof startCaptureServer>>;

    beforeAll(async () => {
      capture = await startCaptureServer();
      app = await startRealApp('pglite', {
        NODE_ENV: 'production',
        MICROSOFT_APP_ID: '00000000-0000-4000-8000-00000000b0b0',
        MICROSOFT_APP_PASSWORD: 'not-a-real-password',
        JWT_SECRET: 'a-production-jwt-secret-of-at-least-32-characters',
        SURVEY_SECRET: 'a-production-survey-secret',
      });
    });

    afterAll(async () => {
      await app?.stop();
      await capture?.stop();
    });

    it('refuses /api/messages without a Bot Framework token', async () => {
      const posted = await call(`${app.baseUrl}/api/messages`, {
        method: 'POST',
        // A Bot Framework channel's service URL, so the refusal is the token's (capture.url is not on production's list).
        body: { type: 'message', id: 'a', channelId: 'webchat', serviceUrl: 'https://webchat.botframework.com/', from: { id: 'u' }, conversation: { id: 'c' }, recipient: { id: 'b' }, text: 'hello' },
      });
      expect(posted.status).toBe(401);
      expect(posted.body).toMatchObject({ status: 401, title: 'Bot Framework token required' });
      expect((await call(`${app.baseUrl}/api/messages`, { method: 'POST', body: { type: 'message', id: 'a', channelId: 'webchat', serviceUrl: capture.url, from: { id: 'u' }, conversation: { id: 'c' }, text: 'hello' } })).status).toBe(403);
      expect(capture.received).toEqual([]);
    });

    it('still serves the self-hosted Direct Line, with no cloud service to reach, and no demo link by username', async () => {
      const conversation = await startConversation(app);
      expect(textOf(await activitiesAfter(app, conversation))).toMatch(ANONYMOUS_WELCOME);
      expect(textOf(await say(app, conversation, 'help'))).toMatch(CUSTOMER_HELP);
      expect(textOf(await say(app, conversation, 'link alice'))).toBe('I don\'t recognise that link code. Sign in on the chat page and type "link code" to get one, then type "link" and that code here.');
      expect(textOf(await say(app, conversation, 'who am i'))).toBe('I don\'t know you yet. Type "link" and your link code (for example "link K7Q2M9XW"), or just describe your problem.');
    });
  });
});
