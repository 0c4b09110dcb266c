import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { expect } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import type { Actor } from '../../domain/actor';
import type { caseWorkflow } from '../../workflows';
import * as messages from '../../workflows/messages';
import type { CaseHarness } from '../support/case-harness';

/**
 * The scenarios whose workflow histories test/replay/replay.test.ts replays against the current
 * workflow code. `npm run capture:histories` (capture-histories.ts) drives each scenario that has
 * no file in histories/ yet and writes its history there; replay.test.ts fails while a scenario
 * has no committed history.
 */

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

const MINUTE = 60_000;

export interface Scenario {
  readonly name: string;
  /** Drives one case to the end of the scenario and returns its handle once the last step is in its history. */
  readonly run: (ctx: CaptureContext) => Promise<CaseHandle>;
}

export interface CaptureContext {
  readonly env: TestWorkflowEnvironment;
  readonly harness: CaseHarness;
  readonly gina: Actor; // agent, gold queue
  readonly sue: Actor; // supervisor
  readonly alice: Actor; // the gold customer
}

/** A case opened (reopen window 60 min, survey 30 min), accepted by Gina and taken through Identify into Research. */
async function openAndIdentify(harness: CaseHarness, gina: Actor): Promise<CaseHandle> {
  const handle = await harness.openCase({}, { reopenWindowMinutes: 60, surveyResponseMinutes: 30 });
  await harness.waitForState(handle, (s) => s.version >= 1);
  await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
  await handle.executeUpdate(messages.completeStepUpdate, { args: [{ actor: gina, stepId: 'customer_confirmed' }] });
  const product = await harness.database.db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
  await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: product.id, subject: 'Printing' }] });
  await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
  return handle;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    // Opening, routing and SLA; the first-response warning and failure timers fire; priority bumped.
    name: 'gold-sla-breach',
    async run({ env, harness }) {
      const handle = await harness.openCase();
      const state = await harness.waitForState(handle, (s) => s.version >= 1);
      const openedAt = Date.parse(state.openedAt);
      await env.sleep(openedAt + 10 * MINUTE - (await env.currentTimeMs()));
      await harness.waitForState(handle, (s) => s.kpis.some((k) => k.kpi === 'first_response' && k.status === 'nearing_noncompliance'));
      await env.sleep(openedAt + 15 * MINUTE - (await env.currentTimeMs()));
      const failed = await harness.waitForState(handle, (s) => s.kpis.some((k) => k.kpi === 'first_response' && k.status === 'noncompliant'));
      expect(failed.priority).toBe('high');
      return handle;
    },
  },
  {
    // The whole process flow, an activity, a reply, resolution (charge and survey), the answer, closing.
    name: 'full-resolution',
    async run({ harness, gina, alice }) {
      const db = harness.database.db;
      const handle = await openAndIdentify(harness, gina);
      const article = await db('knowledge_articles').where({ article_number: 'KA-01002' }).first<{ id: string; title: string }>('id', 'title');
      await handle.executeUpdate(messages.linkArticleUpdate, { args: [{ actor: gina, articleId: article.id, articleNumber: 'KA-01002', title: article.title, sendToCustomer: true }] });
      const withTask = await handle.executeUpdate(messages.addActivityUpdate, {
        args: [{ actor: gina, type: 'task', subject: 'Call back about toner', body: '', direction: null, minutesSpent: 0, open: true, dueAt: null }],
      });
      const task = withTask.activities.find((a) => a.subject === 'Call back about toner')!;
      await handle.executeUpdate(messages.completeActivityUpdate, { args: [{ actor: gina, activityId: task.id, minutesSpent: 15 }] });
      await handle.executeUpdate(messages.replyToCustomerUpdate, { args: [{ actor: gina, text: 'Please restart the print spooler.' }] });
      const resolveStage = await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
      expect(resolveStage.stage).toBe('resolve');
      await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Restarted the spooler', resolutionType: 'problem_solved' }] });
      await handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 5, comment: 'Quick and friendly' }] });
      const result = await handle.result(); // the reopen window passes: the case closes
      expect(result.status).toBe('closed');
      return handle;
    },
  },
  {
    // Holds pause the SLA clocks; a customer note resumes a case waiting for the customer; a new priority retargets them.
    name: 'hold-resume-priority',
    async run({ env, harness, gina, alice }) {
      const handle = await harness.openCase();
      await harness.waitForState(handle, (s) => s.version >= 1);
      await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.holdCaseUpdate, { args: [{ actor: gina, status: 'waiting_for_customer', reason: 'asked for the printer model' }] });
      await env.sleep(5 * MINUTE);
      const noted = await handle.executeUpdate(messages.addCustomerNoteUpdate, { args: [{ actor: alice, text: 'It is a LaserJet 4000.' }] });
      expect(noted.status).toBe('active');
      await handle.executeUpdate(messages.changePriorityUpdate, { args: [{ actor: gina, priority: 'high' }] });
      await handle.executeUpdate(messages.holdCaseUpdate, { args: [{ actor: gina, status: 'on_hold', reason: 'waiting for a spare part' }] });
      await env.sleep(2 * MINUTE);
      const resumed = await handle.executeUpdate(messages.resumeCaseUpdate, { args: [{ actor: gina }] });
      expect(resumed).toMatchObject({ status: 'active', priority: 'high' });
      return handle;
    },
  },
  {
    // Resolution, reopening within the window, cancellation, closing after the window.
    name: 'reopen-and-cancel',
    async run({ harness, gina, sue, alice }) {
      const handle = await openAndIdentify(harness, gina);
      await handle.executeUpdate(messages.recordKnowledgeSearchUpdate, { args: [{ actor: gina, query: 'printer offline' }] });
      await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Replaced the cable', resolutionType: 'problem_solved' }] });
      const reopened = await handle.executeUpdate(messages.reopenCaseUpdate, { args: [{ actor: alice, reason: 'It went offline again' }] });
      expect(reopened.status).toBe('active');
      const cancelled = await handle.executeUpdate(messages.cancelCaseUpdate, { args: [{ actor: sue, reason: 'The customer bought a new printer' }] });
      expect(cancelled.status).toBe('cancelled');
      const result = await handle.result();
      expect(result.status).toBe('closed');
      return handle;
    },
  },
  {
    // Recorded after the `customer-told-on-accept` patch: accepting records its marker and notifies
    // the customer; then the process flow, resolution, the survey answer and closing.
    name: 'accept-and-resolve-v2',
    async run({ harness, gina, alice }) {
      const handle = await openAndIdentify(harness, gina);
      await handle.executeUpdate(messages.recordKnowledgeSearchUpdate, { args: [{ actor: gina, query: 'printer offline' }] });
      await handle.executeUpdate(messages.replyToCustomerUpdate, { args: [{ actor: gina, text: 'Please replug the network cable.' }] });
      await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Replugged the cable', resolutionType: 'problem_solved' }] });
      await handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 4, comment: 'Fine' }] });
      const result = await handle.result(); // the reopen window passes: the case closes
      expect(result.status).toBe('closed');
      return handle;
    },
  },
  {
    // Recorded after the `customer-told-of-progress` patch: the customer hears that the case waits
    // for them, that it is on hold and resumed, and how it was resolved; then the survey and closing.
    name: 'progress-told-v3',
    async run({ harness, gina, alice }) {
      const handle = await openAndIdentify(harness, gina);
      await handle.executeUpdate(messages.holdCaseUpdate, { args: [{ actor: gina, status: 'waiting_for_customer', reason: 'Which printer model is it?' }] });
      // The customer's answer resumes the case by itself.
      await handle.executeUpdate(messages.addCustomerNoteUpdate, { args: [{ actor: alice, text: 'A LaserJet 4000' }] });
      await handle.executeUpdate(messages.holdCaseUpdate, { args: [{ actor: gina, status: 'on_hold', reason: 'Driver ordered from the vendor' }] });
      await handle.executeUpdate(messages.resumeCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.recordKnowledgeSearchUpdate, { args: [{ actor: gina, query: 'laserjet offline' }] });
      await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Updated the LaserJet driver', resolutionType: 'problem_solved' }] });
      await handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 5, comment: 'Told at every step' }] });
      const result = await handle.result();
      expect(result.status).toBe('closed');
      return handle;
    },
  },
  {
    // Recorded after the `search-attributes` patch: the case upserts CaseNumber, CaseStatus,
    // CaseQueue, CasePriority, SlaState, CaseCustomer and CaseOwner at opening, then only those that
    // change: the SLA warning (a timer), accepting, a hold and its end, a new priority, a transfer.
    name: 'searchable-v4',
    async run({ env, harness, gina }) {
      const handle = await harness.openCase();
      const state = await harness.waitForState(handle, (s) => s.version >= 1);
      await env.sleep(Date.parse(state.openedAt) + 10 * MINUTE - (await env.currentTimeMs()));
      await harness.waitForState(handle, (s) => s.slaState === 'nearing_noncompliance');
      await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.holdCaseUpdate, { args: [{ actor: gina, status: 'on_hold', reason: 'waiting for a spare part' }] });
      await handle.executeUpdate(messages.resumeCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.changePriorityUpdate, { args: [{ actor: gina, priority: 'urgent' }] });
      const standard = await harness.database.db('queues').where({ name: DEMO.standardQueueName }).first<{ id: string }>('id');
      const moved = await handle.executeUpdate(messages.transferCaseUpdate, { args: [{ actor: gina, queueId: standard.id }] });
      const { searchAttributes } = await handle.describe();
      expect(searchAttributes).toMatchObject({
        CaseNumber: [state.caseNumber],
        CaseStatus: ['active'],
        CaseQueue: [standard.id],
        CasePriority: ['urgent'],
        SlaState: [moved.slaState],
        CaseCustomer: [state.customer.id],
        CaseOwner: [''],
      });
      return handle;
    },
  },
  {
    // A value that reached the workflow anyway (a product that does not exist, set on a live
    // case): the case row is refused for good, and the case is reported as needing attention
    // (patch case-problems-reported); the Update still returns and the case goes on.
    name: 'refused-write-reported',
    async run({ harness, gina }) {
      const handle = await harness.openCase();
      const state = await harness.waitForState(handle, (s) => s.version >= 1);
      await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: '00000000-0000-4000-8000-00000000dead' }] });
      for (const deadline = Date.now() + 15_000; ; ) {
        const reported = await harness.database.db('case_problems').where({ case_number: state.caseNumber }).first<{ id: string } | undefined>('id');
        if (reported) break;
        if (Date.now() > deadline) throw new Error('the refused write was not reported within 15 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return handle;
    },
  },
  {
    // Recorded after the `local-effects` patch: the context load and every write are local
    // activities (markers), the writes pending at once in one call; the opener waits with the
    // caseRecorded Update; an SLA warning (timer, then its writes), a refused write reported, the
    // process flow, resolution (charge, survey), the answer, closing.
    name: 'local-effects-v5',
    async run({ env, harness, gina, alice }) {
      const handle = await harness.openCase({}, { reopenWindowMinutes: 60, surveyResponseMinutes: 30 });
      await handle.executeUpdate(messages.caseRecordedUpdate);
      const state = await harness.waitForState(handle, (s) => s.version >= 1);
      await env.sleep(Date.parse(state.openedAt) + 10 * MINUTE - (await env.currentTimeMs()));
      await harness.waitForState(handle, (s) => s.slaState === 'nearing_noncompliance');
      await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: '00000000-0000-4000-8000-00000000dead' }] });
      await handle.executeUpdate(messages.completeStepUpdate, { args: [{ actor: gina, stepId: 'customer_confirmed' }] });
      const product = await harness.database.db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
      await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: product.id, subject: 'Printing' }] });
      await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.recordKnowledgeSearchUpdate, { args: [{ actor: gina, query: 'printer offline' }] });
      await handle.executeUpdate(messages.addCustomerNoteUpdate, { args: [{ actor: alice, text: 'Still offline after a restart.' }] });
      await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Replugged the cable', resolutionType: 'problem_solved' }] });
      await handle.executeUpdate(messages.answerSurveyUpdate, { args: [{ actor: alice, rating: 5, comment: 'Fast' }] });
      const result = await handle.result();
      expect(result.status).toBe('closed');
      return handle;
    },
  },
];
