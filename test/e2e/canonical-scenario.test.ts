import { existsSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../support/chromium';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/** Debian's package; CI installs it with `apt-get install -y chromium`. */
/** One bot reply: the app answers within a second or two; the proactive loop runs every 2 s. */
const REPLY_MS = 30_000;
const PROACTIVE_MS = 20_000;
const SCREENSHOTS = { customer: '/tmp/caseflow-e2e-customer.png', agent: '/tmp/caseflow-e2e-agent.png' };

/**
 * The canonical scenario (../shared/DOMAIN.md), played in headless Chromium against the whole app
 * (REST, auth, the caseflow bot, Direct Line, /chat) on a real Temporal server and PostgreSQL: a gold
 * customer opens a case in Web Chat, an agent works it through the stages in Web Chat and resolves
 * it, the customer answers the survey card, and the entitlement shows one less.
 */
describe('the canonical scenario in Web Chat (headless Chromium, real Temporal and PostgreSQL)', () => {
  let temporal: TestWorkflowEnvironment | undefined;
  let app: RunningApp | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Without Chromium the test itself fails (below), so a report counts it as failed, not skipped.
    if (!existsSync(CHROMIUM)) return;
    const [env, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
    temporal = env;
    app = await startApp(env, 'postgres', bundle);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await temporal?.teardown();
  }, 60_000);

  it('a gold customer opens a case in chat, an agent resolves it in chat, the customer answers the survey; the entitlement shows one less', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: the end-to-end test needs it (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    }
    if (!app || !browser) throw new Error('the app or the browser did not start (see the beforeAll error)');
    const running = app;
    const db = running.database.db;

    const remainingGoldTerms = async (): Promise<number> => {
      const row = await db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string | number }>('remaining_terms');
      return Number(row.remaining_terms);
    };
    const termsBefore = await remainingGoldTerms();

    const problems: string[] = [];
    const pages: { page: Page; path: string }[] = [];
    // Screenshots of both chats, passed or failed, to look at.
    onTestFinished(async () => {
      for (const { page, path } of pages) {
        // The transcript may still be animating its scroll to the newest message.
        await page
          .locator('.webchat__basic-transcript__scrollable')
          .evaluate((element: { scrollTop: number; scrollHeight: number }) => {
            element.scrollTop = element.scrollHeight;
          })
          .catch(() => undefined);
        await page.screenshot({ path }).catch(() => undefined);
      }
    });
    const openChat = async (who: 'alice' | 'gina'): Promise<Page> => {
      // A context of its own per person: separate session storage, so separate sign-ins.
      const context = await browser!.newContext({ viewport: { width: 1000, height: 1300 } });
      const page = await context.newPage();
      pages.push({ page, path: who === 'alice' ? SCREENSHOTS.customer : SCREENSHOTS.agent });
      page.on('pageerror', (error) => problems.push(`${who}: page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${who}: console error: ${message.text()}`);
        // Web Chat only warns when it cannot render a card, and shows an empty bubble.
        else if (message.type() === 'warning' && /failed to render/i.test(message.text())) problems.push(`${who}: console warning: ${message.text().split('\n')[0]}`);
      });
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${who}: HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
      });
      await page.goto(`${running.baseUrl}/chat`);
      // The guest conversation starts first; signing in restarts Web Chat bound to the user.
      await waitForText(page, 'Welcome to caseflow support!');
      await page.locator('#username').fill(who);
      await page.locator('#password').fill('demo');
      await page.locator('#signin-button').click();
      return page;
    };

    // 1. The customer opens a case in Web Chat.
    const alice = await openChat('alice');
    await waitForText(alice, 'Welcome to caseflow support, Alice Gold!');
    await expect(alice.locator('#who').textContent()).resolves.toBe('Signed in as Alice Gold.');
    await say(alice, 'my printer shows offline and will not print');
    await waitForText(alice, 'These articles may solve it:');
    await waitForText(alice, 'KA-01002');
    await waitForText(alice, 'Did this solve it?');
    await clickSuggestion(alice, 'No');
    await waitForText(alice, 'Which product is it about? (or "Skip")');
    await clickSuggestion(alice, 'OfficeJet 100 printer');
    await waitForText(alice, 'How urgent is it?');
    await clickSuggestion(alice, 'normal');
    await waitForText(alice, 'Shall I open the case?');
    await waitForText(alice, 'Product: OfficeJet 100 printer');
    await clickSuggestion(alice, 'Yes');
    const opened = await waitForText(alice, /Your case CAS-\d{5} is open\./);
    const openedText = (await opened.textContent()) ?? '';
    expect(openedText).toMatch(/Your case CAS-\d{5} is open\. An agent will contact you within 15 minutes\./);
    const caseNumber = /CAS-\d{5}/.exec(openedText)?.[0] ?? '';
    expect(caseNumber).toMatch(/^CAS-\d{5}$/);

    // 2. The case runs in Temporal and is recorded in PostgreSQL, in the gold queue, from the web channel.
    const description = await running.client.workflow.getHandle(`case-${caseNumber}`).describe();
    expect(description.status.name).toBe('RUNNING');
    const goldQueue = await db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id');
    const record = await db('cases').where({ case_number: caseNumber }).first<{ queue_id: string; channel: string; status: string; priority: string }>();
    expect(record).toMatchObject({ queue_id: goldQueue.id, channel: 'web', status: 'active', priority: 'normal' });
    expect(await remainingGoldTerms()).toBe(termsBefore);

    // 3. The agent takes the case and works it through Identify → Research → Resolve in Web Chat.
    const gina = await openChat('gina');
    await waitForText(gina, 'Welcome to caseflow support, Gina Agent!');
    await say(gina, 'my queues');
    await waitForText(gina, /Gold support: 1 waiting/);
    await say(gina, 'take next');
    await waitForText(gina, `You took ${caseNumber}. It is active, stage Identify`);
    await say(gina, 'advance');
    await waitForText(gina, `${caseNumber} isn't ready for that`);
    // The case card's button, as the agent would click it.
    await gina.getByRole('button', { name: 'Customer confirmed', exact: true }).last().click();
    await waitForText(gina, `Step done: ${caseNumber}`);
    await say(gina, `set product ${DEMO.productCodes.printer}`);
    await waitForText(gina, `${caseNumber}: product set.`);
    await say(gina, 'set subject Printing');
    await waitForText(gina, `${caseNumber}: subject set.`);
    await say(gina, 'advance');
    await waitForText(gina, `Advanced: ${caseNumber}. It is active, stage Research`);
    await say(gina, 'search knowledge printer offline');
    await waitForText(gina, 'Articles for "printer offline":');
    await say(gina, 'send KA-01002');
    await waitForText(gina, `Sent KA-01002 "Printer shows "offline": bring it back online" to the customer of ${caseNumber}.`);
    await say(gina, 'reply We have sent you an article; please try it.');
    await waitForText(gina, `Your reply is on its way to the customer of ${caseNumber}.`);
    await say(gina, 'log call 15 min walked Alice through it');
    await waitForText(gina, `Logged a phone call of 15 minutes on ${caseNumber}.`);
    await say(gina, 'advance');
    await waitForText(gina, `Advanced: ${caseNumber}. It is active, stage Resolve`);
    await say(gina, 'resolve restarted the print spooler');
    await waitForText(gina, `${caseNumber} is resolved. The customer will get the survey.`);

    // 4. The customer, back in her chat, got the agent's messages and the survey card, and answers it.
    await waitForText(alice, `Gina Agent replied on ${caseNumber}`, PROACTIVE_MS);
    await waitForText(alice, 'We have sent you an article; please try it.', PROACTIVE_MS);
    await waitForText(alice, new RegExp(`Your case ${caseNumber} \\(.*\\) is resolved\\. Would you tell us how we did\\?`), PROACTIVE_MS);
    const survey = alice.locator('.ac-adaptiveCard').filter({ hasText: `How did we do on ${caseNumber}` }).last();
    // The card comes in the same activity as the text above: it is there at once, or never.
    await survey.waitFor({ timeout: 5_000 }).catch((error: unknown) => {
      throw new Error(`the survey card of ${caseNumber} is not shown in the customer's chat (an empty attachment bubble means Web Chat refused the card); browser problems: ${JSON.stringify(problems)}`, { cause: error });
    });
    await survey.getByRole('radio', { name: /★★★★☆ 4$/ }).check();
    await survey.getByPlaceholder('Anything to add? (optional)').fill('quick and friendly');
    await survey.getByRole('button', { name: 'Send', exact: true }).click();
    await waitForText(alice, `Thank you! Your rating of 4/5 for ${caseNumber} is recorded.`);

    const answers = await db('survey_responses as r')
      .join('surveys as s', 's.id', 'r.survey_id')
      .join('cases as c', 'c.id', 's.case_id')
      .where('c.case_number', caseNumber)
      .select<{ rating: number; comment: string | null }[]>('r.rating', 'r.comment');
    expect(answers).toEqual([{ rating: 4, comment: 'quick and friendly' }]);
    // The article went to the customer by email (the outbox), as the scenario has it.
    const articleMail = await db('notifications as n')
      .join('cases as c', 'c.id', 'n.case_id')
      .where({ 'c.case_number': caseNumber, 'n.kind': 'article_sent', 'n.channel': 'email' })
      .first<{ recipient_email: string; payload: { articleNumber: string } } | undefined>('n.recipient_email', 'n.payload');
    expect(articleMail).toMatchObject({ recipient_email: DEMO.goldContactEmail, payload: { articleNumber: 'KA-01002' } });
    await eventually(remainingGoldTerms, (n) => n === termsBefore - 1);
    expect(await remainingGoldTerms()).toBe(termsBefore - 1);
    expect(termsBefore - 1).toBe(14);
    expect((await db('cases').where({ case_number: caseNumber }).first<{ status: string }>('status')).status).toBe('resolved');

    await expect(alice.getByText(/send failed/i).count()).resolves.toBe(0);
    await expect(gina.getByText(/send failed/i).count()).resolves.toBe(0);
    // Every card rendered (Web Chat shows an empty bubble for a card it refuses), no page errors, no HTTP errors.
    expect(problems).toEqual([]);
  }, 180_000);
});

/** `text` as a pattern that also matches the curly quotes and apostrophes Web Chat's Markdown (typographer) shows. */
function typographic(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replaceAll("'", "['‘’]").replaceAll('"', '["“”]'));
}

/** Waits until the transcript shows the text (Web Chat renders each message twice: visibly and for screen readers). */
async function waitForText(page: Page, text: string | RegExp, timeout = REPLY_MS): Promise<Locator> {
  const found = page
    .locator('#webchat')
    .getByText(typeof text === 'string' ? typographic(text) : text)
    .first();
  try {
    await found.waitFor({ timeout });
  } catch (error) {
    const transcript = (await page.locator('#webchat').innerText().catch(() => '(unreadable)')).slice(-3_000);
    throw new Error(`waited ${timeout} ms for ${String(text)} in the chat; the transcript ends with:\n${transcript}`, { cause: error });
  }
  return found;
}

async function say(page: Page, text: string): Promise<void> {
  const input = page.locator('[data-id="webchat-sendbox-input"]');
  await input.fill(text);
  await input.press('Enter');
}

/** Clicks one of the suggested actions (the buttons under the last bot message). */
async function clickSuggestion(page: Page, title: string): Promise<void> {
  await page.locator('.webchat__suggested-actions').getByRole('button', { name: title, exact: true }).click();
}
