import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, SHOTS, signInOnPage, startBrowserApp, type BrowserApp } from '../support/browser-app';
import { requireChromium } from '../support/chromium';
import { eventually } from '../support/eventually';
import type { RunningApp } from '../support/http-app';

/**
 * The customers' portal in headless Chromium at a phone's width: knowledge suggestions while the
 * customer describes the problem, opening a case, withdrawing it and reopening it within the window.
 */
let started: BrowserApp | undefined;
let app: RunningApp;
let browser: Browser;
let context: BrowserContext | undefined;

async function phonePage(): Promise<{ page: Page; errors: string[] }> {
  context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Paris', locale: 'en-GB' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  return { page, errors };
}

beforeAll(async () => {
  started = await startBrowserApp();
  if (started) ({ app, browser } = started);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await started?.stop();
});

describe('the customers portal in a browser, 390 px wide', () => {
  it('suggests articles as the customer types, opens the case, withdraws it and reopens it', async () => {
    requireChromium();
    const { page, errors } = await phonePage();
    await signInOnPage(page, app.baseUrl, 'alice');
    await page.getByRole('heading', { name: 'My cases' }).waitFor();

    // Typing the problem brings the matching article, readable in place.
    await page.getByLabel('What is the problem?').fill('My printer says offline');
    const suggestions = page.getByRole('region', { name: 'These articles might already answer it' });
    await suggestions.getByText('Printer shows "offline": bring it back online').waitFor();
    await suggestions.getByRole('button', { name: /^Read KA-\d+$/ }).first().click();
    await suggestions.getByRole('button', { name: 'Hide the article' }).waitFor();
    await expect(suggestions.textContent()).resolves.toMatch(/online/i);
    await page.screenshot({ path: join(SHOTS, '20-portal-suggestions-390px.png'), fullPage: true });
    await expectAccessible(page);

    // Not solved by the article: the case opens.
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('heading', { name: 'My printer says offline' }).waitFor();
    const caseNumber = /\/portal\/cases\/(CAS-\d+)$/.exec(page.url())?.[1];
    expect(caseNumber).toMatch(/^CAS-\d+$/);

    // It works again: the customer withdraws the case…
    await page.getByRole('button', { name: 'I no longer need help with this' }).click();
    await page.getByLabel('Why (optional)').fill('It works again after a restart');
    await page.getByRole('button', { name: 'Cancel the case' }).click();
    await page.getByText('Need help with this after all?').waitFor();
    const token = await app.login('alice');
    const statusOf = async () => ((await (await app.request('GET', `/cases/${caseNumber!}/state`, { token })).json()) as { status: string }).status;
    await expect(statusOf()).resolves.toBe('cancelled');

    // …and, when the problem comes back the same day, reopens it with what is still wrong.
    await page.getByLabel('What is still wrong?').fill('Offline again this afternoon');
    await page.getByRole('button', { name: 'Reopen the case' }).click();
    await page.getByRole('button', { name: 'I no longer need help with this' }).waitFor();
    await expect(eventually(statusOf, (status) => status === 'active')).resolves.toBe('active');
    await page.screenshot({ path: join(SHOTS, '21-portal-reopened-390px.png'), fullPage: true });
    await expectAccessible(page);

    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  });
});
