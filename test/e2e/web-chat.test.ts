import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityHandler } from 'botbuilder';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { DirectLineTokens } from '../../bot/direct-line';
import { migrateToLatest } from '../../db/migrate';
import { openTestDatabase, type TestDatabase } from '../support/databases';
import { type ChatApp, type ChatUser, CHROMIUM, launchChromium, requireChromium, startChatApp } from './web-chat-harness';

const WELCOME = 'Welcome to caseflow support';
const ALICE: ChatUser = { username: 'alice', id: '00000000-0000-4000-8000-00000000a11c', displayName: 'Alice Customer' };

/** Test-only bot: greets, then echoes. */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        // As caseflow's bot: a signed-in user is welcomed by name.
        if (member.id !== context.activity.recipient.id) await context.sendActivity(member.name ? `${WELCOME}, ${member.name}!` : WELCOME);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await context.sendActivity(`You said: ${context.activity.text}`);
      await next();
    });
  }
}

/** Records what a user would call a problem: script errors, failed requests, requests leaving the app. */
function watchProblems(page: Page, url: string): { problems: string[]; outside: string[]; sockets: string[] } {
  const problems: string[] = [];
  const outside: string[] = [];
  const sockets: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
  });
  page.on('websocket', (socket) => sockets.push(socket.url()));
  page.on('request', (request) => {
    if (!request.url().startsWith(url) && !request.url().startsWith(url.replace('http', 'ws')) && !/^(data|blob):/.test(request.url())) outside.push(request.url());
  });
  return { problems, outside, sockets };
}

async function say(page: Page, text: string): Promise<void> {
  const input = page.locator('[data-id="webchat-sendbox-input"]');
  await input.fill(text);
  await input.press('Enter');
}

/** Web Chat renders each message twice: visibly, and for screen readers; the first is enough. */
function shown(page: Page, text: string) {
  return page.getByText(text, { exact: true }).first();
}

describe('Web Chat in headless Chromium, against the self-hosted Direct Line', () => {
  let testDb: TestDatabase;
  let app: ChatApp;
  let browser: Browser;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const bot = new EchoBot();

  beforeAll(async () => {
    // Without Chromium the tests themselves fail (requireChromium), so a report counts them as failed, not skipped.
    if (!existsSync(CHROMIUM)) return;
    testDb = await openTestDatabase('postgres');
    await migrateToLatest(testDb.db);
    app = await startChatApp({ db: testDb.db, bot, logger, users: [ALICE] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await testDb?.close();
  });

  it('opens /chat, is greeted, says hello and sees the echo', async () => {
    requireChromium();
    const page = await browser.newPage();
    const { problems, outside, sockets } = watchProblems(page, app.url);

    await page.goto(`${app.url}/chat`);
    await shown(page, WELCOME).waitFor({ timeout: 30_000 });

    await say(page, 'hello');
    await shown(page, 'You said: hello').waitFor({ timeout: 30_000 });
    // The user's own message is shown too, acknowledged by the echo of the stream (not "Send failed").
    await expect(page.getByText('hello', { exact: true }).count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(page.getByText(/send failed/i).count()).resolves.toBe(0);

    expect(sockets.map((socket) => new URL(socket).pathname)).toEqual([expect.stringMatching(/^\/v3\/directline\/conversations\/[\w-]+\/stream$/)]);
    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it('carries on after the server restarts, without a reload, and keeps the conversation across a reload', async () => {
    requireChromium();
    const page = await browser.newPage();
    const { sockets } = watchProblems(page, app.url);
    // This test failed once in many runs under load without a trace: keep what the page showed.
    const log: string[] = [];
    page.on('console', (message) => log.push(`${new Date().toISOString()} ${message.type()}: ${message.text()}`));
    page.on('websocket', (socket) => {
      log.push(`${new Date().toISOString()} socket open ${socket.url().replace(/t=[^&]+/, 't=…')}`);
      socket.on('close', () => log.push(`${new Date().toISOString()} socket closed`));
    });
    onTestFailed(async () => {
      const dir = join(process.cwd(), 'test-results', 'web-chat-restart');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'page.png'), fullPage: true }).catch(() => undefined);
      writeFileSync(join(dir, 'page.txt'), `${log.join('\n')}\n\n${await page.locator('body').innerText().catch(() => '')}`);
    });
    await page.goto(`${app.url}/chat`);
    await shown(page, WELCOME).waitFor({ timeout: 30_000 });
    await say(page, 'before the restart');
    await shown(page, 'You said: before the restart').waitFor({ timeout: 30_000 });
    const conversationId = /conversations\/([\w-]+)\/stream/.exec(sockets[0] ?? '')?.[1];
    expect(conversationId).toBeDefined();

    // The server goes away under the open tab: the page says so rather than "Connected"…
    const port = Number(new URL(app.url).port);
    await app.stop();
    await shown(page, 'Connection lost. Reconnecting…').waitFor({ timeout: 30_000 });
    // …and when it comes back on the same port, same database, the tab resumes the conversation by itself.
    app = await startChatApp({ db: testDb.db, bot, logger, port, users: [ALICE] });
    await shown(page, 'Connection lost. Reconnecting…').waitFor({ state: 'hidden', timeout: 30_000 });
    await shown(page, 'You said: before the restart').waitFor({ timeout: 30_000 });

    await say(page, 'after the restart');
    await shown(page, 'You said: after the restart').waitFor({ timeout: 30_000 });
    await expect(page.getByText(/send failed/i).count()).resolves.toBe(0);

    // A proactive message (an agent's reply, a survey) posted to the conversation reaches the open tab.
    const connectorToken = new DirectLineTokens('web-chat-e2e-secret-of-at-least-32-characters').issue({ scope: 'connector', conv: conversationId! }, 60);
    const posted = await fetch(`${app.url}/directline-connector/v3/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${connectorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'An agent answered your case.' }),
    });
    expect(posted.status).toBe(200);
    await shown(page, 'An agent answered your case.').waitFor({ timeout: 30_000 });

    // A reload resumes the same conversation: the whole transcript is shown again, with no second welcome.
    await page.reload();
    for (const text of ['before the restart', 'You said: before the restart', 'after the restart', 'You said: after the restart', 'An agent answered your case.']) {
      await shown(page, text).waitFor({ timeout: 30_000 });
    }
    await expect(page.getByText(WELCOME, { exact: true }).count()).resolves.toBeLessThanOrEqual(2);
    await say(page, 'after the reload');
    await shown(page, 'You said: after the reload').waitFor({ timeout: 30_000 });
    expect(new Set(sockets.map((socket) => /conversations\/([\w-]+)\/stream/.exec(socket)?.[1]))).toEqual(new Set([conversationId]));
    await page.close();
  });

  it('starts a new conversation on reload when the saved one is gone from the server', async () => {
    requireChromium();
    const page = await browser.newPage();
    const { sockets } = watchProblems(page, app.url);
    await page.goto(`${app.url}/chat`);
    await shown(page, WELCOME).waitFor({ timeout: 30_000 });
    const conversationId = /conversations\/([\w-]+)\/stream/.exec(sockets[0] ?? '')?.[1];
    expect(conversationId).toBeDefined();
    // As a retention job would: the transcript is deleted.
    await testDb.db('directline_conversations').where({ id: conversationId }).del();

    await page.reload();
    await shown(page, WELCOME).waitFor({ timeout: 30_000 });
    await say(page, 'still there?');
    await shown(page, 'You said: still there?').waitFor({ timeout: 30_000 });
    expect(/conversations\/([\w-]+)\/stream/.exec(sockets.at(-1) ?? '')?.[1]).not.toBe(conversationId);
    await page.close();
  });

  it('signing in starts a conversation of its own: one welcome, addressed to the user, and no guest welcome above it', async () => {
    requireChromium();
    const page = await browser.newPage();
    const closed: string[] = [];
    page.on('websocket', (socket) => socket.on('close', () => closed.push(socket.url())));
    const { sockets } = watchProblems(page, app.url);
    await page.goto(`${app.url}/chat`);
    await shown(page, WELCOME).waitFor({ timeout: 30_000 });

    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('any');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await shown(page, `${WELCOME}, ${ALICE.displayName}!`).waitFor({ timeout: 30_000 });
    await expect(page.getByText(WELCOME, { exact: true }).count()).resolves.toBe(0);
    await expect(page.locator('#webchat').getByText(/^Welcome to caseflow support/).count()).resolves.toBeLessThanOrEqual(2);
    // The guest conversation's stream is closed, not left running behind the new chat.
    await expect.poll(() => closed).toContain(sockets[0]);

    // A reload keeps the signed-in conversation, still with its one welcome.
    await page.reload();
    await shown(page, `${WELCOME}, ${ALICE.displayName}!`).waitFor({ timeout: 30_000 });
    await expect(page.getByText(WELCOME, { exact: true }).count()).resolves.toBe(0);
    await page.close();
  });

  it('fits a 390 px wide phone: the sign-in button is on screen and nothing scrolls sideways', async () => {
    requireChromium();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/chat`);
    await shown(page, WELCOME).waitFor({ timeout: 30_000 });
    const button = await page.locator('#signin-button').boundingBox();
    const pageWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(button).not.toBeNull();
    expect(button!.x).toBeGreaterThanOrEqual(0);
    expect(button!.x + button!.width).toBeLessThanOrEqual(390);
    expect(pageWidth).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: 'Sign in' }).click({ trial: true });
    await context.close();
  });
});
