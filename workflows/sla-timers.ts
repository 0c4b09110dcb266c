import { PRIORITIES, type Priority } from '../domain/case';
import { dueEvents, markEvent, nextWakeUp, pauseClock, resumeClock, retargetClock, succeedClock, type KpiClock, type KpiEvent } from '../domain/sla-clock';
import { targetFor, type CaseState } from './case-state';
import type { CaseEffects, NotificationAudience } from './effects';

/**
 * The SLA clocks' wiring into the case: pausing with the status, the first response, priority
 * changes, and what happens when an instant comes (warnings, failures, survey expiry, closing).
 * The clock maths itself is pure, in domain/sla-clock.ts.
 */

/** The owner if there is one, else the queue's members. */
export function caseWorkers(s: CaseState): NotificationAudience {
  return s.ownerUserId ? { userIds: [s.ownerUserId] } : { queueId: s.queueId };
}

/** Pause or resume the clocks to match the status (the policy says which statuses pause). */
export function syncClocks(s: CaseState, at: string, effects: CaseEffects): void {
  if (!s.sla) return;
  const calendar = s.sla.calendar;
  const pause = s.sla.pauseOn.includes(s.status);
  effects.updateKpis(s, (clock) => (pause ? pauseClock(clock, calendar, at) : resumeClock(clock, calendar, at)));
}

/** Every running or paused clock is met (the case is resolved). */
export function succeedAllClocks(s: CaseState, at: string, effects: CaseEffects): void {
  const calendar = s.sla?.calendar ?? null;
  effects.updateKpis(s, (clock) => succeedClock(clock.status === 'paused' ? resumeClock(clock, calendar, at) : clock, calendar, at));
}

/** First response: the first agent reply to the customer (or outbound call) meets the KPI. */
export function firstResponse(s: CaseState, at: string, effects: CaseEffects): void {
  if (s.firstRespondedAt) return;
  s.firstRespondedAt = at;
  const calendar = s.sla?.calendar ?? null;
  effects.updateKpis(s, (clock) => (clock.kpi === 'first_response' ? succeedClock(clock.status === 'paused' ? resumeClock(clock, calendar, at) : clock, calendar, at) : clock));
}

/** A new priority re-plans both deadlines, keeping the minutes already elapsed. */
export function setPriority(s: CaseState, priority: Priority, at: string, effects: CaseEffects): void {
  s.priority = priority;
  const calendar = s.sla?.calendar ?? null;
  effects.updateKpis(s, (clock) => {
    const target = targetFor(s, clock.kpi, priority);
    return target ? retargetClock(clock, target, calendar, at) : clock;
  });
}

function onKpiEvent(s: CaseState, clock: KpiClock, event: KpiEvent, at: string, effects: CaseEffects): void {
  const label = clock.kpi === 'first_response' ? 'first response' : 'resolution';
  const due = clock.failureAt;
  if (event === 'warning') {
    effects.notify(s, `sla:${clock.kpi}:warning:${s.episode}`, 'sla_warning', caseWorkers(s), { kpi: clock.kpi, message: `The ${label} of ${s.opening.caseNumber} is due ${due ?? 'soon'}`, dueAt: due, scheduledFor: clock.warningAt, at });
    return;
  }
  effects.notify(s, `sla:${clock.kpi}:failure:${s.episode}`, 'sla_failure', { supervisors: true, ...caseWorkers(s) }, { kpi: clock.kpi, message: `The ${label} SLA of ${s.opening.caseNumber} has failed`, scheduledFor: clock.failureAt, at });
  const index = PRIORITIES.indexOf(s.priority);
  if (s.settings.bumpPriorityOnFailure && index < PRIORITIES.length - 1) setPriority(s, PRIORITIES[index + 1]!, at, effects);
}

/** Acts on every instant that has come: SLA warnings and failures, survey expiry, closing. */
export function onTime(s: CaseState, at: string, effects: CaseEffects): void {
  let touched = false;
  for (const clock of [...s.kpis]) {
    for (const event of dueEvents(clock, at)) {
      s.kpis = s.kpis.map((k) => (k.kpi === clock.kpi ? markEvent(k, event) : k));
      effects.enqueue({ kind: 'kpi', kpi: clock.kpi });
      onKpiEvent(s, clock, event, at, effects);
      touched = true;
    }
  }
  if (s.survey && !s.survey.answeredAt && !s.survey.expired && s.survey.expiresAt <= at) {
    s.survey = { ...s.survey, expired: true };
    touched = true;
  }
  if (s.closesAt && s.closesAt <= at && surveySettled(s)) {
    s.status = 'closed';
    s.statusReason = s.resolution ? 'resolved' : 'cancelled';
    touched = true;
  }
  if (touched) effects.changed(s);
}

function surveySettled(s: CaseState): boolean {
  return !s.survey || s.survey.answeredAt !== null || s.survey.expired || s.status === 'cancelled';
}

const KPI_WORDS: Record<KpiClock['kpi'], string> = { first_response: 'first response', resolve: 'resolve-by' };

/**
 * The next instant the workflow must wake up at (a timer in its history) and what it is for, in words: the summary of the timer in the history, so the
 * Temporal UI says "first response warning for CAS-01000" instead of a bare duration.
 */
export function nextWake(s: CaseState): { readonly at: string; readonly what: string } | null {
  const caseNumber = s.opening.caseNumber;
  const wakes: { at: string; what: string }[] = [];
  for (const clock of s.kpis) {
    const at = nextWakeUp(clock);
    if (at !== null) wakes.push({ at, what: `${KPI_WORDS[clock.kpi]} ${clock.warned || clock.warningAt === null ? 'failure' : 'warning'} for ${caseNumber}` });
  }
  if (s.survey && !s.survey.answeredAt && !s.survey.expired) wakes.push({ at: s.survey.expiresAt, what: `survey expiry for ${caseNumber}` });
  // Closing waits for the survey (answered or expired): its instant counts only once that is settled.
  if (s.closesAt && surveySettled(s)) wakes.push({ at: s.closesAt, what: `closing ${caseNumber}` });
  return wakes.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))[0] ?? null;
}
