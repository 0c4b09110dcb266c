import { ApplicationFailure } from '@temporalio/common';
import type { CaseSnapshot } from '../domain/case';
import type { ApplyResolutionInput } from './resolution.activities';
import type { RecordCaseActivityInput } from './case-activity.activities';
import type { EnqueueNotificationInput } from './notification.activities';
import type { LinkArticleInput } from './knowledge.activities';
import type { RecordKpiInstanceInput } from './sla.activities';
import type { RecordSurveyResponseInput, SendSurveyInput } from './survey.activities';
import { invalidInput } from './support.activities';

/** One write the case workflow decided: which activity performs it, with what input. */
export type EffectCall =
  | { readonly activity: 'recordCase'; readonly input: CaseSnapshot }
  | { readonly activity: 'recordKpiInstance'; readonly input: RecordKpiInstanceInput }
  | { readonly activity: 'recordCaseActivity'; readonly input: RecordCaseActivityInput }
  | { readonly activity: 'enqueueNotification'; readonly input: EnqueueNotificationInput }
  | { readonly activity: 'applyResolution'; readonly input: ApplyResolutionInput }
  | { readonly activity: 'sendSurvey'; readonly input: SendSurveyInput }
  | { readonly activity: 'recordSurveyResponse'; readonly input: RecordSurveyResponseInput }
  | { readonly activity: 'linkArticle'; readonly input: LinkArticleInput };

export type EffectActivityName = EffectCall['activity'];

/** The activities an EffectCall may name, as createActivities builds them. */
export type EffectActivities = { readonly [Name in EffectActivityName]: (input: Extract<EffectCall, { activity: Name }>['input']) => Promise<unknown> };

export interface PerformCaseEffectsInput {
  readonly calls: readonly EffectCall[];
}

/**
 * One write of the batch as performed: the history keeps it (a local activity's input is not in
 * the history, its result is), so the case's timeline and audits read what was written from here.
 */
export type PerformedWrite = EffectCall & {
  /** What the activity answered (undefined for most: they answer nothing). */
  readonly result?: unknown;
  /** Why the database refused it for good (bad data). */
  readonly refused?: string;
};

export interface PerformedEffects {
  /** The writes performed, in order, up to and including a refused one (the rest were not tried). */
  readonly writes: readonly PerformedWrite[];
}

const NAMES: readonly EffectActivityName[] = ['recordCase', 'recordKpiInstance', 'recordCaseActivity', 'enqueueNotification', 'applyResolution', 'sendSurvey', 'recordSurveyResponse', 'linkArticle'];

export function createCaseEffectsActivities(perform: EffectActivities) {
  return {
    /**
     * Performs the case's pending writes in one call, in order: one round trip where each write
     * used to be an activity of its own. Every write is idempotent by its own key or version, so a
     * retry of the batch repeats the writes already done harmlessly. A write the database refuses
     * for good (a non-retryable failure) ends the batch there: the answer lists the writes done and
     * the refused one, and the workflow reports it and sends the rest again (the refusal of one
     * write must not hold up the others in retries). Anything else (connection lost) fails the
     * attempt, and the batch is retried.
     */
    async performCaseEffects(input: PerformCaseEffectsInput): Promise<PerformedEffects> {
      if (!Array.isArray(input?.calls)) throw invalidInput('calls must be an array');
      const calls: readonly EffectCall[] = input.calls;
      const writes: PerformedWrite[] = [];
      for (const call of calls) {
        if (!NAMES.includes(call.activity)) throw invalidInput(`unknown effect activity ${JSON.stringify(call.activity)}`);
        try {
          const result = await (perform[call.activity] as (input: EffectCall['input']) => Promise<unknown>)(call.input);
          writes.push(result === undefined ? call : { ...call, result });
        } catch (error) {
          if (!(error instanceof ApplicationFailure && error.nonRetryable)) throw error;
          writes.push({ ...call, refused: error.message });
          break;
        }
      }
      return { writes };
    },
  };
}
