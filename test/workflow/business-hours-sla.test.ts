import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCaseStateQuery } from '../../workflows/messages';
import { startTimeSkippingCases, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';

const ZONE = 'Europe/London';

let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stop: () => Promise<void>;
let contactId: string;

/**
 * A customer whose contract promises a first response within 15 business minutes (warning at 10),
 * counted in a business-hours calendar of this test's own: Monday–Friday 09:00–18:00,
 * Europe/London, with Christmas Day and Boxing Day of 2040 and 2041 as holidays.
 *
 * Every instant below is pinned: the time-skipping server starts at today's date and the test
 * jumps forward to fixed dates in 2040, so it means the same thing whatever day it runs (until
 * 2040). Expected instants are written out in UTC, worked out by hand from the calendar.
 */
beforeAll(async () => {
  ({ env, harness, stop } = await startTimeSkippingCases());
  const db = harness.database.db;
  const weekday = [['09:00', '18:00']];
  const [calendar] = await db('business_calendars')
    .insert({
      name: 'London office, pinned holidays',
      time_zone: ZONE,
      weekly_hours: JSON.stringify({ mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday }),
      holidays: JSON.stringify(['2040-12-25', '2040-12-26', '2041-12-25', '2041-12-26']),
    })
    .returning<{ id: string }[]>('id');
  const [policy] = await db('sla_policies')
    .insert({ name: 'Weekday 15 minutes', business_calendar_id: calendar!.id, pause_on: JSON.stringify(['on_hold']) })
    .returning<{ id: string }[]>('id');
  await db('sla_kpis').insert([
    { sla_policy_id: policy!.id, kpi: 'first_response', warn_after_minutes: 10, fail_after_minutes: 15 },
    { sla_policy_id: policy!.id, kpi: 'resolve', warn_after_minutes: 600, fail_after_minutes: 900 },
  ]);
  const [account] = await db('accounts').insert({ name: 'Weekday Works Ltd', tier: 'silver' }).returning<{ id: string }[]>('id');
  const [contact] = await db('contacts')
    .insert({ account_id: account!.id, first_name: 'Wendy', last_name: 'Week', email: 'wendy@weekday.example' })
    .returning<{ id: string }[]>('id');
  contactId = contact!.id;
  const [entitlement] = await db('entitlements')
    .insert({
      name: 'Weekday support',
      customer_account_id: account!.id,
      allocation_type: 'cases',
      total_terms: 10,
      remaining_terms: 10,
      start_date: '2020-01-01',
      end_date: '2099-12-31',
      status: 'active',
      sla_policy_id: policy!.id,
    })
    .returning<{ id: string }[]>('id');
  await db('entitlement_channels').insert({ entitlement_id: entitlement!.id, channel: 'email' });
});

afterAll(async () => {
  await stop?.();
});

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

/** Jumps the server's clock to `instant` and opens a case there; returns it and how late it opened. */
async function openCaseAt(instant: number) {
  const now = await env.currentTimeMs();
  if (now > instant) throw new Error(`the pinned instant ${iso(instant)} has passed (the server says ${iso(now)}): move this test's dates forward`);
  await env.sleep(instant - now);
  const handle = await harness.openCase({ customer: { type: 'contact', id: contactId }, channel: 'email' });
  const state = await harness.waitForState(handle, (s) => s.version >= 1);
  expect(state.slaPolicy?.name).toBe('Weekday 15 minutes');
  // The server's clock runs on a little while the test is not skipping time; every deadline
  // moves by the same amount.
  const late = Date.parse(state.openedAt) - instant;
  expect(late).toBeGreaterThanOrEqual(0);
  expect(late).toBeLessThan(60_000);
  return { handle, state, late };
}

function firstResponse(state: { kpis: readonly { kpi: string; warningAt: string | null; failureAt: string | null; status: string }[] }) {
  return state.kpis.find((k) => k.kpi === 'first_response')!;
}

async function failureNotices(caseNumber: string) {
  return harness.database
    .db('notifications as n')
    .join('cases as c', 'c.id', 'n.case_id')
    .where({ 'c.case_number': caseNumber, 'n.kind': 'sla_failure' })
    .select<{ channel: string; recipient_user_id: string; payload: { scheduledFor: string } }[]>('n.channel', 'n.recipient_user_id', 'n.payload');
}

const londonWallClock = (ms: number): string =>
  new Date(ms).toLocaleString('en-GB', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

describe('first response counted in business hours, at pinned instants', () => {
  it('a case opened on Friday 1 June 2040 at 17:55 (BST) is due on Monday 4 June at 09:10, and fails exactly then', async () => {
    const friday1755 = at('2040-06-01T16:55:00Z');
    expect(londonWallClock(friday1755)).toBe('Friday 1 Jun, 17:55');
    const { handle, state, late } = await openCaseAt(friday1755);

    // Five minutes run on Friday (17:55 → 18:00), the other ten from Monday's opening at 09:00.
    const monday0905 = at('2040-06-04T08:05:00Z');
    const monday0910 = at('2040-06-04T08:10:00Z');
    expect(londonWallClock(monday0910)).toBe('Monday 4 Jun, 09:10');
    expect(firstResponse(state).warningAt).toBe(iso(monday0905 + late));
    expect(firstResponse(state).failureAt).toBe(iso(monday0910 + late));

    // The warning came at 09:05; a second before 09:10 the KPI is nearing noncompliance, not failed.
    await env.sleep(monday0910 + late - 1_000 - (await env.currentTimeMs()));
    const justBefore = await harness.waitForState(handle, (s) => firstResponse(s).status === 'nearing_noncompliance');
    expect(firstResponse(justBefore).status).toBe('nearing_noncompliance');
    expect(await failureNotices(state.caseNumber)).toHaveLength(0);

    // …and the failure comes at Monday 09:10.
    await env.sleep(monday0910 + late - (await env.currentTimeMs()));
    const failed = await harness.waitForState(handle, (s) => firstResponse(s).status === 'noncompliant');
    expect(firstResponse(failed).failureAt).toBe(iso(monday0910 + late));
    // One outbox insert writes every row: once one is there, all are. Each recipient (the
    // supervisors and the queue's members) is told once by email and once in chat.
    const notices = await eventually(() => failureNotices(state.caseNumber), (rows) => rows.length > 0);
    const channelsByRecipient = new Map<string, string[]>();
    for (const notice of notices) channelsByRecipient.set(notice.recipient_user_id, [...(channelsByRecipient.get(notice.recipient_user_id) ?? []), notice.channel].sort());
    expect(channelsByRecipient.size).toBeGreaterThan(1);
    for (const channels of channelsByRecipient.values()) expect(channels).toEqual(['bot', 'email']);
    for (const notice of notices) expect(notice.payload.scheduledFor).toBe(iso(monday0910 + late));
  });

  it('a case opened on Monday 24 December 2040 at 17:55 skips Christmas and Boxing Day: due Thursday 27 December at 09:10', async () => {
    const monday1755 = at('2040-12-24T17:55:00Z'); // GMT: London's wall clock is UTC
    expect(londonWallClock(monday1755)).toBe('Monday 24 Dec, 17:55');
    const { handle, state, late } = await openCaseAt(monday1755);

    const thursday0905 = at('2040-12-27T09:05:00Z');
    const thursday0910 = at('2040-12-27T09:10:00Z');
    expect(firstResponse(state).warningAt).toBe(iso(thursday0905 + late));
    expect(firstResponse(state).failureAt).toBe(iso(thursday0910 + late));

    // Nothing at all fires over the two holidays: at Wednesday 26 December 23:59 the clock still runs.
    await env.sleep(at('2040-12-26T23:59:00Z') - (await env.currentTimeMs()));
    const overHolidays = await handle.query(getCaseStateQuery);
    expect(firstResponse(overHolidays).status).toBe('in_progress');

    await env.sleep(thursday0910 + late - (await env.currentTimeMs()));
    const failed = await harness.waitForState(handle, (s) => firstResponse(s).status === 'noncompliant');
    expect(firstResponse(failed).failureAt).toBe(iso(thursday0910 + late));
  });

  it('a case opened on a holiday (Christmas Day 2041, a Wednesday, 10:00) starts its clock at the next opening: due Friday 27 December at 09:15', async () => {
    const christmas1000 = at('2041-12-25T10:00:00Z');
    expect(londonWallClock(christmas1000)).toBe('Wednesday 25 Dec, 10:00');
    const { handle, state } = await openCaseAt(christmas1000);
    // Boxing Day is a holiday too: the fifteen minutes run from Friday's opening at 09:00 sharp
    // (however late in the holiday the case opened).
    const friday0915 = at('2041-12-27T09:15:00Z');
    expect(firstResponse(state).warningAt).toBe('2041-12-27T09:10:00.000Z');
    expect(firstResponse(state).failureAt).toBe('2041-12-27T09:15:00.000Z');
    await env.sleep(friday0915 - (await env.currentTimeMs()));
    const failed = await harness.waitForState(handle, (s) => firstResponse(s).status === 'noncompliant');
    expect(firstResponse(failed).failureAt).toBe('2041-12-27T09:15:00.000Z');
  });
});
