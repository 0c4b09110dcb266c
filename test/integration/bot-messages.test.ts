import http, { createServer, type IncomingMessage, type RequestOptions } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TURN_ERROR_MESSAGE } from '../../bot/adapter';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/**
 * The real app's /api/messages (the caseflow bot, no app credentials, NODE_ENV test), called the
 * way a Bot Framework channel calls it: an activity whose serviceUrl names the channel's Connector
 * service, here a local capture server that records what the bot sends back.
 */

interface Captured {
  readonly method: string;
  readonly url: string;
  /** The conversation id and, for a reply, the activity it answers (decoded from the path). */
  readonly conversationId: string | undefined;
  readonly replyToId: string | undefined;
  readonly body: CapturedActivity;
}

interface CapturedActivity {
  readonly type?: string;
  readonly text?: string;
  readonly replyToId?: string;
  readonly conversation?: { id: string };
  readonly from?: { id: string };
  readonly recipient?: { id: string };
  readonly suggestedActions?: { actions: { title?: string; value?: unknown }[] };
  readonly attachments?: { contentType: string; content?: unknown }[];
}

const CONNECTOR_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/;

/** A stand-in for a channel's Connector API: the two routes a bot replies through; anything else is a 404, recorded apart. */
async function startConnectorCapture(): Promise<{ url: string; received: Captured[]; unexpected: string[]; stop: () => Promise<void> }> {
  const received: Captured[] = [];
  const unexpected: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://capture').pathname;
      const route = CONNECTOR_PATH.exec(path);
      if (req.method !== 'POST' || !route) {
        unexpected.push(`${req.method} ${req.url}`);
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NotFound', message: 'no such route' } }));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method,
        url: req.url ?? '',
        conversationId: route[1] === undefined ? undefined : decodeURIComponent(route[1]),
        replyToId: route[2] === undefined ? undefined : decodeURIComponent(route[2]),
        body: text ? (JSON.parse(text) as CapturedActivity) : {},
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `captured-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, unexpected, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Where an outgoing node:http(s) request goes. The bot's connector client sends through node:http(s);
 * nothing else in this process does (the test's own calls use fetch, Temporal gRPC, PostgreSQL sockets).
 */
function targetOf(args: unknown[]): string {
  const [first, second] = args;
  if (typeof first === 'string' || first instanceof URL) return new URL(first).host;
  const options = (first ?? second ?? {}) as RequestOptions;
  return `${options.hostname ?? options.host ?? 'localhost'}:${options.port ?? ''}`;
}

let temporal: TestWorkflowEnvironment;
let app: RunningApp;
let capture: Awaited<ReturnType<typeof startConnectorCapture>>;
/** Where every node:http(s) request of this process went (host:port), for the whole file. */
const outbound: string[] = [];
const originalRequests = { http: http.request, https: https.request };
/** A case alice opened over the REST API: gold, so it waits in gina's queue. */
let aliceCase = '';
let sequence = 0;

beforeAll(async () => {
  const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = env;
  capture = await startConnectorCapture();
  // Wrapped by hand rather than with vi.spyOn: recorded calls must survive the mock clearing between tests.
  for (const [name, module] of [['http', http], ['https', https]] as const) {
    const original = originalRequests[name] as (...args: unknown[]) => unknown;
    (module as { request: unknown }).request = (...args: unknown[]) => {
      outbound.push(targetOf(args));
      return original(...args);
    };
  }
  // The capture server stands for the channel's Connector service: on the allow list, as a real channel's would be.
  app = await startApp(temporal, 'postgres', bundle, { BOT_ALLOWED_SERVICE_URLS: capture.url });
  const opened = await app.request('POST', '/cases', {
    token: await app.login('alice'),
    body: { title: 'Printer shows offline', description: 'The office printer has been offline since this morning.', channel: 'web' },
  });
  expect(opened.status).toBe(201);
  aliceCase = ((await opened.json()) as { caseNumber: string }).caseNumber;
  // Routed by the workflow into the read model before the bot is asked about it.
  await eventually(
    () => app.database.db('cases').where({ case_number: aliceCase }).first<{ queue_id: string | null } | undefined>('queue_id'),
    (row) => Boolean(row?.queue_id),
  );
});

afterAll(async () => {
  await app?.stop();
  (http as { request: unknown }).request = originalRequests.http;
  (https as { request: unknown }).request = originalRequests.https;
  await capture?.stop();
  await temporal?.teardown();
});

/** One chat user in one channel conversation: posts activities as the channel would and returns the bot's replies to each. */
function channelUser(name: string) {
  const userId = `user-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const conversationId = `a:conv-${name}|${Math.random().toString(36).slice(2, 8)}`;
  return {
    userId,
    conversationId,
    async send(activity: Record<string, unknown>): Promise<CapturedActivity[]> {
      const id = `act-${++sequence}`;
      const before = capture.received.length;
      const response = await fetch(`${app.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id,
          timestamp: new Date().toISOString(),
          channelId: 'emulator',
          serviceUrl: capture.url,
          from: { id: userId, name, role: 'user' },
          conversation: { id: conversationId },
          recipient: { id: 'caseflow-bot', name: 'caseflow', role: 'bot' },
          locale: 'en-US',
          ...activity,
        }),
      });
      // CloudAdapter answers once the turn is over: every reply has reached the connector by now.
      expect(response.status).toBe(200);
      const replies = capture.received.slice(before).filter((r) => r.conversationId === conversationId);
      for (const reply of replies) {
        expect(reply.replyToId).toBe(id);
        expect(reply.body).toMatchObject({ type: 'message', replyToId: id, conversation: { id: conversationId }, recipient: { id: userId }, from: { id: 'caseflow-bot' } });
      }
      return replies.map((r) => r.body);
    },
    say(text: string): Promise<CapturedActivity[]> {
      return this.send({ text });
    },
  };
}

const textOf = (replies: readonly CapturedActivity[]): string => replies.map((r) => r.text ?? '').join('\n');
const suggestionsOf = (replies: readonly CapturedActivity[]): unknown[] => replies.flatMap((r) => (r.suggestedActions?.actions ?? []).map((a) => a.value));
const NO_INTERNALS = /Error:|\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|stack/i;

async function linked(username: string): Promise<ReturnType<typeof channelUser>> {
  const user = channelUser(username);
  const replies = await user.say(`link ${username}`);
  expect(textOf(replies)).toMatch(/^Linked: you are .+ \(demo link by username — development mode only\)$/);
  return user;
}

async function caseRow(caseNumber: string) {
  return app.database.db('cases').where({ case_number: caseNumber }).first<{ status: string; owner_user_id: string | null; queue_id: string | null; updated_at: Date }>();
}

describe('the caseflow bot at /api/messages, called as a Bot Framework channel calls it', () => {
  it('welcomes a member added to the conversation, with suggested actions', async () => {
    const stranger = channelUser('newcomer');
    const replies = await stranger.send({ type: 'conversationUpdate', membersAdded: [{ id: stranger.userId, name: 'newcomer' }, { id: 'caseflow-bot', name: 'caseflow' }] });
    // One welcome: the bot itself joining is not greeted.
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(/^Welcome to caseflow support!\n\nI don't know who you are yet/);
    expect(suggestionsOf(replies)).toEqual(['new case', 'my cases', 'help']);
  });

  it('answers "help" with the commands and suggested actions', async () => {
    const replies = await channelUser('helpseeker').say('help');
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toContain('You can type:');
    expect(textOf(replies)).toContain('**my cases**');
    expect(suggestionsOf(replies)).toEqual(['new case', 'my cases', 'help']);
  });

  it('answers an unknown user asking about a case with a friendly reply, and a linked customer with "can\'t find"', async () => {
    const stranger = channelUser('curious');
    let replies = await stranger.say('status CAS-99999');
    expect(replies).toHaveLength(1);
    // Nobody to look the case up for: the bot asks who they are (README: "unknown … case numbers get a friendly reply").
    expect(textOf(replies)).toContain('I need to know who you are for that.');
    expect(textOf(replies)).toContain('link');
    expect(JSON.stringify(replies)).not.toMatch(NO_INTERNALS);

    const alice = await linked('alice');
    replies = await alice.say('status CAS-99999');
    expect(textOf(replies)).toBe('I can\'t find CAS-99999. Type "my cases" to see the cases you can open.');
    expect(suggestionsOf(replies)).toEqual(['my cases', 'help']);
    expect(JSON.stringify(replies)).not.toMatch(NO_INTERNALS);
  });

  it('politely refuses an empty and a 10 kB message', async () => {
    const user = channelUser('typist');
    let replies = await user.say('');
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toMatch(/^I got an empty message\./);
    expect(suggestionsOf(replies)).toContain('help');

    replies = await user.say('x'.repeat(10 * 1024));
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toBe('That message is too long for me (10240 characters; at most 4000). Please shorten it. Nothing was changed.');
    // The long text is not echoed back.
    expect(JSON.stringify(replies)).not.toContain('x'.repeat(100));
  });

  it('says it cannot read an attachment sent without text', async () => {
    const replies = await channelUser('photographer').send({ attachments: [{ contentType: 'image/png', contentUrl: 'https://example.com/screenshot.png', name: 'screenshot.png' }] });
    expect(replies).toHaveLength(1);
    expect(textOf(replies)).toContain("I can't read attachments yet.");
  });

  it('links a customer by username (test mode) and lists their cases', async () => {
    const alice = await linked('alice');
    const replies = await alice.say('my cases');
    expect(replies).toHaveLength(1);
    const text = textOf(replies);
    expect(text).toMatch(/^Your cases \(\d+ of \d+\):|^You have no cases\./);
    // Alice opened one over the REST API: the bot lists it.
    expect(text).toContain(`**${aliceCase}** Printer shows offline — Active`);
    expect(suggestionsOf(replies)).toContain(`status ${aliceCase}`);
    // The link binds this conversation to alice, so proactive messages (replies, the survey) reach it.
    const aliceUser = await app.database.db('users').where({ username: 'alice' }).first<{ id: string }>('id');
    const reference = await app.database.db('conversation_references').where({ conversation_id: alice.conversationId }).first<{ user_id: string | null }>('user_id');
    expect(reference?.user_id).toBe(aliceUser.id);
  });

  it('shows an agent her queues', async () => {
    const gina = await linked('gina');
    const replies = await gina.say('my queues');
    // Gina works both demo queues; alice's case waits in the gold one.
    expect(textOf(replies)).toMatch(/^Your queues:\n\n- \*\*Gold support\*\*: [1-9]\d* waiting, \d+ in progress, \d+ at risk\n- \*\*Standard support\*\*: \d+ waiting/);
    expect(suggestionsOf(replies)).toEqual(['take next']);
  });

  it('refuses a forged card submission from a customer and changes nothing', async () => {
    const alice = await linked('alice');
    const before = await caseRow(aliceCase);
    // A "Resolve" button a customer's card never carries, without its text box…
    let replies = await alice.send({ value: { action: 'resolve', caseNumber: aliceCase } });
    expect(textOf(replies)).toBe('Please type the resolution before pressing the button. Nothing was changed. Type "help" to see what you can do.');
    // …and with it: well-formed, but resolving is for agents.
    replies = await alice.send({ value: { action: 'resolve', caseNumber: aliceCase, resolveText: 'fixed it myself' } });
    expect(textOf(replies)).toContain('That is something agents do.');
    // Whatever the case number: resolving is for agents, checked before the case is looked up.
    replies = await alice.send({ value: { action: 'resolve', caseNumber: 'CAS-99998', resolveText: 'x' } });
    expect(textOf(replies)).toContain('That is something agents do.');
    replies = await alice.send({ value: { action: 'dropTables', caseNumber: aliceCase } });
    expect(textOf(replies)).toContain("I don't know that button. Nothing was changed.");

    const after = await caseRow(aliceCase);
    expect(after).toEqual(before);
    expect(after?.status).toBe('active');
    const sue = await app.login('sue');
    const state = (await (await app.request('GET', `/cases/${aliceCase}`, { token: sue })).json()) as { status: string; resolution?: unknown };
    expect(state.status).toBe('active');
  });

  it('shows an agent an Adaptive Card of a case in her queue', async () => {
    const gina = await linked('gina');
    const replies = await gina.say(`show ${aliceCase}`);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toMatch(new RegExp(`^${aliceCase} is active, stage Identify`));
    const attachments = replies[0]!.attachments ?? [];
    expect(attachments.map((a) => a.contentType)).toEqual(['application/vnd.microsoft.card.adaptive']);
    const card = attachments[0]!.content as { type: string; version: string; body: unknown[]; actions?: { type: string; title: string; data?: Record<string, unknown> }[] };
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.3' });
    const cardText = JSON.stringify(card);
    expect(cardText).toContain(`${aliceCase} · Printer shows offline`);
    expect(cardText).toContain(DEMO.goldQueueName);
    expect(cardText).toContain('nobody yet');
    // Staff actions on an unowned, active case in Identify, each naming the case.
    const actions = card.actions ?? [];
    expect(actions.map((a) => a.title)).toEqual(expect.arrayContaining(['Accept', 'Customer confirmed', 'Advance stage', 'Hold', 'Reply']));
    for (const action of actions.filter((a) => a.type === 'Action.Submit')) expect(action.data).toMatchObject({ caseNumber: aliceCase });

    // The customer's card for the same case has the customer's actions, never the agent's.
    const alice = await linked('alice');
    const customerCard = JSON.stringify((await alice.say(`status ${aliceCase}`))[0]?.attachments);
    expect(customerCard).toContain('Add information');
    expect(customerCard).not.toContain('"Accept"');

    // An agent of another queue cannot see it.
    const sam = await linked('sam');
    expect(textOf(await sam.say(`show ${aliceCase}`))).toContain(`I can't find ${aliceCase}`);
  });

  it('sent every reply to the channel\'s serviceUrl and nothing anywhere else', async () => {
    expect(capture.received.length).toBeGreaterThan(10);
    expect(capture.unexpected).toEqual([]);
    for (const request of capture.received) {
      expect(request.method).toBe('POST');
      expect(request.replyToId).toMatch(/^act-\d+$/);
      expect(request.body.text).not.toBe(TURN_ERROR_MESSAGE);
    }
    // Every outgoing HTTP request of this process went to the capture server.
    const captureHost = new URL(capture.url).host;
    expect(outbound.length).toBeGreaterThanOrEqual(capture.received.length);
    expect(new Set(outbound)).toEqual(new Set([captureHost]));
    // The conversation references kept for proactive messages name only the capture server too.
    const references = await app.database.db('conversation_references').select<{ service_url: string; channel_id: string }[]>('service_url', 'channel_id');
    expect(references.length).toBeGreaterThan(0);
    expect(new Set(references.map((r) => r.service_url))).toEqual(new Set([capture.url]));
  });
});
