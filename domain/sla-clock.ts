import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from './business-calendar';
import type { SlaKpiName } from './case-context';

/**
 * One SLA KPI's clock (first response by, resolve by). Pure state transitions over ISO instants:
 * the workflow passes its own deterministic `now`, so replays compute the same deadlines.
 *
 * The clock counts business minutes in the policy's calendar. While paused, nothing accrues; on
 * resume the remaining business minutes are planned from the resume instant. A new target
 * (priority change) keeps the minutes already elapsed and re-plans the deadlines.
 */
export const KPI_STATUSES = ['in_progress', 'nearing_noncompliance', 'succeeded', 'noncompliant', 'paused', 'cancelled'] as const;
export type KpiStatus = (typeof KPI_STATUSES)[number];

export interface KpiTargetMinutes {
  readonly warnAfterMinutes: number;
  readonly failAfterMinutes: number;
}

export interface KpiClock extends KpiTargetMinutes {
  readonly kpi: SlaKpiName;
  readonly status: KpiStatus;
  /** Business minutes accrued before the current running stretch. */
  readonly elapsedBefore: number;
  /** Start of the current running stretch; null while paused or stopped. */
  readonly runningSince: string | null;
  readonly warned: boolean;
  readonly failed: boolean;
  /** Planned instants (kept once passed, for reports); null while paused. */
  readonly warningAt: string | null;
  readonly failureAt: string | null;
  readonly succeededAt: string | null;
  readonly pausedAt: string | null;
}

export type KpiEvent = 'warning' | 'failure';

const iso = (ms: number): string => new Date(ms).toISOString();

function plan(clock: KpiClock, calendar: BusinessCalendar | null): KpiClock {
  if (clock.runningSince === null) return clock;
  const since = new Date(clock.runningSince);
  const at = (afterMinutes: number): string => iso(addBusinessMinutes(calendar, since, Math.max(0, afterMinutes - clock.elapsedBefore)).getTime());
  return {
    ...clock,
    warningAt: clock.warned ? clock.warningAt : at(clock.warnAfterMinutes),
    failureAt: clock.failed ? clock.failureAt : at(clock.failAfterMinutes),
  };
}

export function startClock(kpi: SlaKpiName, target: KpiTargetMinutes, calendar: BusinessCalendar | null, now: string): KpiClock {
  return plan(
    {
      kpi,
      ...target,
      status: 'in_progress',
      elapsedBefore: 0,
      runningSince: now,
      warned: false,
      failed: false,
      warningAt: null,
      failureAt: null,
      succeededAt: null,
      pausedAt: null,
    },
    calendar,
  );
}

export function isRunning(clock: KpiClock): boolean {
  return clock.runningSince !== null;
}

/** Business minutes on the clock at `now`. */
export function elapsedMinutes(clock: KpiClock, calendar: BusinessCalendar | null, now: string): number {
  if (clock.runningSince === null) return clock.elapsedBefore;
  return clock.elapsedBefore + businessMinutesBetween(calendar, new Date(clock.runningSince), new Date(now));
}

export function pauseClock(clock: KpiClock, calendar: BusinessCalendar | null, now: string): KpiClock {
  if (!isRunning(clock)) return clock;
  return {
    ...clock,
    status: 'paused',
    elapsedBefore: elapsedMinutes(clock, calendar, now),
    runningSince: null,
    warningAt: clock.warned ? clock.warningAt : null,
    failureAt: clock.failed ? clock.failureAt : null,
    pausedAt: now,
  };
}

export function resumeClock(clock: KpiClock, calendar: BusinessCalendar | null, now: string): KpiClock {
  if (clock.status !== 'paused') return clock;
  return plan({ ...clock, status: statusWhileRunning(clock), runningSince: now, pausedAt: null }, calendar);
}

/** New warning/failure minutes (a priority change): elapsed time is kept, deadlines re-planned. */
export function retargetClock(clock: KpiClock, target: KpiTargetMinutes, calendar: BusinessCalendar | null, now: string): KpiClock {
  if (!isRunning(clock) && clock.status !== 'paused') return clock;
  const restarted = isRunning(clock)
    ? { ...clock, elapsedBefore: elapsedMinutes(clock, calendar, now), runningSince: now }
    : clock;
  return plan({ ...restarted, ...target }, calendar);
}

/** The KPI is met (e.g. the first reply went out). A clock that already failed stays noncompliant. */
export function succeedClock(clock: KpiClock, calendar: BusinessCalendar | null, now: string): KpiClock {
  if (clock.status === 'succeeded' || clock.status === 'cancelled' || clock.succeededAt !== null) return clock;
  return {
    ...clock,
    status: clock.failed ? 'noncompliant' : 'succeeded',
    elapsedBefore: elapsedMinutes(clock, calendar, now),
    runningSince: null,
    succeededAt: now,
    pausedAt: null,
  };
}

export function cancelClock(clock: KpiClock, calendar: BusinessCalendar | null, now: string): KpiClock {
  if (clock.status === 'succeeded' || clock.status === 'cancelled' || clock.succeededAt !== null) return clock;
  return { ...clock, status: 'cancelled', elapsedBefore: elapsedMinutes(clock, calendar, now), runningSince: null, pausedAt: null };
}

/** The events due at `now` on a running clock, in order. */
export function dueEvents(clock: KpiClock, now: string): KpiEvent[] {
  if (!isRunning(clock)) return [];
  const events: KpiEvent[] = [];
  if (!clock.warned && clock.warningAt !== null && clock.warningAt <= now) events.push('warning');
  if (!clock.failed && clock.failureAt !== null && clock.failureAt <= now) events.push('failure');
  return events;
}

export function markEvent(clock: KpiClock, event: KpiEvent): KpiClock {
  return event === 'warning'
    ? { ...clock, warned: true, status: clock.failed ? 'noncompliant' : 'nearing_noncompliance' }
    : { ...clock, warned: true, failed: true, status: 'noncompliant' };
}

/** The next instant this clock needs the workflow to wake up at, or null. */
export function nextWakeUp(clock: KpiClock): string | null {
  if (!isRunning(clock)) return null;
  if (!clock.warned && clock.warningAt !== null) return clock.warningAt;
  if (!clock.failed && clock.failureAt !== null) return clock.failureAt;
  return null;
}

function statusWhileRunning(clock: KpiClock): KpiStatus {
  if (clock.failed) return 'noncompliant';
  if (clock.warned) return 'nearing_noncompliance';
  return 'in_progress';
}
