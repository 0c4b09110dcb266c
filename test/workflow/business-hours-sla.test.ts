import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import { fromWallClockMs, toWallClockMs } from '../../domain/time-zone';
import { getCaseStateQuery } from '../../workflows/messages';
import { startTimeSkippingCases, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';

const ZONE = 'Europe/London';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stop: () => Promise<void>;
let contactId: string;

/**
 * A customer whose contract promises a first response within 15 business minutes (warning at 10),
 * counted in the seeded business-hours calendar: Monday–Friday 09:00–18:00, Europe/London.
 */
beforeAll(async () => {
  ({ env, harness, stop } = await startTimeSkippingCases());
  const db = harness.database.db;
  const calendar = await db('business_calendars').where({ name: DEMO.businessCalendarName }).first<{ id: string }>('id');
  const [policy] = await db('sla_policies')
    .insert({ name: 'Weekday 15 minutes', business_calendar_id: calendar.id, pause_on: JSON.stringify(['on_hold']) })
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

/** The instant London's clocks show `hh:mm` on the local date `days` after the local date of `from`. */
function londonTime(from: number, days: number, hh: number, mm: number): number {
  const wall = toWallClockMs(ZONE, from);
  const midnight = Math.floor(wall / DAY) * DAY + days * DAY;
  return fromWallClockMs(ZONE, midnight + (hh * 60 + mm) * MINUTE);
}

it('a case opened on a Friday at 17:55 under a 15-minute business-hours SLA is due on Monday at 09:10 London time', async () => {
  const now = await env.currentTimeMs();
  const weekday = new Date(toWallClockMs(ZONE, now)).getUTCDay();
  const daysToFriday = (5 - weekday + 7) % 7 || 7;
  const friday1755 = londonTime(now, daysToFriday, 17, 55);
  await env.sleep(friday1755 - (await env.currentTimeMs()));

  const handle = await harness.openCase({ customer: { type: 'contact', id: contactId }, channel: 'email' });
  const state = await harness.waitForState(handle, (s) => s.version >= 1);
  expect(state.slaPolicy?.name).toBe('Weekday 15 minutes');
  const openedAt = Date.parse(state.openedAt);
  const late = openedAt - friday1755; // the server's clock runs on a little while a test is not skipping
  expect(late).toBeGreaterThanOrEqual(0);
  expect(late).toBeLessThan(MINUTE);
  const monday0910 = londonTime(friday1755, 3, 9, 10);
  const monday0905 = londonTime(friday1755, 3, 9, 5);
  const first = state.kpis.find((k) => k.kpi === 'first_response')!;
  // Five minutes run on Friday (17:55 → 18:00), the other ten from Monday's opening at 09:00.
  expect(first.failureAt).toBe(new Date(monday0910 + late).toISOString());
  expect(first.warningAt).toBe(new Date(monday0905 + late).toISOString());
  expect(new Date(monday0910).toLocaleString('en-GB', { timeZone: ZONE, weekday: 'long', hour: '2-digit', minute: '2-digit' })).toBe('Monday 09:10');

  // Nothing fires over the weekend…
  await env.sleep(monday0910 + late - 1_000 - (await env.currentTimeMs()));
  const justBefore = await handle.query(getCaseStateQuery);
  expect(justBefore.kpis.find((k) => k.kpi === 'first_response')?.status).toBe('nearing_noncompliance');
  // …and the failure comes at Monday 09:10.
  await env.sleep(monday0910 + late - (await env.currentTimeMs()));
  const failed = await harness.waitForState(handle, (s) => s.kpis.some((k) => k.kpi === 'first_response' && k.status === 'noncompliant'));
  expect(failed.kpis.find((k) => k.kpi === 'first_response')?.failureAt).toBe(new Date(monday0910 + late).toISOString());
  const rows = await eventually(
    () => harness.database.db('notifications as n').join('cases as c', 'c.id', 'n.case_id').where({ 'c.case_number': state.caseNumber, 'n.kind': 'sla_failure' }).select('n.payload'),
    (r) => r.length > 0,
  );
  expect((rows[0] as { payload: { scheduledFor: string } }).payload.scheduledFor).toBe(new Date(monday0910 + late).toISOString());
});
