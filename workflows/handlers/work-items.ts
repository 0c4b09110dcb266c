import { uuid4 } from '@temporalio/workflow';
import { ACTIVITY_TYPES } from '../../domain/case-commands';
import * as messages from '../messages';
import { refuse } from '../refusals';
import { firstResponse } from '../sla-timers';
import { caseUpdate, newActivity, requireMinutes, requireOpenForWorker, requireText } from './case-update';

/** Work on the case: activities with minutes, knowledge searched and linked, replies to the customer. */

export const addActivity = caseUpdate(
  messages.addActivityUpdate,
  (s, { actor, type, subject, body, minutesSpent }) => {
    requireOpenForWorker(s, actor, 'log an activity');
    if (!ACTIVITY_TYPES.includes(type)) refuse('InvalidInput', `type must be one of ${ACTIVITY_TYPES.join(', ')}`, { field: 'type' });
    requireText(subject, 'subject', 200);
    if (typeof body !== 'string' || body.length > 10_000) refuse('InvalidInput', 'body must be at most 10000 characters', { field: 'body' });
    requireMinutes(minutesSpent);
  },
  (s, at, command, effects) => {
    const activity = newActivity(uuid4(), at, command.actor.userId, command);
    s.activities.push(activity);
    effects.enqueue({ kind: 'activity', activity });
    // An outbound call logged by an agent is a first response, like a reply.
    if (activity.type === 'phone_call' && activity.direction === 'outbound' && activity.state === 'closed') firstResponse(s, at, effects);
    effects.changed(s);
  },
);

export const completeActivity = caseUpdate(
  messages.completeActivityUpdate,
  (s, { actor, activityId, minutesSpent }) => {
    requireOpenForWorker(s, actor, 'complete an activity');
    const activity = s.activities.find((a) => a.id === activityId);
    if (!activity) refuse('InvalidInput', `the case has no activity ${activityId}`, { field: 'activityId' });
    if (activity.state === 'closed') refuse('IllegalTransition', `activity "${activity.subject}" is already completed`);
    if (minutesSpent !== undefined) requireMinutes(minutesSpent);
  },
  (s, at, { activityId, minutesSpent }, effects) => {
    const index = s.activities.findIndex((a) => a.id === activityId);
    const activity = s.activities[index]!;
    const closed = { ...activity, state: 'closed' as const, closedAt: at, minutesSpent: minutesSpent ?? activity.minutesSpent };
    s.activities[index] = closed;
    effects.enqueue({ kind: 'activity', activity: closed });
    effects.changed(s);
  },
);

export const linkArticle = caseUpdate(
  messages.linkArticleUpdate,
  (s, { actor, articleId, articleNumber }) => {
    requireOpenForWorker(s, actor, 'link an article');
    requireText(articleId, 'articleId', 100);
    requireText(articleNumber, 'articleNumber', 50);
  },
  (s, at, { actor, articleId, articleNumber, title, sendToCustomer }, effects) => {
    const existing = s.linkedArticles.find((a) => a.articleId === articleId);
    if (existing) existing.sentToCustomer ||= sendToCustomer;
    else s.linkedArticles.push({ articleId, articleNumber, title, sentToCustomer: sendToCustomer });
    effects.enqueue({ kind: 'article', input: { caseNumber: s.opening.caseNumber, articleId, linkedByUserId: actor.userId, linkedAt: at, sendToCustomer } });
    effects.changed(s);
  },
);

export const recordKnowledgeSearch = caseUpdate(
  messages.recordKnowledgeSearchUpdate,
  (s, { actor, query }) => {
    requireOpenForWorker(s, actor, 'record a search');
    requireText(query, 'query', 500);
  },
  (s, _at, _command, effects) => {
    s.knowledgeSearched = true;
    effects.changed(s);
  },
);

export const replyToCustomer = caseUpdate(
  messages.replyToCustomerUpdate,
  (s, { actor, text, minutesSpent }) => {
    requireOpenForWorker(s, actor, 'reply', 'reply to the customer');
    requireText(text, 'text');
    if (minutesSpent !== undefined) requireMinutes(minutesSpent);
  },
  (s, at, { actor, text, minutesSpent }, effects) => {
    const activity = newActivity(uuid4(), at, actor.userId, {
      type: 'email',
      subject: `Re: ${s.opening.title}`.slice(0, 200),
      body: text,
      direction: 'outbound',
      minutesSpent: minutesSpent ?? 0,
    });
    s.activities.push(activity);
    effects.enqueue({ kind: 'activity', activity });
    effects.notify(s, `reply:${activity.id}`, 'agent_reply', { customer: true }, { text, from: actor.displayName });
    firstResponse(s, at, effects);
    effects.changed(s);
  },
);

export const WORK_ITEMS = [addActivity, completeActivity, linkArticle, recordKnowledgeSearch, replyToCustomer] as const;
