import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import type { Actor } from '../../domain/actor';
import type { caseWorkflow } from '../../workflows';
import * as messages from '../../workflows/messages';
import { actorFor } from '../support/actors';
import { surveyToken } from '../../activities/survey.activities';
import { bundleCaseWorkflows, createCaseHarness, TEST_SURVEY_SECRET, type CaseHarness } from '../support/case-harness';
import { startTimeSkippingTemporal } from '../support/temporal';

/**
 * Exactly-once effects counted where the customer would notice them: the minutes charged to a
 * time-based entitlement over two resolutions, and the survey mail under a retried activity.
 *
 * Every `sendSurvey` here commits and then fails on its first attempt, as if the worker lost the
 * answer: the retry must find the survey and its outbox rows and add nothing.
 */
type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stopWorker: () => Promise<void>;
let gina: Actor; // agent, standard and gold queues
let sven: Actor; // the silver customer: 600 minutes a year
const surveyAttempts = new Map<string, number>();

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startTimeSkippingTemporal(), bundleCaseWorkflows()]);
  env = environment;
  harness = await createCaseHarness(env, bundle);
  const worker = await harness.startWorker({
    sendSurvey: async (input) => {
      const key = `${input.caseNumber}:${input.episode}`;
      const attempt = (surveyAttempts.get(key) ?? 0) + 1;
      surveyAttempts.set(key, attempt);
      const sent = await harness.activities.sendSurvey(input);
      if (attempt === 1) throw new Error('injected: the survey was committed but the answer was lost');
      return sent;
    },
  });
  stopWorker = () => worker.stop();
  [gina, sven] = await Promise.all([actorFor(harness.database.db, 'gina'), actorFor(harness.database.db, 'sven')]);
});

afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
  await env?.teardown();
});

const db = () => harness.database.db;

async function silverRemaining(): Promise<number> {
  const row = await db()('entitlements').where({ id: DEMO.silverEntitlementId }).first<{ remaining_terms: string }>('remaining_terms');
  return Number(row.remaining_terms);
}

async function usages(caseNumber: string) {
  const rows = await db()('entitlement_usages as u')
    .join('cases as c', 'c.id', 'u.case_id')
    .where({ 'c.case_number': caseNumber })
    .orderBy('u.resolution_episode')
    .select<{ resolution_episode: number; terms_used: string }[]>('u.resolution_episode', 'u.terms_used');
  return rows.map((r) => [Number(r.resolution_episode), Number(r.terms_used)]);
}

async function surveyMail(caseNumber: string) {
  return db()('notifications as n')
    .join('cases as c', 'c.id', 'n.case_id')
    .where({ 'c.case_number': caseNumber, 'n.kind': 'survey' })
    .orderBy('n.id')
    .select<{ channel: string; recipient_user_id: string; payload: { episode: number } }[]>('n.channel', 'n.recipient_user_id', 'n.payload');
}

async function logMinutes(handle: CaseHandle, subject: string, minutesSpent: number) {
  return handle.executeUpdate(messages.addActivityUpdate, {
    args: [{ actor: gina, type: 'phone_call', subject, body: '', direction: 'inbound', minutesSpent, open: false, dueAt: null }],
  });
}

async function workToResolveStage(handle: CaseHandle) {
  await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
  await handle.executeUpdate(messages.completeStepUpdate, { args: [{ actor: gina, stepId: 'customer_confirmed' }] });
  const product = await db()('products').where({ code: DEMO.productCodes.vpn }).first<{ id: string }>('id');
  await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: product.id, subject: 'VPN' }] });
  await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
  await handle.executeUpdate(messages.recordKnowledgeSearchUpdate, { args: [{ actor: gina, query: 'vpn drops' }] });
  await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
}

const resolve = (handle: CaseHandle, resolutionText: string) =>
  handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText, resolutionType: 'problem_solved' }] });

it('charges a minutes entitlement only the minutes worked since the last charge: 20, then 15 after a reopen', async () => {
  const contact = await db()('contacts').where({ email: DEMO.silverContactEmail }).first<{ id: string }>('id');
  const handle = await harness.openCase({ customer: { type: 'contact', id: contact.id }, channel: 'chat' });
  const opened = await harness.waitForState(handle, (s) => s.version >= 1);
  expect(opened.entitlement).toMatchObject({ kind: 'entitled', entitlementId: DEMO.silverEntitlementId });
  expect(await silverRemaining()).toBe(600);

  await workToResolveStage(handle);
  await logMinutes(handle, 'Diagnosed the tunnel', 20);
  const first = await resolve(handle, 'Renewed the VPN certificate');
  expect(first.resolution).toMatchObject({ episode: 1, totalMinutesSpent: 20 });
  expect(await usages(first.caseNumber)).toEqual([[1, 20]]);
  expect(await silverRemaining()).toBe(580);

  await handle.executeUpdate(messages.reopenCaseUpdate, { args: [{ actor: sven, reason: 'It drops again every hour' }] });
  await logMinutes(handle, 'Replaced the client profile', 15);
  const second = await resolve(handle, 'New client profile deployed');
  // The resolution reports all the time spent on the case; the charge is only what is new.
  expect(second.resolution).toMatchObject({ episode: 2, totalMinutesSpent: 35 });
  expect(await usages(second.caseNumber)).toEqual([[1, 20], [2, 15]]);
  expect(await silverRemaining()).toBe(565);

  // One survey per resolution, each sent to the customer once by email and once in chat, though
  // every sendSurvey attempt was retried once.
  expect(surveyAttempts.get(`${second.caseNumber}:1`)).toBe(2);
  expect(surveyAttempts.get(`${second.caseNumber}:2`)).toBe(2);
  const mail = await surveyMail(second.caseNumber);
  expect(mail.map((m) => [m.payload.episode, m.channel, m.recipient_user_id]).sort()).toEqual([
    [1, 'bot', sven.userId],
    [1, 'email', sven.userId],
    [2, 'bot', sven.userId],
    [2, 'email', sven.userId],
  ]);
  const surveys = await db()('surveys as s').join('cases as c', 'c.id', 's.case_id').where({ 'c.case_number': second.caseNumber }).select<{ resolution_episode: number }[]>('s.resolution_episode');
  expect(surveys.map((s) => Number(s.resolution_episode)).sort()).toEqual([1, 2]);

  // The survey links' tokens answer the survey without signing in: they are secrets, and no
  // workflow history (which every operator can read) holds them.
  // The history's bytes as stored: payloads are JSON inside, so a token would appear verbatim.
  const history = Buffer.from(temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
  expect(history.includes('Renewed the VPN certificate'), 'the search below can see payloads').toBe(true);
  for (const episode of [1, 2]) {
    const token = surveyToken(TEST_SURVEY_SECRET, second.caseNumber, episode);
    expect(history.includes(token), `episode ${episode}'s token in the history`).toBe(false);
  }
});
