import { normaliseCaseNumber } from '../domain/case-number';
import { textInputId } from './cards/adaptive-card';
import { normaliseArticleNumber, type IntentMatch } from './intents';

/**
 * Adaptive Card submissions as intents: every Action.Submit of the bot's cards (bot/cards/) carries
 * `{ action, caseNumber, … }`; `parseSubmission` turns what comes back into the same intent the
 * typed command would give (bot/intents.ts), after checking every field.
 */

/** Outcome of reading a card submission: an intent to run, or why it was refused. */
export type Submission = { readonly ok: true; readonly match: IntentMatch } | { readonly ok: false; readonly reason: string };

const MAX_FIELD = 2_000;

function field(value: Record<string, unknown>, name: string): string | undefined {
  const v = value[name];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/**
 * Checks a card's submitted value. Every action needs a well-formed case number of its own (a
 * card never falls back to "the current case"); unknown actions and missing, malformed or
 * over-long fields are refused. Whether the caller may act on the case is the services' call.
 */
export function parseSubmission(value: unknown): Submission {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'That button sent nothing I can use.' };
  const v = value as Record<string, unknown>;
  const action = field(v, 'action');
  const rawCase = field(v, 'caseNumber');
  const caseNumber = rawCase && /^CAS-\d{4,7}$/i.test(rawCase) ? normaliseCaseNumber(rawCase) : undefined;
  if (!action) return { ok: false, reason: 'That button sent nothing I can use.' };
  if (!caseNumber) return { ok: false, reason: 'That button did not say which case it is for.' };
  for (const name of [textInputId(action), 'comment']) {
    const t = v[name];
    if (t !== undefined && (typeof t !== 'string' || t.length > MAX_FIELD)) return { ok: false, reason: `The text must be at most ${MAX_FIELD} characters.` };
  }
  const textValue = field(v, textInputId(action));
  const withText = (intent: IntentMatch['intent'], required: boolean, what: string): Submission => {
    if (required && !textValue) return { ok: false, reason: `Please type ${what} before pressing the button.` };
    return { ok: true, match: { intent, entities: { caseNumber, ...(textValue ? { text: textValue } : {}) } } };
  };
  switch (action) {
    case 'showCase':
    case 'accept':
    case 'resume':
      return { ok: true, match: { intent: action, entities: { caseNumber } } };
    case 'advanceStage':
      return { ok: true, match: { intent: 'advance', entities: { caseNumber } } };
    case 'hold':
      return { ok: true, match: { intent: 'hold', entities: { caseNumber, holdStatus: 'on_hold' } } };
    case 'completeStep':
      if (field(v, 'stepId') !== 'customer_confirmed') return { ok: false, reason: 'That step cannot be ticked by hand.' };
      return { ok: true, match: { intent: 'completeStep', entities: { caseNumber, step: 'customer_confirmed' } } };
    case 'reply':
      return withText('reply', true, 'your reply');
    case 'resolve':
      return withText('resolve', true, 'the resolution');
    case 'addInfo':
      return withText('addInfo', true, 'the information');
    case 'cancelCase':
      return withText('cancelCase', false, 'a reason');
    case 'reopen':
      return withText('reopen', false, 'a reason');
    case 'sendArticle': {
      const raw = field(v, 'articleNumber');
      const articleNumber = raw && /^KA-\d{4,7}$/i.test(raw) ? normaliseArticleNumber(raw) : undefined;
      if (!articleNumber) return { ok: false, reason: 'That button did not name an article.' };
      return { ok: true, match: { intent: 'sendArticle', entities: { caseNumber, articleNumber } } };
    }
    case 'answerSurvey': {
      const rating = field(v, 'rating');
      if (!rating || !/^[1-5]$/.test(rating)) return { ok: false, reason: 'Please pick 1 to 5 stars before sending.' };
      const comment = field(v, 'comment');
      return { ok: true, match: { intent: 'surveyAnswer', entities: { caseNumber, rating: Number(rating), ...(comment ? { text: comment } : {}) } } };
    }
    default:
      return { ok: false, reason: 'I don\'t know that button.' };
  }
}
