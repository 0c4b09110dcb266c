import { uuid4 } from '@temporalio/workflow';
import { isStaff } from '../../domain/actor';
import { isCaseCustomer } from '../../domain/case-permissions';
import { accessFacts } from '../case-state';
import * as messages from '../messages';
import { refuse } from '../refusals';
import { caseWorkers, syncClocks } from '../sla-timers';
import { caseUpdate, newActivity, requireText } from './case-update';

/** The customer's own actions: information added to the case, the survey answered. */

export const addCustomerNote = caseUpdate(
  messages.addCustomerNoteUpdate,
  (s, { actor, text }) => {
    if (s.status === 'closed') refuse('IllegalTransition', 'the case is closed; open a new case');
    if (!isCaseCustomer(actor, accessFacts(s)) && !isStaff(actor)) refuse('NotAllowed', 'only the customer may add information this way');
    requireText(text, 'text');
  },
  (s, at, { actor, text }, effects) => {
    const activity = newActivity(uuid4(), at, actor.userId, { type: 'note', subject: 'Information from the customer', body: text, direction: 'inbound', minutesSpent: 0 });
    s.activities.push(activity);
    effects.enqueue({ kind: 'activity', activity });
    // A case waiting for the customer resumes when the customer answers.
    if (s.status === 'waiting_for_customer') {
      s.status = 'active';
      s.statusReason = 'customer replied';
      syncClocks(s, at, effects);
    }
    effects.notify(s, `note:${activity.id}`, 'status_change', caseWorkers(s), { status: 'customer_note', text });
    effects.changed(s);
  },
);

export const answerSurvey = caseUpdate(
  messages.answerSurveyUpdate,
  (s, { actor, rating, comment }) => {
    if (!isCaseCustomer(actor, accessFacts(s))) refuse('NotAllowed', 'only the customer may answer the survey');
    if (!s.survey) refuse('IllegalTransition', 'no survey has been sent for this case');
    if (s.survey.answeredAt) refuse('IllegalTransition', 'the survey has already been answered');
    if (s.survey.expired) refuse('IllegalTransition', 'the survey has expired');
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) refuse('InvalidInput', 'rating must be a whole number from 1 to 5', { field: 'rating' });
    if (typeof comment !== 'string' || comment.length > 2_000) refuse('InvalidInput', 'comment must be at most 2000 characters', { field: 'comment' });
  },
  (s, at, { rating, comment }, effects) => {
    const survey = s.survey!;
    s.survey = { ...survey, answeredAt: at, rating };
    effects.enqueue({ kind: 'surveyResponse', input: { caseNumber: s.opening.caseNumber, episode: survey.episode, rating, comment, answeredAt: at } });
    effects.changed(s);
  },
);

export const CUSTOMER_ACTIONS = [addCustomerNote, answerSurvey] as const;
