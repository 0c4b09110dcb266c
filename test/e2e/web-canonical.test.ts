import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { freePort } from '../../app/process/network';
import { createNotificationOutbox } from '../../db/repositories/notification-outbox.repository';
import { DEMO } from '../../db/seeds/demo';
import { createMailDelivery, type MailDelivery } from '../../email/mail-delivery';
import { expectAccessible, SHOTS, signInOnPage, startBrowserApp, type BrowserApp } from '../support/browser-app';
import { requireChromium } from '../support/chromium';
import { eventually } from '../support/eventually';
import type { RunningApp } from '../support/http-app';

/**
 * The canonical scenario (../shared/DOMAIN.md) entirely through the web app, in headless Chromium
 * against the whole app (SMTP intake, REST, the desk, the survey page, the outbox) on a real
 * Temporal server and PostgreSQL: the gold customer emails support; the agent finds the case in
 * the desk's inbox and works Identify → Research → Resolve, sending a knowledge article; the survey
 * email's link is answered in the browser; the entitlement shows one less in the portal (at 390 px);
 * an operator reads the case's workflow history page and runs its replay check.
 * Screenshots: test-results/screenshots/canonical-*.png (git-ignored).
 */
const TEMPORAL_UI_URL = 'http://temporal-ui.example:8080';
const SUBJECT = 'Printer shows offline and will not print';

let started: BrowserApp | undefined;
let app: RunningApp | undefined;
let browser: Browser | undefined;
let smtpPort = 0;
let outboxDir = '';
let delivery: MailDelivery | undefined;
const contexts: BrowserContext[] = [];
/** Every console error, page error and failed request of every page: the scenario has none. */
const problems: string[] = [];

async function newPage(who: string, width = 1280, height = 900): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width, height }, timezoneId: 'America/New_York', locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`${who}: page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${who}: console error: ${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${who}: HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
  });
  return page;
}

const signIn = (page: Page, username: string): Promise<void> => signInOnPage(page, app!.baseUrl, username);

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `canonical-${name}.png`), fullPage: true });
}

/** The outbox as the customer's mailbox: delivers what is due to .eml files and returns them parsed. */
async function mailbox(): Promise<{ to: string; subject: string; text: string }[]> {
  await delivery!.deliverPending(50);
  const files = (await readdir(outboxDir)).filter((f) => f.endsWith('.eml'));
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(await readFile(join(outboxDir, file)));
      const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
      return { to, subject: mail.subject ?? '', text: mail.text ?? '' };
    }),
  );
}

beforeAll(async () => {
  smtpPort = await freePort();
  started = await startBrowserApp({ SMTP_LISTEN_PORT: String(smtpPort), TEMPORAL_UI_URL });
  if (!started) return;
  ({ app, browser } = started);
  outboxDir = await mkdtemp(join(tmpdir(), 'caseflow-canonical-outbox-'));
  // The worker side's mail delivery, writing .eml files; links point at this app.
  delivery = createMailDelivery({ outbox: createNotificationOutbox(app.database.db), transport: 'outbox', from: 'support@caseflow.local', outboxDir, publicBaseUrl: app.baseUrl, logger: pino({ level: 'silent' }) });
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  delivery?.close();
  await started?.stop();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
}, 60_000);

describe('the canonical scenario in the web app (email in, the desk, the survey page, the portal)', () => {
  it('the gold customer emails; the agent works the case in the desk and resolves it; the survey link is answered; 14 cases left; the operator checks its history', async () => {
    requireChromium();
    if (!app || !browser) throw new Error('the app or the browser did not start (see the beforeAll error)');
    // Each page as it was when a step failed, to look at.
    onTestFailed(async () => {
      let n = 0;
      for (const context of contexts) for (const page of context.pages()) await shot(page, `failed-${++n}`).catch(() => undefined);
    });
    const db = app.database.db;
    const remainingGoldTerms = async (): Promise<number> => Number((await db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string }>('remaining_terms')).remaining_terms);
    const termsBefore = await remainingGoldTerms();
    expect(termsBefore).toBe(15);

    // 1. Alice emails support: the case-creation rules open a case (SMTP answers with its number).
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    const sent = await transport
      .sendMail({ from: `Alice Gold <${DEMO.goldContactEmail}>`, to: 'support@caseflow.local', subject: SUBJECT, text: 'Since this morning the office printer says "offline" and nothing prints.' })
      .finally(() => transport.close());
    const caseNumber = /CAS-\d{5,}/.exec(sent.response)?.[0];
    expect(caseNumber, sent.response).toMatch(/^CAS-\d{5,}$/);
    const goldQueue = await db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id');
    expect(await db('cases').where({ case_number: caseNumber }).first('channel', 'queue_id', 'status')).toEqual({ channel: 'email', queue_id: goldQueue.id, status: 'active' });

    // 2. Gina finds it in her inbox.
    const gina = await newPage('gina');
    await signIn(gina, 'gina');
    await gina.getByRole('heading', { name: 'Inbox' }).waitFor();
    const row = gina.getByRole('row').filter({ hasText: caseNumber! });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(SUBJECT);
    await gina.getByRole('button', { name: /Gold/ }).first().waitFor();
    await shot(gina, '01-inbox');
    await expectAccessible(gina);

    // 3. She works it in the desk: accept; Identify (customer confirmed, product and subject).
    await row.getByRole('link', { name: caseNumber! }).click();
    await gina.getByRole('heading', { name: SUBJECT }).waitFor();
    await gina.getByRole('button', { name: 'Accept case' }).click();
    await gina.getByText('You', { exact: true }).waitFor();
    await gina.getByRole('button', { name: 'Mark done: Customer confirmed' }).click();
    await gina.getByRole('button', { name: 'Mark done: Customer confirmed' }).waitFor({ state: 'detached' });
    await gina.getByRole('combobox', { name: 'Product' }).click();
    await gina.getByRole('option', { name: 'OfficeJet 100 printer' }).click();
    await gina.getByLabel('Subject').fill('Printing');
    await gina.getByRole('button', { name: 'Save details' }).click();
    await gina.getByRole('button', { name: 'Advance to the next stage' }).click();
    await gina.getByRole('heading', { name: 'Process: Research' }).waitFor();

    // Research: the knowledge base, and the article emailed to the customer from the case.
    await gina.getByRole('searchbox', { name: 'Search the knowledge base' }).fill('printer offline');
    await gina.getByRole('button', { name: 'Search', exact: true }).click();
    const article = gina.getByRole('listitem').filter({ hasText: 'KA-01002' });
    await article.waitFor();
    await shot(gina, '02-case-page-research');
    await article.getByRole('button', { name: 'Send to customer' }).click();
    // The case page does not list linked articles: the case's state says it was sent.
    const ginaToken = await app.login('gina');
    const linked = await eventually(
      async () => ((await (await app!.request('GET', `/cases/${caseNumber!}/state`, { token: ginaToken })).json()) as { linkedArticles: { articleNumber: string; sentToCustomer: boolean }[] }).linkedArticles,
      (articles) => articles.length > 0,
    );
    expect(linked).toEqual([expect.objectContaining({ articleNumber: 'KA-01002', sentToCustomer: true })]);
    // …and the case page lists it as sent.
    await gina.getByRole('region', { name: 'Articles', exact: true }).getByText('Sent to the customer').waitFor();
    await gina.getByRole('button', { name: 'Advance to the next stage' }).click();
    await gina.getByRole('heading', { name: 'Process: Resolve' }).waitFor();

    // Resolve.
    await gina.getByLabel('Resolution', { exact: true }).fill('Brought the printer back online with the article’s steps');
    await gina.getByRole('button', { name: 'Resolve case' }).click();
    await gina.getByText('This case is resolved.').waitFor();
    await shot(gina, '03-case-page-resolved');
    await expectAccessible(gina);

    // 4. The customer's mailbox: the article, and the survey with its link.
    const mails = await eventually(mailbox, (all) => all.some((m) => /surveys\//.test(m.text)) && all.some((m) => m.text.includes('KA-01002')));
    for (const mail of mails) expect(mail.to).toContain(DEMO.goldContactEmail);
    expect(mails.find((m) => m.text.includes('KA-01002'))?.subject).toContain(`[${caseNumber!}]`);
    const link = /https?:\/\/\S+\/surveys\/[^\s>)"]+/.exec(mails.find((m) => /surveys\//.test(m.text))!.text)?.[0];
    expect(link).toBeDefined();
    // The test's worker signs links with its own base URL (its config has no port): the same path on this app.
    const surveyUrl = `${app.baseUrl}${new URL(link!).pathname}`;

    // 5. The survey page, from the email's link, answered in the browser.
    const survey = await newPage('alice (survey)', 390, 844);
    await survey.goto(surveyUrl);
    await survey.getByRole('heading', { name: 'How did we do?' }).waitFor();
    await survey.locator('label[for="rating-5"]').click();
    await survey.getByLabel(/Anything you would like to tell us/).fill('Solved within the hour, thank you');
    await survey.getByRole('button', { name: 'Send my answer' }).click();
    await survey.getByRole('heading', { name: 'Thank you!' }).waitFor();
    const answers = await db('survey_responses as r').join('surveys as s', 's.id', 'r.survey_id').join('cases as c', 'c.id', 's.case_id').where('c.case_number', caseNumber).select('r.rating', 'r.comment');
    expect(answers).toEqual([{ rating: 5, comment: 'Solved within the hour, thank you' }]);

    // 6. The entitlement shows one less: in the database, and in Alice's portal on a phone.
    await eventually(remainingGoldTerms, (n) => n === termsBefore - 1);
    const phone = await newPage('alice (portal, 390 px)', 390, 844);
    await signIn(phone, 'alice');
    await phone.getByRole('heading', { name: 'My cases' }).waitFor();
    await phone.getByText(`${termsBefore - 1} of ${termsBefore} cases left`).waitFor();
    await phone.getByRole('link', { name: new RegExp(caseNumber!) }).waitFor();
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'))).toBeLessThanOrEqual(0);
    await shot(phone, '04-portal-390px');
    await expectAccessible(phone);
    await phone.getByRole('link', { name: new RegExp(caseNumber!) }).click();
    await phone.getByRole('heading', { name: SUBJECT }).waitFor();
    await phone.getByRole('region', { name: 'Articles we sent you' }).getByText('(KA-01002)').waitFor();
    expect(Number(await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth'))).toBeLessThanOrEqual(0);
    await shot(phone, '05-portal-case-390px');

    // 7. The workflow history page: a supervisor reaches it from the case page.
    const sue = await newPage('sue');
    await signIn(sue, 'sue');
    await sue.getByRole('heading', { name: 'Inbox' }).waitFor();
    await sue.goto(`${app.baseUrl}/cases/${caseNumber!}`);
    await sue.getByRole('link', { name: 'Open the workflow history' }).click();
    await sue.waitForURL(`**/cases/${caseNumber!}/history`);
    await sue.getByRole('heading', { name: `Workflow history: ${SUBJECT}` }).waitFor();
    await sue.getByRole('list', { name: 'Milestones of run 1' }).getByText('Took the case').waitFor();

    // The operator's view of it (a shared link): in words, local times, run links, filters, the replay check.
    const otto = await newPage('otto');
    await signIn(otto, 'otto');
    await otto.getByRole('heading', { name: 'Inbox' }).waitFor();
    await otto.goto(`${app.baseUrl}/cases/${caseNumber!}/history`);
    await otto.getByRole('heading', { name: `Workflow history: ${SUBJECT}` }).waitFor();
    const milestones = otto.getByRole('list', { name: 'Milestones of run 1' });
    await milestones.getByText(`Opened by email: “${SUBJECT}”, priority normal`).waitFor();
    await milestones.getByText('SLA “Gold” clocks started').waitFor();
    // The SLA deadlines in the viewer's time zone (New York here), not as ISO timestamps.
    const clocks = milestones.getByRole('listitem').filter({ hasText: 'clocks started' });
    await expect(clocks.textContent()).resolves.toMatch(/First response by [A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d:\d\d [AP]M/);
    await expect(otto.locator('main').textContent()).resolves.not.toMatch(/\d{4}-\d\d-\d\dT\d\d|problem_solved|[a-z]_[a-z]/);
    await milestones.getByText('Resolved (problem solved): “Brought the printer back online with the article’s steps”').waitFor();
    const surveyAnswer = milestones.getByRole('listitem').filter({ hasText: 'Answered the survey: 5/5 “Solved within the hour, thank you”' });
    await expect(surveyAnswer.textContent()).resolves.toContain('The customer, by the survey link');
    const runLink = otto.getByRole('link', { name: /Open run 1 in the Temporal Web UI/ });
    await expect(runLink.getAttribute('href')).resolves.toMatch(new RegExp(`^${TEMPORAL_UI_URL}/namespaces/[^/]+/workflows/case-${caseNumber!}/[0-9a-f-]+/history$`));
    // Filters: only what the customer saw.
    await milestones.getByText('Step done: Customer confirmed').waitFor();
    await otto.getByRole('checkbox', { name: 'Internal' }).uncheck();
    await otto.getByRole('checkbox', { name: 'System' }).uncheck();
    await milestones.getByText('Step done: Customer confirmed').waitFor({ state: 'detached' });
    await milestones.getByText(/^Sent article KA-01002/).waitFor();
    await otto.getByRole('checkbox', { name: 'Internal' }).check();
    await otto.getByRole('checkbox', { name: 'System' }).check();
    // The replay check of this case against the code the server runs.
    await otto.getByRole('button', { name: 'Run the replay check' }).click();
    await otto.getByText('Replays cleanly').waitFor({ timeout: 30_000 });
    await shot(otto, '06-operator-timeline');
    await expectAccessible(otto);

    expect(problems).toEqual([]);
  }, 240_000);
});

describe('the administrators’ users page', () => {
  it('lists and finds users, adds a staff user who can then sign in, changes a role, disables and re-enables', async () => {
    requireChromium();
    if (!app || !browser) throw new Error('the app or the browser did not start (see the beforeAll error)');
    const adam = await newPage('adam');
    await signIn(adam, 'adam');
    await adam.getByRole('heading', { name: 'Inbox' }).waitFor();
    await adam.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await adam.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    const table = adam.getByRole('table', { name: 'Users' });
    await table.getByRole('row').filter({ hasText: 'gina' }).waitFor();

    // A new agent, who signs in with the initial password.
    await adam.getByLabel('User name').fill('nora');
    await adam.getByLabel('Display name').fill('Nora New');
    await adam.getByLabel('Email').fill('nora@caseflow.example');
    await adam.getByLabel('Initial password').fill('a-long-initial-password');
    await adam.getByRole('button', { name: 'Add user' }).click();
    await adam.getByText('Nora New can sign in now.').waitFor();
    expect((await app.request('POST', '/auth/token', { body: { username: 'nora', password: 'a-long-initial-password' } })).status).toBe(200);

    // Found by words; made a supervisor; disabled (refused at once), enabled again.
    await adam.getByRole('textbox', { name: 'Find' }).fill('nora');
    const nora = table.getByRole('row').filter({ hasText: 'nora@caseflow.example' });
    await nora.waitFor();
    // The whole list stays on screen until the filtered one comes: wait for it (a header row and nora's).
    await expect.poll(() => table.getByRole('row').count(), { timeout: 15_000 }).toBe(2);
    await nora.getByRole('combobox', { name: 'Role of Nora New' }).selectOption('supervisor');
    await eventually(async () => (await app!.database.db('users').where({ username: 'nora' }).first<{ role: string }>('role')).role, (role) => role === 'supervisor');
    await nora.getByRole('button', { name: 'Disable nora' }).click();
    await nora.getByText('Disabled').waitFor();
    expect((await app.request('POST', '/auth/token', { body: { username: 'nora', password: 'a-long-initial-password' } })).status).toBe(401);
    await shot(adam, '07-admin-users');
    await expectAccessible(adam);
    await nora.getByRole('button', { name: 'Enable nora' }).click();
    await nora.getByText('Active').waitFor();
    // An administrator cannot lock themself out from here.
    await adam.getByRole('textbox', { name: 'Find' }).fill('adam');
    await expect(table.getByRole('row').filter({ hasText: 'adam' }).getByRole('button', { name: 'Disable adam' }).isDisabled()).resolves.toBe(true);
    expect(problems.filter((p) => p.startsWith('adam'))).toEqual([]);
  }, 120_000);
});
