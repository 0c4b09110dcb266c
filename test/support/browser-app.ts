import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { bundleCaseWorkflows } from './case-harness';
import { CHROMIUM, launchChromium } from './chromium';
import { buildDeskOnce } from './desk-build';
import { startApp, type RunningApp } from './http-app';
import { startLocalTemporal } from './temporal';

/** Where browser tests leave screenshots for a person to look at (git-ignored). */
export const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

export interface BrowserApp {
  readonly temporal: TestWorkflowEnvironment;
  readonly app: RunningApp;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/**
 * The whole app on PostgreSQL serving the desk built from the current sources, and headless
 * Chromium: what every browser test starts with. Undefined when Chromium is missing, so the test
 * itself fails with requireChromium()'s message rather than the hook.
 */
export async function startBrowserApp(env: Record<string, string> = {}): Promise<BrowserApp | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  mkdirSync(SHOTS, { recursive: true });
  // The app serves the desk from its build: build it (once, under a lock) from the current sources.
  buildDeskOnce();
  const [temporal, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  const app = await startApp(temporal, 'postgres', bundle, env);
  const browser = await launchChromium();
  return {
    temporal,
    app,
    browser,
    async stop() {
      await browser.close();
      await app.stop();
      await temporal.teardown();
    },
  };
}

/** Signs in on the desk's sign-in page with the demo password. */
export async function signInOnPage(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * No serious or critical accessibility violation on the page as it is now. Fluent UI's focus
 * manager (tabster) puts aria-hidden focus sentinels around tab lists and groups that hand focus on
 * at once; axe counts them as "aria-hidden-focus", so they are left out.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  expect(bad).toEqual([]);
}
