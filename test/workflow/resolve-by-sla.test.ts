import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor';
import type { caseWorkflow } from '../../workflows';
import * as messages from '../../workflows/messages';
import { actorFor } from '../support/actors';
import { startTimeSkippingCases, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';

/**
 * The gold resolve-by KPI (warning after 6 hours, failure after 8, around the clock) across the
 * two things that could make a long clock misfire: a pause, and continue-as-new. Both are checked
 * at their exact instants on the time-skipping server, with the side effects counted.
 */
type CaseHandle = WorkflowHandle<typeof caseWorkflow>;
type CaseState = Awaited<ReturnType<CaseHarness['waitForState']>>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stop: () => Promise<void>;
let gina: Actor;

beforeAll(async () => {
  ({ env, harness, stop } = await startTimeSkippingCases());
  gina = await actorFor(harness.database.db, 'gina');
});

afterAll(async () => {
  await stop?.();
});

const resolveClock = (s: CaseState) => s.kpis.find((k) => k.kpi === 'resolve')!;

async function resolveNotices(caseNumber: string, kind: 'sla_warning' | 'sla_failure') {
  return harness.database
    .db('notifications as n')
    .join('cases as c', 'c.id', 'n.case_id')
    .where({ 'c.case_number': caseNumber, 'n.kind': kind })
    .whereRaw("n.payload->>'kpi' = 'resolve'")
    .select<{ channel: string; recipient_user_id: string; payload: { scheduledFor: string } }[]>('n.channel', 'n.recipient_user_id', 'n.payload');
}

/** Accepted by Gina and answered at once, so only the resolve-by clock is left running. */
async function openAnsweredCase(settings = {}): Promise<{ handle: CaseHandle; opened: CaseState }> {
  const handle = await harness.openCase({}, settings);
  const opened = await harness.waitForState(handle, (s) => s.version >= 1);
  await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
  const replied = await handle.executeUpdate(messages.replyToCustomerUpdate, { args: [{ actor: gina, text: 'Looking into it now.' }] });
  expect(replied.kpis.find((k) => k.kpi === 'first_response')?.status).toBe('succeeded');
  expect(resolveClock(replied).status).toBe('in_progress');
  return { handle, opened };
}

/** Walks the clock to `warningAt` and `failureAt`, checking it fires at each and not a second before. */
async function expectWarningAndFailureAt(handle: CaseHandle, caseNumber: string, warningAt: number, failureAt: number, betweenThem = async () => {}) {
  await env.sleep(warningAt - 1_000 - (await env.currentTimeMs()));
  expect(resolveClock(await handle.query(messages.getCaseStateQuery)).status).toBe('in_progress');

  await env.sleep(warningAt - (await env.currentTimeMs()));
  const warned = await harness.waitForState(handle, (s) => resolveClock(s).status === 'nearing_noncompliance');
  expect(resolveClock(warned).warningAt).toBe(new Date(warningAt).toISOString());
  // The owner is warned once by email and once in chat (one insert writes both rows).
  const warnings = await eventually(() => resolveNotices(caseNumber, 'sla_warning'), (rows) => rows.length > 0);
  expect(warnings.map((w) => [w.recipient_user_id, w.channel]).sort()).toEqual([[gina.userId, 'bot'], [gina.userId, 'email']]);
  for (const warning of warnings) expect(warning.payload.scheduledFor).toBe(new Date(warningAt).toISOString());

  await betweenThem();
  await env.sleep(failureAt - 1_000 - (await env.currentTimeMs()));
  expect(resolveClock(await handle.query(messages.getCaseStateQuery)).status).toBe('nearing_noncompliance');
  await env.sleep(failureAt - (await env.currentTimeMs()));
  const failed = await harness.waitForState(handle, (s) => resolveClock(s).status === 'noncompliant');
  expect(resolveClock(failed).failureAt).toBe(new Date(failureAt).toISOString());
  const failures = await eventually(() => resolveNotices(caseNumber, 'sla_failure'), (rows) => rows.length > 0);
  for (const failure of failures) expect(failure.payload.scheduledFor).toBe(new Date(failureAt).toISOString());
  // Each recipient once per channel: nothing fired twice.
  const pairs = failures.map((f) => `${f.recipient_user_id}:${f.channel}`);
  expect(new Set(pairs).size).toBe(pairs.length);
  expect(pairs).toContain(`${gina.userId}:email`);
  expect(await resolveNotices(caseNumber, 'sla_warning')).toHaveLength(2);
  return failed;
}

describe('the resolve-by clock', () => {
  it('after a pause, warns and fails later by exactly the time paused', async () => {
    const { handle, opened } = await openAnsweredCase();
    const openedAt = Date.parse(opened.openedAt);
    expect(Date.parse(resolveClock(opened).warningAt!)).toBe(openedAt + 6 * HOUR);

    await env.sleep(openedAt + 1 * HOUR - (await env.currentTimeMs()));
    const held = await handle.executeUpdate(messages.holdCaseUpdate, { args: [{ actor: gina, status: 'waiting_for_customer', reason: 'asked for the error code' }] });
    expect(resolveClock(held)).toMatchObject({ status: 'paused', warningAt: null, failureAt: null });
    const pausedAt = Date.parse(resolveClock(held).pausedAt!);

    // Paused for two hours, longer than a warning's lead: nothing fires while it is paused.
    await env.sleep(pausedAt + 2 * HOUR - (await env.currentTimeMs()));
    const resumed = await handle.executeUpdate(messages.resumeCaseUpdate, { args: [{ actor: gina }] });
    const resumedAt = Date.parse(resolveClock(resumed).runningSince!);
    const ranBeforePause = pausedAt - openedAt;
    expect(resolveClock(resumed).warningAt).toBe(new Date(resumedAt + 6 * HOUR - ranBeforePause).toISOString());
    expect(resolveClock(resumed).failureAt).toBe(new Date(resumedAt + 8 * HOUR - ranBeforePause).toISOString());
    expect(await resolveNotices(opened.caseNumber, 'sla_warning')).toHaveLength(0);

    const failed = await expectWarningAndFailureAt(handle, opened.caseNumber, resumedAt + 6 * HOUR - ranBeforePause, resumedAt + 8 * HOUR - ranBeforePause);
    expect(failed.priority).toBe('high');
  });

  it('names each timer in the history by what it waits for (the Temporal UI shows it)', async () => {
    const { handle, opened } = await openAnsweredCase();
    const clock = resolveClock(opened);
    await expectWarningAndFailureAt(handle, opened.caseNumber, Date.parse(clock.warningAt!), Date.parse(clock.failureAt!));
    const history = await handle.fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.timerStartedEventAttributes)
      .map((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? []).toString('utf8')) as string);
    const n = opened.caseNumber;
    expect(summaries[0]).toBe(`first response warning for ${n} at ${opened.kpis.find((k) => k.kpi === 'first_response')!.warningAt}`);
    expect(summaries).toContain(`resolve-by warning for ${n} at ${clock.warningAt}`);
    expect(summaries).toContain(`resolve-by failure for ${n} at ${clock.failureAt}`);
  });

  it('across continue-as-new before the warning and again between warning and failure, fires each once at the planned instant', async () => {
    const { handle, opened } = await openAnsweredCase({ continueAsNewAfterEvents: 60 });
    /**
     * Logs notes until the run holds more history than it may, so the case continues as new; the
     * notes stop once the run has changed (an Update racing the hand-over is not what is tested).
     */
    const continueAsNew = async (batch: number): Promise<number> => {
      const before = (await handle.describe()).runId;
      let logged = 0;
      while (logged < 30 && (await handle.describe()).runId === before) {
        logged += 1;
        await handle.executeUpdate(messages.addActivityUpdate, {
          args: [{ actor: gina, type: 'note', subject: `Note ${batch}.${logged}`, body: '', direction: null, minutesSpent: 1, open: false, dueAt: null }],
        });
      }
      await eventually(() => handle.describe(), (d) => d.runId !== before && d.status.name === 'RUNNING');
      return logged;
    };
    const first = await continueAsNew(1);
    let second = 0;
    const openedAt = Date.parse(opened.openedAt);
    const failed = await expectWarningAndFailureAt(handle, opened.caseNumber, openedAt + 6 * HOUR, openedAt + 8 * HOUR, async () => {
      second = await continueAsNew(2);
    });
    // The reply and every note, carried over both hand-overs.
    expect(failed.activities).toHaveLength(1 + first + second);
  });
});
