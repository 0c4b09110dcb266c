import type { EffectCall } from '../activities/case-effects.activities';

/**
 * One-line summaries the Temporal UI and CLI show beside each activity of a case (and the case's
 * own static summary, set by its starter). They name what is written, never free text a person
 * typed (a note's body, a resolution's text): histories keep them for as long as the case runs.
 */

const MAX = 200;

export function effectSummary(call: EffectCall): string {
  switch (call.activity) {
    case 'recordCase':
      return `record case ${call.input.caseNumber} v${call.input.version}: ${call.input.status}, ${call.input.stage}`;
    case 'recordKpiInstance':
      return `record SLA ${call.input.kpi}: ${call.input.status} (v${call.input.version})`;
    case 'recordCaseActivity':
      return `record ${call.input.type} activity (${call.input.state})`;
    case 'enqueueNotification':
      return `notify ${call.input.kind} by ${call.input.channels.join(' and ')}`;
    case 'applyResolution':
      return `apply resolution ${call.input.episode}${call.input.charge ? `, charging ${call.input.charge.terms} term(s)` : ''}`;
    case 'sendSurvey':
      return `send survey ${call.input.episode}`;
    case 'recordSurveyResponse':
      return `record survey ${call.input.episode} answer: ${call.input.rating}`;
    case 'linkArticle':
      return `link article${call.input.sendToCustomer ? ' and send it to the customer' : ''}`;
  }
}

/** Several writes in one call: how many, then each in a few words. */
export function batchSummary(calls: readonly EffectCall[]): string {
  const line = `${calls.length} write${calls.length === 1 ? '' : 's'}: ${calls.map(effectSummary).join(' · ')}`;
  return line.length <= MAX ? line : `${line.slice(0, MAX - 1)}…`;
}

export const LOAD_CONTEXT_SUMMARY = 'load the customer, entitlements, routing rules and SLA policies';

export const problemSummary = (effect: string): string => `report the refused ${effect} write to the operators`;
