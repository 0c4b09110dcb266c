import { ActivityFailure, log, patched, proxyActivities, proxyLocalActivities, type ActivityFunctionWithOptions, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import { PATCHES } from './patches';
import type { CaseActivities } from '../activities';
import type { EffectCall } from '../activities/case-effects.activities';
import { batchSummary, effectSummary, LOAD_CONTEXT_SUMMARY, problemSummary } from './summaries';
import type { SlaKpiName } from '../domain/case-context';
import type { KpiClock } from '../domain/sla-clock';
import { caseSnapshot, type CaseActivityItem, type CaseState } from './case-state';

/** A side effect decided by the workflow, performed in order by the main loop (flush). */
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

  /**
   * Performs the queued effects. Cases opened (or first woken) under the `local-effects` patch
   * write everything pending in one local activity, in order, and again for whatever queued up
   * meanwhile; older histories replay their one activity per effect, unchanged.
   */
  async flush(s: CaseState, workflowId: string): Promise<void> {
    if (this.pending.length === 0) return;
    // Added while cases were running: histories recorded before it replay one activity per effect.
    if (!patched(PATCHES.localEffects)) return this.flushOneByOne(s, workflowId);
    while (this.pending.length > 0) {
      // Taken off the queue before the call: a change made while it runs queues a write of its own.
      const batch = this.pending.splice(0);
      const performed: Effect[] = [];
      const calls: EffectCall[] = [];
      for (const effect of batch) {
        const call = effectCall(s, workflowId, effect);
        if (!call) continue;
        performed.push(effect);
        calls.push(call);
      }
      if (calls.length === 0) continue;
      let refused: { readonly effect: string; readonly error: string } | undefined;
      try {
        const { writes } = await local.performCaseEffects.executeWithOptions({ ...LOCAL, summary: batchSummary(calls) }, [{ calls }]);
        const last = writes.at(-1);
        if (last?.refused !== undefined) refused = { effect: performed[writes.length - 1]!.kind, error: last.refused };
        // After a refused write, the writes not tried go again, first, with what queued meanwhile.
        this.pending.unshift(...performed.slice(writes.length));
      } catch (error) {
        // Only a malformed batch fails for good as a whole (a write's own refusal comes back above).
        if (!(error instanceof ActivityFailure)) throw error;
        refused = { effect: performed.map((e) => e.kind).join(', '), error: error.cause?.message ?? error.message };
      }
      if (refused) {
        log.error('effect refused permanently', refused);
        await reportProblem(s, refused.effect, refused.error, true);
      }
    }
  }

  /** Before `local-effects`: one activity per effect, one at a time, in order (replays only). */
  private async flushOneByOne(s: CaseState, workflowId: string): Promise<void> {
    while (this.pending.length > 0) {
      const effect = this.pending[0]!;
      try {
        const call = effectCall(s, workflowId, effect);
        if (call) await remote(call);
      } catch (error) {
        // Retryable failures are retried for ever by the activity's policy; what arrives here was
        // refused for good (bad data). It is in the history as a failed activity; the case goes on.
        if (!(error instanceof ActivityFailure)) throw error;
        const message = error.cause?.message ?? error.message;
        log.error('effect refused permanently', { effect: effect.kind, error: message });
        // Added while cases were running: histories recorded before it replay without the report.
        if (patched(PATCHES.caseProblemsReported)) await reportProblem(s, effect.kind, message, false);
      }
      this.pending.shift();
    }
  }
}

/**
 * Every effect is a short database write (milliseconds; the mail itself goes out from the outbox
 * loop), idempotent by its key or version. Timeouts are not part of replay: changing them needs no
 * patch.
 *
 * As an activity (histories before `local-effects`): the start-to-close timeout is what an attempt
 * on a worker that died costs before it is retried elsewhere: 10 s, not 30 (the soak measured
 * +44.5 s p95 per operation under worker kills with 30).
 */
const REMOTE: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
const activities = proxyActivities<CaseActivities>(REMOTE);

/**
 * As a local activity (the worker runs it within the workflow task, no round trip through the
 * server; the result is a marker in the history): an attempt is a few writes, so 5 s is a database
 * that hangs, and the attempt is retried; retried sooner than an activity (a worker that dies
 * takes the workflow task with it: the next worker reruns the writes, idempotently). Backoffs past
 * a minute wait on a server timer, so a long outage does not hold the workflow task.
 */
const LOCAL: LocalActivityOptions = {
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '1 minute' },
  localRetryThreshold: '1 minute',
};
const local = proxyLocalActivities<CaseActivities>(LOCAL);

/** The write an effect makes, from the state as it is now; null when there is nothing to write. */
function effectCall(s: CaseState, workflowId: string, effect: Effect): EffectCall | null {
  switch (effect.kind) {
    case 'record':
      return { activity: 'recordCase', input: caseSnapshot(s, workflowId) };
    case 'kpi': {
      const clock = s.kpis.find((k) => k.kpi === effect.kpi);
      if (!clock) return null;
      return {
        activity: 'recordKpiInstance',
        input: {
          caseNumber: s.opening.caseNumber,
          kpi: clock.kpi,
          status: clock.status,
          warningAt: clock.warningAt,
          failureAt: clock.failureAt,
          succeededAt: clock.succeededAt,
          pausedAt: clock.pausedAt,
          elapsedBusinessMinutes: Math.round(clock.elapsedBefore),
          version: s.version,
        },
      };
    }
    case 'activity': {
      const { id: activityId, ...activity } = effect.activity;
      return { activity: 'recordCaseActivity', input: { caseNumber: s.opening.caseNumber, activityId, ...activity } };
    }
    case 'notify':
      return { activity: 'enqueueNotification', input: effect.input };
    case 'resolution':
      return { activity: 'applyResolution', input: effect.input };
    case 'survey':
      return { activity: 'sendSurvey', input: effect.input };
    case 'surveyResponse':
      return { activity: 'recordSurveyResponse', input: effect.input };
    case 'article':
      return { activity: 'linkArticle', input: effect.input };
  }
}

/** One effect as an activity of its own (the commands histories before `local-effects` hold). */
async function remote(call: EffectCall): Promise<void> {
  const activity = activities[call.activity] as ActivityFunctionWithOptions<(input: EffectCall['input']) => Promise<unknown>>;
  await activity.executeWithOptions({ ...REMOTE, summary: effectSummary(call) }, [call.input]);
}

/** Puts the case on the operators' list; a report that fails too is only logged (nothing may wedge the case). */
async function reportProblem(s: CaseState, effect: string, error: string, asLocal: boolean): Promise<void> {
  const input = { caseNumber: s.opening.caseNumber, effect, error };
  try {
    if (asLocal) await local.reportCaseProblem.executeWithOptions({ ...LOCAL, summary: problemSummary(effect) }, [input]);
    else await activities.reportCaseProblem.executeWithOptions({ ...REMOTE, summary: problemSummary(effect) }, [input]);
  } catch (failure) {
    if (!(failure instanceof ActivityFailure)) throw failure;
    log.error('case problem could not be reported', { effect });
  }
}

/**
 * The case opens: entitlement, routing and SLA decided from facts loaded from the database (in
 * history: the activity's result, or the local activity's marker under `local-effects`).
 */
export function loadCaseContext(input: Parameters<CaseActivities['loadCaseContext']>[0]) {
  if (patched(PATCHES.localEffects)) return local.loadCaseContext.executeWithOptions({ ...LOCAL, summary: LOAD_CONTEXT_SUMMARY }, [input]);
  return activities.loadCaseContext.executeWithOptions({ ...REMOTE, summary: LOAD_CONTEXT_SUMMARY }, [input]);
}
