import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import type { Actor } from '../../domain/actor';
import type { caseWorkflow } from '../../workflows';
import * as messages from '../../workflows/messages';
import { actorFor } from '../support/actors';
import { bundleCaseWorkflows, createCaseHarness, type CaseHarness } from '../support/case-harness';
import { startTimeSkippingTemporal } from '../support/temporal';

/**
 * The workflow histories test/replay/replay.test.ts replays against the current workflow code.
 *
 * Without CAPTURE_HISTORIES=1 this only checks that every scenario's history is committed and
 * well-formed. With CAPTURE_HISTORIES=1 it first drives, on the time-skipping server, every
 * scenario whose file is missing and writes its history (the `temporal workflow show --output
 * json` format). Existing files are never overwritten: they are the histories of cases that were
 * running under older workflow code (see README.md here).
 */

type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

const HISTORIES_DIR = join(import.meta.dirname, 'histories');
const MINUTE = 60_000;
const capturing = process.env.CAPTURE_HISTORIES === '1';

interface Scenario {
  readonly name: string;
  /** Drives one case to the end of the scenario and returns its handle once the last step is in its history. */
  readonly run: (ctx: CaptureContext) => Promise<CaseHandle>;
}

interface CaptureContext {
  readonly env: TestWorkflowEnvironment;
  readonly harness: CaseHarness;
  readonly gina: Actor; // agent, gold queue
  readonly sue: Actor; // supervisor
  readonly alice: Actor; // the gold customer
}

interface HistoryJson {
  readonly events: readonly { readonly eventType: string; readonly workflowExecutionStartedEventAttributes?: { readonly workflowType?: { readonly name?: string } } }[];
}

const SCENARIOS: readonly Scenario[] = [
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
      const handle = await harness.openCase({}, { reopenWindowMinutes: 60, surveyResponseMinutes: 30 });
      await harness.waitForState(handle, (s) => s.version >= 1);
      await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.completeStepUpdate, { args: [{ actor: gina, stepId: 'customer_confirmed' }] });
      const product = await db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
      await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: product.id, subject: 'Printing' }] });
      await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
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
      const db = harness.database.db;
      const handle = await harness.openCase({}, { reopenWindowMinutes: 60, surveyResponseMinutes: 30 });
      await harness.waitForState(handle, (s) => s.version >= 1);
      await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
      await handle.executeUpdate(messages.completeStepUpdate, { args: [{ actor: gina, stepId: 'customer_confirmed' }] });
      const product = await db('products').where({ code: DEMO.productCodes.printer }).first<{ id: string }>('id');
      await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: product.id, subject: 'Printing' }] });
      await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
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
];

const historyFile = (name: string): string => join(HISTORIES_DIR, `${name}.json`);

/**
 * What `historyToJSON` from @temporalio/common/lib/proto-utils does (canonical proto JSON, as
 * `temporal workflow show --output json` writes it), with protobufjs's protojson taken from the
 * copy @temporalio/proto resolves: in this install @temporalio/common has a second protobufjs
 * copy, whose `instanceof Type` check refuses @temporalio/proto's types ("type must be a Type").
 */
function historyToJson(history: proto.temporal.api.history.v1.IHistory): string {
  const requireFromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
  const protojson = requireFromProto('protobufjs/ext/protojson') as { toJson(type: unknown, message: unknown): unknown };
  const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** The history once nothing is in flight: no workflow task or activity pending, and no new events. */
async function settledHistory(handle: CaseHandle): Promise<string> {
  const deadline = Date.now() + 30_000;
  let previous = '';
  for (;;) {
    const json = historyToJson(await handle.fetchHistory());
    const { events } = JSON.parse(json) as HistoryJson;
    const count = (suffix: string) => events.filter((e) => e.eventType.startsWith('EVENT_TYPE_ACTIVITY_TASK_') && e.eventType.endsWith(suffix)).length;
    const activitiesClosed = count('_SCHEDULED') === count('_COMPLETED') + count('_FAILED') + count('_TIMED_OUT') + count('_CANCELED');
    const last = events.at(-1)?.eventType ?? '';
    const taskInFlight = last === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED' || last === 'EVENT_TYPE_WORKFLOW_TASK_STARTED';
    if (activitiesClosed && !taskInFlight && json === previous) return json;
    if (Date.now() > deadline) throw new Error(`history of ${handle.workflowId} did not settle within 30 s (last event ${last})`);
    previous = json;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function captureMissing(): Promise<void> {
  const missing = SCENARIOS.filter((scenario) => !existsSync(historyFile(scenario.name)));
  if (missing.length === 0) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const [env, bundle] = await Promise.all([startTimeSkippingTemporal(), bundleCaseWorkflows()]);
  let harness: CaseHarness | undefined;
  let worker: { stop(): Promise<void> } | undefined;
  try {
    harness = await createCaseHarness(env, bundle);
    worker = await harness.startWorker();
    const db = harness.database.db;
    const [gina, sue, alice] = await Promise.all([actorFor(db, 'gina'), actorFor(db, 'sue'), actorFor(db, 'alice')]);
    for (const scenario of missing) {
      const handle = await scenario.run({ env, harness, gina, sue, alice });
      writeFileSync(historyFile(scenario.name), `${await settledHistory(handle)}\n`);
    }
  } finally {
    await worker?.stop();
    await harness?.close();
    await env.teardown();
  }
}

describe('workflow histories for the replay test', () => {
  it(
    capturing ? 'captures the missing scenario histories (CAPTURE_HISTORIES=1)' : 'are committed for every scenario',
    async () => {
      if (capturing) await captureMissing();
      for (const { name } of SCENARIOS) {
        const file = historyFile(name);
        expect(existsSync(file), `${file} is missing: run CAPTURE_HISTORIES=1 npx vitest run test/replay/capture-histories.test.ts`).toBe(true);
        const { events } = JSON.parse(readFileSync(file, 'utf8')) as HistoryJson;
        expect(events.length, `${name}.json has no events`).toBeGreaterThan(0);
        expect(events[0]!.eventType, `${name}.json does not start with the workflow's start`).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
        expect(events[0]!.workflowExecutionStartedEventAttributes?.workflowType?.name, `${name}.json is not a case workflow`).toBe('caseWorkflow');
      }
    },
    capturing ? 600_000 : undefined,
  );
});
