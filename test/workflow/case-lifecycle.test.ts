import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import type { Actor } from '../../domain/actor';
import type { caseWorkflow } from '../../workflows';
import * as messages from '../../workflows/messages';
import { actorFor } from '../support/actors';
import { bundleCaseWorkflows, createCaseHarness, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startTimeSkippingTemporal } from '../support/temporal';

type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

const MINUTE = 60_000;

let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stopWorker: () => Promise<void>;
let gina: Actor; // agent, gold and standard queues
let sam: Actor; // agent, standard queue only
let sue: Actor; // supervisor
let alice: Actor; // the gold customer

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startTimeSkippingTemporal(), bundleCaseWorkflows()]);
  env = environment;
  harness = await createCaseHarness(env, bundle);
  const worker = await harness.startWorker();
  stopWorker = () => worker.stop();
  const db = harness.database.db;
  [gina, sam, sue, alice] = await Promise.all([actorFor(db, 'gina'), actorFor(db, 'sam'), actorFor(db, 'sue'), actorFor(db, 'alice')]);
});

afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
  await env?.teardown();
});

const db = () => harness.database.db;

async function goldRemaining(): Promise<number> {
  const row = await db()('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string }>('remaining_terms');
  return Number(row.remaining_terms);
}

async function notifications(caseNumber: string, kind: string) {
  return db()('notifications as n')
    .join('cases as c', 'c.id', 'n.case_id')
    .where({ 'c.case_number': caseNumber, 'n.kind': kind })
    .select<{ channel: string; recipient_user_id: string | null; payload: Record<string, unknown> }[]>('n.channel', 'n.recipient_user_id', 'n.payload');
}

async function kpiInstance(caseNumber: string, kpi: string) {
  return db()('sla_kpi_instances as k')
    .join('cases as c', 'c.id', 'k.case_id')
    .where({ 'c.case_number': caseNumber, 'k.kpi': kpi })
    .first<{ status: string; warning_at: Date | null; failure_at: Date | null } | undefined>('k.status', 'k.warning_at', 'k.failure_at');
}

async function opened(handle: CaseHandle) {
  return harness.waitForState(handle, (s) => s.version >= 1);
}

/** Expects the update to be refused with this failure type; returns the message. */
async function refused(promise: Promise<unknown>, type: messages.RefusalType): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(type);
  return (cause as ApplicationFailure).message;
}

/** Accept, confirm, set details, research, advance to Resolve. */
async function workToResolveStage(handle: CaseHandle, agent: Actor, { accept = true } = {}) {
  if (accept) await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: agent }] });
  await handle.executeUpdate(messages.completeStepUpdate, { args: [{ actor: agent, stepId: 'customer_confirmed' }] });
  const product = await db()('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
  await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: agent, productId: product.id, subject: 'Printing' }] });
  await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: agent }] });
  const article = await db()('knowledge_articles').where({ article_number: 'KA-01002' }).first<{ id: string; title: string }>('id', 'title');
  await handle.executeUpdate(messages.linkArticleUpdate, { args: [{ actor: agent, articleId: article.id, articleNumber: 'KA-01002', title: article.title, sendToCustomer: true }] });
  return handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: agent }] });
}

describe('opening a gold case', () => {
  it('decides entitlement, routing and SLA, and records them', async () => {
    const handle = await harness.openCase();
    const state = await opened(handle);
    const goldQueue = await db()('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id');
    expect(state.entitlement).toMatchObject({ kind: 'entitled', entitlementId: DEMO.goldEntitlementId });
    expect(state.queueId).toBe(goldQueue.id);
    const goldRule = await db()('routing_rules').where({ name: 'Gold customers to the gold queue' }).first<{ id: string }>('id');
    expect(state.routing.ruleId).toBe(goldRule.id);
    expect(state.slaPolicy?.name).toBe(DEMO.slaPolicyNames.gold);
    const first = state.kpis.find((k) => k.kpi === 'first_response')!;
    expect(Date.parse(first.warningAt!) - Date.parse(state.openedAt)).toBe(10 * MINUTE);
    expect(Date.parse(first.failureAt!) - Date.parse(state.openedAt)).toBe(15 * MINUTE);
    const row = await eventually(
      () => db()('cases').where({ case_number: state.caseNumber }).first<{ queue_id: string; is_entitled: boolean; first_response_by: Date } | undefined>(),
      (r) => r !== undefined,
    );
    expect(row).toMatchObject({ queue_id: goldQueue.id, is_entitled: true });
    expect(new Date(row!.first_response_by).toISOString()).toBe(first.failureAt);
  });
});

describe('SLA clocks on the time-skipping server', () => {
  it('warns at 10 minutes and fails at 15 minutes for a gold first response, then escalates', async () => {
    const handle = await harness.openCase();
    const state = await opened(handle);
    const openedAt = Date.parse(state.openedAt);
    // A second before the warning the workflow itself says the clock still runs (no timer fired).
    await env.sleep(openedAt + 10 * MINUTE - 1_000 - (await env.currentTimeMs()));
    const before = await handle.query(messages.getCaseStateQuery);
    expect(before.kpis.find((k) => k.kpi === 'first_response')).toMatchObject({ status: 'in_progress', warningAt: new Date(openedAt + 10 * MINUTE).toISOString() });

    await env.sleep(openedAt + 10 * MINUTE - (await env.currentTimeMs()));
    const warned = await harness.waitForState(handle, (s) => s.kpis.some((k) => k.kpi === 'first_response' && k.status === 'nearing_noncompliance'));
    expect(warned.kpis.find((k) => k.kpi === 'first_response')?.warningAt).toBe(new Date(openedAt + 10 * MINUTE).toISOString());
    const warnings = await eventually(() => notifications(state.caseNumber, 'sla_warning'), (rows) => rows.length > 0);
    // Nobody owns the case yet: the gold queue's members are warned, by email and in chat.
    expect(new Set(warnings.map((w) => w.channel))).toEqual(new Set(['email', 'bot']));
    expect(warnings.map((w) => w.recipient_user_id)).toContain(gina.userId);
    expect(warnings.map((w) => w.recipient_user_id)).not.toContain(sam.userId);
    // Planned for the exact instant; noticed when the timer fired, within the same second.
    expect(Date.parse(String(warnings[0]!.payload.scheduledFor))).toBe(openedAt + 10 * MINUTE);
    expect(Date.parse(String(warnings[0]!.payload.at)) - (openedAt + 10 * MINUTE)).toBeLessThan(1_000);
    const nearing = await eventually(() => kpiInstance(state.caseNumber, 'first_response'), (k) => k?.status === 'nearing_noncompliance');
    expect(new Date(nearing!.warning_at!).getTime()).toBe(openedAt + 10 * MINUTE);
    // Each member of the gold queue once per channel.
    const warnedPairs = warnings.map((w) => `${w.recipient_user_id}:${w.channel}`);
    expect(new Set(warnedPairs).size).toBe(warnedPairs.length);

    await env.sleep(openedAt + 15 * MINUTE - (await env.currentTimeMs()));
    const failed = await harness.waitForState(handle, (s) => s.kpis.some((k) => k.kpi === 'first_response' && k.status === 'noncompliant'));
    expect(failed.priority).toBe('high');
    const failures = await eventually(() => notifications(state.caseNumber, 'sla_failure'), (rows) => rows.length > 0);
    expect(failures.map((f) => f.recipient_user_id)).toContain(sue.userId);
    expect(Date.parse(String(failures[0]!.payload.scheduledFor))).toBe(openedAt + 15 * MINUTE);
    const instance = await eventually(() => kpiInstance(state.caseNumber, 'first_response'), (k) => k?.status === 'noncompliant');
    expect(new Date(instance!.failure_at!).getTime()).toBe(openedAt + 15 * MINUTE);
  });

  it('pauses while waiting for the customer and resumes with the remaining time', async () => {
    const handle = await harness.openCase();
    const state = await opened(handle);
    const openedAt = Date.parse(state.openedAt);
    await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
    await env.sleep(openedAt + 5 * MINUTE - (await env.currentTimeMs()));
    const held = await handle.executeUpdate(messages.holdCaseUpdate, { args: [{ actor: gina, status: 'waiting_for_customer', reason: 'asked for the printer model' }] });
    const pausedAt = Date.parse(held.kpis.find((k) => k.kpi === 'first_response')!.pausedAt!);
    expect(held.kpis.find((k) => k.kpi === 'first_response')).toMatchObject({ status: 'paused', failureAt: null });

    await env.sleep(60 * MINUTE);
    const during = await handle.query(messages.getCaseStateQuery);
    expect(during.kpis.find((k) => k.kpi === 'first_response')?.status).toBe('paused');
    expect(await notifications(state.caseNumber, 'sla_failure')).toHaveLength(0);

    const resumed = await handle.executeUpdate(messages.resumeCaseUpdate, { args: [{ actor: gina }] });
    const clock = resumed.kpis.find((k) => k.kpi === 'first_response')!;
    const resumedAt = Date.parse(clock.runningSince!);
    expect(resumedAt - pausedAt).toBeGreaterThanOrEqual(60 * MINUTE);
    // 15 minutes in all: what ran before the pause, plus what remains after the resume.
    expect(Date.parse(clock.failureAt!) - resumedAt).toBe(15 * MINUTE - (pausedAt - openedAt));
    expect(Date.parse(clock.warningAt!) - resumedAt).toBe(10 * MINUTE - (pausedAt - openedAt));
    expect(clock.status).toBe('in_progress');
  });

  it('is met by the first reply to the customer', async () => {
    const handle = await harness.openCase();
    const state = await opened(handle);
    await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
    // The customer hears that an agent took the case (a patched change: see PATCHES in the workflow).
    const accepted = await eventually(() => notifications(state.caseNumber, 'status_change'), (rows) => rows.length > 0);
    expect(accepted.map((n) => n.payload)).toContainEqual(expect.objectContaining({ status: 'accepted', agent: 'Gina Agent' }));
    expect(accepted.map((n) => n.recipient_user_id)).toContain(alice.userId);
    const replied = await handle.executeUpdate(messages.replyToCustomerUpdate, { args: [{ actor: gina, text: 'We are looking into it.' }] });
    expect(replied.kpis.find((k) => k.kpi === 'first_response')?.status).toBe('succeeded');
    expect(replied.firstRespondedAt).toBe(replied.kpis.find((k) => k.kpi === 'first_response')?.succeededAt);
    // The customer gets the reply once by email and once in chat.
    const replies = await eventually(() => notifications(replied.caseNumber, 'agent_reply'), (rows) => rows.length > 0);
    expect(replies.filter((r) => r.recipient_user_id === alice.userId).map((r) => r.channel).sort()).toEqual(['bot', 'email']);
    expect(replies.every((r) => r.payload.text === 'We are looking into it.')).toBe(true);
  });
});

describe('the business process flow', () => {
  it('refuses to advance naming the missing steps, and keeps who advanced and when', async () => {
    const handle = await harness.openCase();
    await opened(handle);
    await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
    const message = await refused(handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] }), 'IllegalTransition');
    expect(message).toContain('Customer confirmed');
    expect(message).toContain('Product and category set');
    const resolveStage = await workToResolveStage(handle, gina, { accept: false });
    expect(resolveStage.stage).toBe('resolve');
    expect(resolveStage.stageHistory.map((h) => [h.stage, h.byUserId])).toEqual([
      ['identify', null],
      ['research', gina.userId],
      ['resolve', gina.userId],
    ]);
  });

  it('refuses to resolve while an activity is open, listing it', async () => {
    const handle = await harness.openCase();
    await opened(handle);
    await workToResolveStage(handle, gina);
    const withTask = await handle.executeUpdate(messages.addActivityUpdate, {
      args: [{ actor: gina, type: 'task', subject: 'Call back about toner', body: '', direction: null, minutesSpent: 0, open: true, dueAt: null }],
    });
    const message = await refused(
      handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Restarted the spooler', resolutionType: 'problem_solved' }] }),
      'IllegalTransition',
    );
    expect(message).toContain('Call back about toner');
    const after = await handle.query(messages.getCaseStateQuery);
    expect(after.status).toBe('active');
    expect(after.version).toBe(withTask.version);
  });
});

describe('resolution, entitlement and survey', () => {
  it('charges the entitlement once and sends one survey, which the customer answers once', async () => {
    const before = await goldRemaining();
    const handle = await harness.openCase();
    await opened(handle);
    await workToResolveStage(handle, gina);
    const resolved = await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Restarted the spooler', resolutionType: 'problem_solved' }] });
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolution).toMatchObject({ episode: 1, type: 'problem_solved' });
    expect(await goldRemaining()).toBe(before - 1);
    const surveys = await eventually(
      () => db()('surveys').join('cases', 'cases.id', 'surveys.case_id').where('cases.case_number', resolved.caseNumber).select('surveys.*'),
      (rows) => rows.length > 0,
    );
    expect(surveys).toHaveLength(1);
    // One survey to the customer by email, and in her chat too though the case came by email.
    const surveyNotices = await notifications(resolved.caseNumber, 'survey');
    expect(surveyNotices.map((n) => [n.channel, n.recipient_user_id]).sort()).toEqual([['bot', alice.userId], ['email', alice.userId]]);
    expect(String(surveyNotices.find((n) => n.channel === 'email')!.payload.link)).toMatch(/^http:\/\/caseflow\.test\/surveys\/.+/);

    await refused(handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: gina, rating: 5, comment: '' }] }), 'NotAllowed');
    await refused(handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 9, comment: '' }] }), 'InvalidInput');
    const answered = await handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 5, comment: 'Quick and friendly' }] });
    expect(answered.survey).toMatchObject({ rating: 5, episode: 1 });
    await refused(handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 4, comment: '' }] }), 'IllegalTransition');
    const responses = await eventually(
      () => db()('survey_responses').join('surveys', 'surveys.id', 'survey_responses.survey_id').join('cases', 'cases.id', 'surveys.case_id').where('cases.case_number', resolved.caseNumber).select('survey_responses.rating'),
      (rows) => rows.length > 0,
    );
    expect(responses).toEqual([{ rating: 5 }]);
  });

  it('reopens within the window without charging again, and closes after the window', async () => {
    const before = await goldRemaining();
    const handle = await harness.openCase({}, { reopenWindowMinutes: 60, surveyResponseMinutes: 30 });
    await opened(handle);
    await workToResolveStage(handle, gina);
    const resolve = { actor: gina, resolutionText: 'Replaced the cable', resolutionType: 'problem_solved' as const };
    await handle.executeUpdate(messages.resolveCaseUpdate, { args: [resolve] });
    // The resolution Update returns once the charge is recorded: the balance is already one less.
    const afterFirst = await goldRemaining();
    expect(afterFirst).toBe(before - 1);
    const reopened = await handle.executeUpdate(messages.reopenCaseUpdate, { args: [{ actor: alice, reason: 'It went offline again' }] });
    expect(reopened.status).toBe('active');
    const second = await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ ...resolve, resolutionText: 'Replaced the network card' }] });
    expect(second.episode).toBe(2);
    expect(second.survey?.episode).toBe(2);
    expect(await goldRemaining()).toBe(afterFirst);
    const result = await handle.result(); // the survey expires after 30 min, the window after 60: then the case closes
    expect(result.status).toBe('closed');
    expect(Date.parse(result.closesAt!) - Date.parse(second.resolution!.resolvedAt)).toBe(60 * MINUTE);
    // The workflow has completed: nothing can change the case any more.
    // The server answers an Update to a completed workflow as not found.
    await expect(handle.executeUpdate(messages.reopenCaseUpdate, { args: [{ actor: alice, reason: 'again' }] })).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('with a reopen window shorter than the survey, stays resolved until the survey is answered, then closes', async () => {
    const handle = await harness.openCase({}, { reopenWindowMinutes: 10, surveyResponseMinutes: 60 });
    await opened(handle);
    await workToResolveStage(handle, gina);
    const resolved = await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Reseated the toner', resolutionType: 'problem_solved' }] });
    const resolvedAt = Date.parse(resolved.resolution!.resolvedAt);
    // The window has passed, the survey still waits: the case answers, resolved, and keeps waiting.
    await env.sleep(resolvedAt + 20 * MINUTE - (await env.currentTimeMs()));
    const waiting = await handle.query(messages.getCaseStateQuery);
    expect(waiting.status).toBe('resolved');
    expect(waiting.survey).toMatchObject({ answeredAt: null, expired: false });
    await handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 4, comment: '' }] });
    const result = await handle.result();
    expect(result.status).toBe('closed');
    expect(result.survey?.rating).toBe(4);
  });

  it('cancels without consuming the entitlement', async () => {
    const before = await goldRemaining();
    const handle = await harness.openCase({}, { reopenWindowMinutes: 10 });
    await opened(handle);
    const cancelled = await handle.executeUpdate(messages.cancelCaseUpdate, { args: [{ actor: alice, reason: 'Found the answer myself' }] });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.kpis.map((k) => [k.kpi, k.status]).sort()).toEqual([['first_response', 'cancelled'], ['resolve', 'cancelled']]);
    const result = await handle.result();
    expect(result.status).toBe('closed');
    expect(await goldRemaining()).toBe(before);
    await refused(
      harness.openCase().then(async (h) => {
        await opened(h);
        await h.executeUpdate(messages.cancelCaseUpdate, { args: [{ actor: sue, reason: 'duplicate' }] });
        return h.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: sue, resolutionText: 'x', resolutionType: 'problem_solved' }] });
      }),
      'IllegalTransition',
    );
  });
});

describe('long-lived cases', () => {
  it('continue as new before the history grows large, carrying their state', async () => {
    const handle = await harness.openCase({}, { continueAsNewAfterEvents: 60 });
    const first = await opened(handle);
    const firstRun = (await handle.describe()).runId;
    await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
    for (let i = 1; i <= 12; i++) {
      await handle.executeUpdate(messages.addActivityUpdate, {
        args: [{ actor: gina, type: 'note', subject: `Note ${i}`, body: '', direction: null, minutesSpent: 1, open: false, dueAt: null }],
      });
    }
    const latest = await eventually(() => handle.describe(), (d) => d.runId !== firstRun);
    expect(latest.status.name).toBe('RUNNING');
    const carried = await handle.query(messages.getCaseStateQuery);
    expect(carried.caseNumber).toBe(first.caseNumber);
    expect(carried.ownerUserId).toBe(gina.userId);
    expect(carried.activities.map((a) => a.subject)).toEqual(Array.from({ length: 12 }, (_, i) => `Note ${i + 1}`));
    expect(carried.kpis.find((k) => k.kpi === 'first_response')?.failureAt).toBe(first.kpis.find((k) => k.kpi === 'first_response')?.failureAt);
    const after = await handle.executeUpdate(messages.replyToCustomerUpdate, { args: [{ actor: gina, text: 'Still on it' }] });
    expect(Date.parse(after.firstRespondedAt!)).toBeGreaterThanOrEqual(Date.parse(carried.openedAt));
    expect(after.kpis.find((k) => k.kpi === 'first_response')?.status).toBe('succeeded');
  });
});

describe('refusals leave the case unchanged', () => {
  it('refuses a customer accepting, an agent outside the queue, and a non-manager yanking', async () => {
    const handle = await harness.openCase();
    const state = await opened(handle);
    await refused(handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: alice }] }), 'NotAllowed');
    const outsider = await refused(handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: sam }] }), 'NotAllowed');
    expect(outsider).toContain('queue');
    await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
    await refused(handle.executeUpdate(messages.yankCaseUpdate, { args: [{ actor: sam }] }), 'NotAllowed');
    await refused(handle.executeUpdate(messages.assignCaseUpdate, { args: [{ actor: gina, userId: sam.userId }] }), 'NotAllowed');
    await refused(handle.executeUpdate(messages.changePriorityUpdate, { args: [{ actor: gina, priority: 'extreme' as never }] }), 'InvalidInput');
    const after = await handle.query(messages.getCaseStateQuery);
    expect(after.version).toBe(state.version + 1);
    expect(after.ownerUserId).toBe(gina.userId);
    const yanked = await handle.executeUpdate(messages.yankCaseUpdate, { args: [{ actor: sue }] });
    expect(yanked.ownerUserId).toBeNull();
  });
});
