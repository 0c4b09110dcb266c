import { ActivityFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import { PATCHES } from './patches';
import type { CaseActivities } from '../activities';
import type { SlaKpiName } from '../domain/case-context';
import type { KpiClock } from '../domain/sla-clock';
import { caseSnapshot, type CaseActivityItem, type CaseState } from './case-state';

/** A side effect decided by the workflow, performed in order by the main loop through an activity. */
export type Effect =
  | { readonly kind: 'record' }
  | { readonly kind: 'kpi'; readonly kpi: SlaKpiName }
  | { readonly kind: 'activity'; readonly activity: CaseActivityItem }
  | { readonly kind: 'notify'; readonly input: NotificationInput }
  | { readonly kind: 'resolution'; readonly input: Parameters<CaseActivities['applyResolution']>[0] }
  | { readonly kind: 'survey'; readonly input: Parameters<CaseActivities['sendSurvey']>[0] }
  | { readonly kind: 'surveyResponse'; readonly input: Parameters<CaseActivities['recordSurveyResponse']>[0] }
  | { readonly kind: 'article'; readonly input: Parameters<CaseActivities['linkArticle']>[0] };

export type NotificationInput = Parameters<CaseActivities['enqueueNotification']>[0];
export type NotificationKind = NotificationInput['kind'];
export type NotificationAudience = NotificationInput['audience'];

/** What a handler may do besides changing the state: queue effects, announce a change. */
export interface CaseEffects {
  enqueue(effect: Effect): void;
  /** Bumps the version and queues the read-model write: an Update returns once it is recorded. */
  changed(s: CaseState): void;
  /** Queues a notification (email and chat) keyed per case, so a repeat adds nothing. */
  notify(s: CaseState, key: string, kind: NotificationKind, audience: NotificationAudience, payload: Record<string, unknown>): void;
  /** Applies `update` to every SLA clock, queueing a KPI write for each one that changed. */
  updateKpis(s: CaseState, update: (clock: KpiClock) => KpiClock): void;
}

/** The ordered queue of effects not yet performed. */
export class EffectQueue implements CaseEffects {
  readonly pending: Effect[] = [];

  enqueue(effect: Effect): void {
    // A pending record or KPI write snapshots the state when it runs: one is enough.
    if (effect.kind === 'record' && this.pending.some((e) => e.kind === 'record')) return;
    if (effect.kind === 'kpi' && this.pending.some((e) => e.kind === 'kpi' && e.kpi === effect.kpi)) return;
    this.pending.push(effect);
  }

  changed(s: CaseState): void {
    s.version += 1;
    this.enqueue({ kind: 'record' });
  }

  notify(s: CaseState, key: string, kind: NotificationKind, audience: NotificationAudience, payload: Record<string, unknown>): void {
    this.enqueue({
      kind: 'notify',
      input: {
        key: `${s.opening.caseNumber}:${key}`,
        caseNumber: s.opening.caseNumber,
        kind,
        audience,
        channels: ['email', 'bot'],
        payload: { caseNumber: s.opening.caseNumber, title: s.opening.title, ...payload },
      },
    });
  }

  updateKpis(s: CaseState, update: (clock: KpiClock) => KpiClock): void {
    s.kpis = s.kpis.map((clock) => {
      const next = update(clock);
      if (next !== clock) this.enqueue({ kind: 'kpi', kpi: clock.kpi });
      return next;
    });
  }

  /** Performs the queued effects one at a time, in order. */
  async flush(s: CaseState, workflowId: string): Promise<void> {
    while (this.pending.length > 0) {
      const effect = this.pending[0]!;
      try {
        await perform(s, workflowId, effect);
      } catch (error) {
        // Retryable failures are retried for ever by the activity's policy; what arrives here was
        // refused for good (bad data). It is in the history as a failed activity; the case goes on.
        if (!(error instanceof ActivityFailure)) throw error;
        const message = error.cause?.message ?? error.message;
        log.error('effect refused permanently', { effect: effect.kind, error: message });
        // Added while cases were running: histories recorded before it replay without the report.
        if (patched(PATCHES.caseProblemsReported)) await reportProblem(s, effect, message);
      }
      this.pending.shift();
    }
  }
}

/**
 * Every activity is one short database write (milliseconds; the mail itself goes out from the
 * outbox loop). The start-to-close timeout is what an attempt on a worker that died costs before it
 * is retried elsewhere: 10 s, not 30 (the soak measured +44.5 s p95 per operation under worker
 * kills with 30). Timeouts are not part of replay: changing them needs no patch.
 */
const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

async function perform(s: CaseState, workflowId: string, effect: Effect): Promise<void> {
  switch (effect.kind) {
    case 'record':
      return activities.recordCase(caseSnapshot(s, workflowId));
    case 'kpi': {
      const clock = s.kpis.find((k) => k.kpi === effect.kpi);
      if (!clock) return;
      return activities.recordKpiInstance({
        caseNumber: s.opening.caseNumber,
        kpi: clock.kpi,
        status: clock.status,
        warningAt: clock.warningAt,
        failureAt: clock.failureAt,
        succeededAt: clock.succeededAt,
        pausedAt: clock.pausedAt,
        elapsedBusinessMinutes: Math.round(clock.elapsedBefore),
        version: s.version,
      });
    }
    case 'activity': {
      const { id: activityId, ...activity } = effect.activity;
      return activities.recordCaseActivity({ caseNumber: s.opening.caseNumber, activityId, ...activity });
    }
    case 'notify':
      await activities.enqueueNotification(effect.input);
      return;
    case 'resolution':
      await activities.applyResolution(effect.input);
      return;
    case 'survey':
      await activities.sendSurvey(effect.input);
      return;
    case 'surveyResponse':
      return activities.recordSurveyResponse(effect.input);
    case 'article':
      return activities.linkArticle(effect.input);
  }
}

/** Puts the case on the operators' list; a report that fails too is only logged (nothing may wedge the case). */
async function reportProblem(s: CaseState, effect: Effect, error: string): Promise<void> {
  try {
    await activities.reportCaseProblem({ caseNumber: s.opening.caseNumber, effect: effect.kind, error });
  } catch (failure) {
    if (!(failure instanceof ActivityFailure)) throw failure;
    log.error('case problem could not be reported', { effect: effect.kind });
  }
}

/** The case opens: entitlement, routing and SLA decided from facts an activity loads (in history). */
export function loadCaseContext(input: Parameters<CaseActivities['loadCaseContext']>[0]) {
  return activities.loadCaseContext(input);
}
