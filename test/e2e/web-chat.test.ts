import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ActivityHandler } from 'botbuilder';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import type { Server } from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../api/server';
import { close, listen } from '../../app/process/network';
import { createBotAdapter } from '../../bot/adapter';
import { registerBotRoute } from '../../bot/http/messages.route';
import { directLineConnectorCredentials, DirectLineTokens, registerDirectLine, type DirectLineHandle } from '../../bot/direct-line';
import { createDirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
import { createUserAccountStatus } from '../../db/repositories/user.repository';
import { registerWebChat } from '../../bot/web-chat.route';
import { migrateToLatest } from '../../db/migrate';
import { openTestDatabase, type TestDatabase } from '../support/databases';

/** Debian's package; CI installs it with `apt-get install -y chromium`. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WELCOME = 'Welcome to caseflow support';

/** Test-only bot: greets, then echoes. */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient.id) await context.sendActivity(WELCOME);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await context.sendActivity(`You said: ${context.activity.text}`);
      await next();
    });
  }
}

describe('Web Chat in headless Chromium, against the self-hosted Direct Line', () => {
  let testDb: TestDatabase;
  let server: Server;
  let directLine: DirectLineHandle;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    // Without Chromium the test itself fails (below), so a report counts it as failed, not skipped.
    if (!existsSync(CHROMIUM)) return;
    testDb = await openTestDatabase('pglite');
    await migrateToLatest(testDb.db);
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    server = createApiServer({ logger, health: {} as never, routes: [registerWebChat] });
    await listen(server, '127.0.0.1', 0);
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const serviceUrl = `${url}/directline-connector`;
    const tokens = new DirectLineTokens('web-chat-e2e-secret-of-at-least-32-characters');
    const adapter = createBotAdapter({
      appId: undefined,
      appPassword: undefined,
      tenantId: undefined,
      appType: 'MultiTenant',
      mode: 'test',
      logger,
      selfHostedConnector: { serviceUrl, credentials: directLineConnectorCredentials(tokens) },
    });
    const bot = new EchoBot();
    // Web Chat talks to Direct Line only: /api/messages takes no service URL here.
    registerBotRoute(server, adapter, bot, { allowedServiceUrls: [], ownBaseUrl: url, logger });
    directLine = registerDirectLine(server, {
      tokens,
      transcripts: createDirectLineTranscripts(testDb.db),
      accounts: createUserAccountStatus(testDb.db),
      serviceUrl,
      bot: { id: 'caseflow-bot', name: 'caseflow' },
      logger,
      deliver: (activity, caller) => adapter.processTrustedActivity(activity, (context) => bot.run(context), caller.caseflowUserId),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await directLine?.close();
    if (server) await close(server);
    await testDb?.close();
  });

  it('opens /chat, is greeted, says hello and sees the echo', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: the end-to-end test needs it (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    }
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    });
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(new URL(socket.url()).pathname));
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith(url.replace('http', 'ws')) && !/^(data|blob):/.test(request.url())) outside.push(request.url());
    });

    await page.goto(`${url}/chat`);
    // Web Chat renders each message twice: visibly, and for screen readers.
    await page.getByText(WELCOME, { exact: true }).first().waitFor({ timeout: 30_000 });

    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill('hello');
    await input.press('Enter');
    await page.getByText('You said: hello', { exact: true }).first().waitFor({ timeout: 30_000 });
    // The user's own message is shown too, acknowledged by the echo of the stream (not "Send failed").
    await expect(page.getByText('hello', { exact: true }).count()).resolves.toBeGreaterThanOrEqual(1);
    await expect(page.getByText(/send failed/i).count()).resolves.toBe(0);

    expect(sockets).toEqual([expect.stringMatching(/^\/v3\/directline\/conversations\/[\w-]+\/stream$/)]);
    expect(problems).toEqual([]);
    expect(outside).toEqual([]);
  });
});
