import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../domain/actor';
import type { CaseContext } from '../../domain/case-context';
import type { KpiClock } from '../../domain/sla-clock';
import { DEFAULT_CASE_SETTINGS, openCaseState, type CaseState } from '../../workflows/case-state';
import type { CaseEffects, Effect } from '../../workflows/effects';
import type { CaseCommand, CaseUpdateHandler } from '../../workflows/handlers';
import { acceptCase, assignCase, dispatchCase, rejectCase, transferCase, yankCase } from '../../workflows/handlers/queue-operations';
import { changePriority, holdCase, resumeCase, updateCaseDetails } from '../../workflows/handlers/status';
import { addActivity, completeActivity, linkArticle, recordKnowledgeSearch, replyToCustomer } from '../../workflows/handlers/work-items';
import { advanceStage, completeStep } from '../../workflows/handlers/process-flow';
import { cancelCase, reopenCase, resolveCase } from '../../workflows/handlers/resolution';
import { addCustomerNote, answerSurvey } from '../../workflows/handlers/customer';
import type { RefusalType } from '../../workflows/messages';

/**
 * The case actions' validators and the apply steps that need no workflow context, as plain
 * functions of the state: no Temporal server. (The workflow tests drive the same handlers through
 * real Updates.)
 */
const GOLD_QUEUE = 'queue-gold';
const OTHER_QUEUE = 'queue-other';
const ACCOUNT = 'account-contoso';
const CONTACT = 'contact-alice';
const AT = '2030-03-04T10:00:00.000Z';

function actor(role: Role, userId: string, extra: Partial<Actor> = {}): Actor {
  return { userId, role, displayName: userId, queueIds: [], contactId: null, accountId: null, ...extra };
}
const gina = actor('agent', 'gina', { queueIds: [GOLD_QUEUE] });
const sam = actor('agent', 'sam', { queueIds: [OTHER_QUEUE] });
const sue = actor('supervisor', 'sue', { queueIds: [] });
const otto = actor('operator', 'otto');
const alice = actor('customer', 'alice', { contactId: CONTACT, accountId: ACCOUNT });
const colleague = actor('customer', 'carl', { contactId: 'contact-carl', accountId: ACCOUNT });
const stranger = actor('customer', 'mallory', { contactId: 'contact-mallory', accountId: 'account-other' });

const context: CaseContext = {
  customer: { contactId: CONTACT, accountId: ACCOUNT, displayName: 'Alice', email: 'alice@example.test', tier: 'gold' },
  entitlements: [
    {
      id: 'ent-minutes',
      name: '600 minutes',
      allocationType: 'minutes',
      remainingTerms: 600,
      startDate: '2030-01-01',
      endDate: '2030-12-31',
      status: 'active',
      slaPolicyId: 'sla-gold',
      isDefault: true,
      channels: [{ channel: 'email', remainingTerms: null }],
    },
  ],
  routingRules: [{ id: 'rule-gold', name: 'Gold', position: 10, conditions: { customerTier: ['gold'] }, queueId: GOLD_QUEUE }],
  defaultQueueId: OTHER_QUEUE,
  slaPolicies: [
    {
      id: 'sla-gold',
      name: 'Gold',
      appliesWhenNoEntitlement: false,
      calendar: null,
      pauseOn: ['waiting_for_customer'],
      kpis: [
        { kpi: 'first_response', priority: null, customerTier: null, warnAfterMinutes: 10, failAfterMinutes: 15 },
        { kpi: 'resolve', priority: null, customerTier: null, warnAfterMinutes: 360, failAfterMinutes: 480 },
      ],
    },
  ],
  today: '2030-03-04',
};

function newCase(changes: Partial<CaseState> = {}): CaseState {
  const state = openCaseState(
    {
      caseNumber: 'CAS-01000',
      requestId: 'request-1',
      title: 'Printer offline',
      description: 'Since this morning',
      customer: { type: 'contact', id: CONTACT },
      channel: 'email',
      priority: 'normal',
      productId: null,
      subject: null,
      openedByUserId: 'alice',
    },
    context,
    DEFAULT_CASE_SETTINGS,
    '2030-03-04T09:00:00.000Z',
  );
  return Object.assign(state, changes);
}

/** Effects recorded instead of performed. */
function recordingEffects(): CaseEffects & { readonly effects: Effect[] } {
  const effects: Effect[] = [];
  return {
    effects,
    enqueue: (effect) => effects.push(effect),
    changed: (s) => {
      s.version += 1;
      effects.push({ kind: 'record' });
    },
    notify: (s, key, kind, audience, payload) =>
      effects.push({ kind: 'notify', input: { key: `${s.opening.caseNumber}:${key}`, caseNumber: s.opening.caseNumber, kind, audience, channels: ['email', 'bot'], payload } }),
    updateKpis: (s, update: (clock: KpiClock) => KpiClock) => {
      s.kpis = s.kpis.map((clock) => {
        const next = update(clock);
        if (next !== clock) effects.push({ kind: 'kpi', kpi: clock.kpi });
        return next;
      });
    },
  };
}

function refusal<C extends CaseCommand>(handler: CaseUpdateHandler<C>, s: CaseState, command: C): { type: RefusalType | undefined; message: string } | null {
  try {
    handler.validate(s, command);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    const failure = error as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    return { type: failure.type as RefusalType, message: failure.message };
  }
}

const refusedAs = <C extends CaseCommand>(handler: CaseUpdateHandler<C>, s: CaseState, command: C) => refusal(handler, s, command)?.type ?? 'allowed';

describe('queue operations', () => {
  it('accept: members of the case\'s queue only, once, never a closed case', () => {
    const s = newCase();
    expect(s.queueId).toBe(GOLD_QUEUE);
    expect(refusedAs(acceptCase, s, { actor: gina })).toBe('allowed');
    expect(refusedAs(acceptCase, s, { actor: sam })).toBe('NotAllowed');
    expect(refusedAs(acceptCase, s, { actor: alice })).toBe('NotAllowed');
    expect(refusal(acceptCase, newCase({ ownerUserId: 'gina' }), { actor: gina })).toEqual({ type: 'IllegalTransition', message: 'you already work this case' });
    expect(refusal(acceptCase, newCase({ ownerUserId: 'other' }), { actor: gina })?.message).toContain('yank');
    for (const status of ['resolved', 'cancelled', 'closed'] as const) expect(refusal(acceptCase, newCase({ status }), { actor: gina })).toEqual({ type: 'IllegalTransition', message: `cannot accept: the case is ${status}` });
  });

  it('dispatch and transfer: owner, queue member or supervisor; a real, different queue', () => {
    const owned = newCase({ ownerUserId: 'gina' });
    expect(refusedAs(dispatchCase, owned, { actor: gina, queueId: OTHER_QUEUE })).toBe('allowed');
    expect(refusal(dispatchCase, newCase(), { actor: gina, queueId: OTHER_QUEUE })?.message).toBe("only the case's owner or a supervisor may dispatch it (accept the case first)");
    expect(refusedAs(dispatchCase, owned, { actor: gina, queueId: '' })).toBe('InvalidInput');
    expect(refusedAs(transferCase, newCase(), { actor: gina, queueId: OTHER_QUEUE })).toBe('allowed');
    expect(refusedAs(transferCase, newCase(), { actor: sue, queueId: OTHER_QUEUE })).toBe('allowed');
    expect(refusedAs(transferCase, newCase(), { actor: sam, queueId: OTHER_QUEUE })).toBe('NotAllowed');
    expect(refusedAs(transferCase, newCase(), { actor: gina, queueId: GOLD_QUEUE })).toBe('IllegalTransition');
  });

  it('reject: a queue member, an unowned case with a creator, and a reason', () => {
    expect(refusedAs(rejectCase, newCase(), { actor: gina, reason: 'not ours' })).toBe('allowed');
    expect(refusedAs(rejectCase, newCase(), { actor: gina, reason: '  ' })).toBe('InvalidInput');
    expect(refusedAs(rejectCase, newCase({ ownerUserId: 'gina' }), { actor: gina, reason: 'x' })).toBe('IllegalTransition');
    expect(refusedAs(rejectCase, newCase({ opening: { ...newCase().opening, openedByUserId: null } }), { actor: gina, reason: 'x' })).toBe('IllegalTransition');
    expect(refusedAs(rejectCase, newCase(), { actor: sam, reason: 'x' })).toBe('NotAllowed');
  });

  it('assign and yank: supervisors and administrators only', () => {
    expect(refusedAs(assignCase, newCase(), { actor: sue, userId: 'gina' })).toBe('allowed');
    expect(refusedAs(assignCase, newCase(), { actor: gina, userId: 'gina' })).toBe('NotAllowed');
    expect(refusedAs(assignCase, newCase({ ownerUserId: 'gina' }), { actor: sue, userId: 'gina' })).toBe('IllegalTransition');
    expect(refusedAs(yankCase, newCase({ ownerUserId: 'gina' }), { actor: sue })).toBe('allowed');
    expect(refusedAs(yankCase, newCase({ ownerUserId: 'gina' }), { actor: gina })).toBe('NotAllowed');
    expect(refusedAs(yankCase, newCase(), { actor: sue })).toBe('IllegalTransition');
  });

  it('dispatch leaves the case unowned in the new queue and asks for one record', () => {
    const s = newCase({ ownerUserId: 'gina' });
    const port = recordingEffects();
    dispatchCase.apply(s, AT, { actor: gina, queueId: OTHER_QUEUE }, port);
    expect([s.ownerUserId, s.queueId, s.version]).toEqual([null, OTHER_QUEUE, 2]);
    expect(port.effects).toEqual([{ kind: 'record' }]);
  });
});

describe('status and details', () => {
  it('hold: a hold status, not the current one, with a reason; waiting for the customer pauses the clocks', () => {
    const s = newCase({ ownerUserId: 'gina' });
    expect(refusedAs(holdCase, s, { actor: gina, status: 'active' as never, reason: 'x' })).toBe('InvalidInput');
    expect(refusedAs(holdCase, s, { actor: gina, status: 'on_hold', reason: '' })).toBe('InvalidInput');
    expect(refusedAs(holdCase, newCase({ ownerUserId: 'gina', status: 'on_hold' }), { actor: gina, status: 'on_hold', reason: 'x' })).toBe('IllegalTransition');
    const port = recordingEffects();
    holdCase.apply(s, AT, { actor: gina, status: 'waiting_for_customer', reason: 'asked for the model' }, port);
    expect(s.kpis.map((k) => k.status)).toEqual(['paused', 'paused']);
    expect(port.effects).toEqual([{ kind: 'kpi', kpi: 'first_response' }, { kind: 'kpi', kpi: 'resolve' }, { kind: 'record' }]);
  });

  it('resume: only from a hold status, by someone who works the case', () => {
    expect(refusedAs(resumeCase, newCase({ ownerUserId: 'gina', status: 'on_hold' }), { actor: gina })).toBe('allowed');
    expect(refusedAs(resumeCase, newCase({ ownerUserId: 'gina' }), { actor: gina })).toBe('IllegalTransition');
    expect(refusedAs(resumeCase, newCase({ ownerUserId: 'gina', status: 'on_hold' }), { actor: sam })).toBe('NotAllowed');
  });

  it('priority and details: known values, something to change', () => {
    const s = newCase({ ownerUserId: 'gina' });
    expect(refusedAs(changePriority, s, { actor: gina, priority: 'extreme' as never })).toBe('InvalidInput');
    expect(refusedAs(changePriority, s, { actor: gina, priority: 'normal' })).toBe('IllegalTransition');
    expect(refusedAs(changePriority, s, { actor: gina, priority: 'high' })).toBe('allowed');
    expect(refusedAs(updateCaseDetails, s, { actor: gina })).toBe('InvalidInput');
    expect(refusedAs(updateCaseDetails, s, { actor: gina, subject: 'x'.repeat(201) })).toBe('InvalidInput');
    expect(refusedAs(updateCaseDetails, s, { actor: gina, subject: 'x'.repeat(200) })).toBe('allowed');
  });
});

describe('work items', () => {
  const owned = () => newCase({ ownerUserId: 'gina' });
  const activity = { type: 'note' as const, subject: 'Called', body: '', direction: null, minutesSpent: 5, open: false, dueAt: null };

  it('add an activity: a known type, a subject, whole minutes from 0 to 1440', () => {
    expect(refusedAs(addActivity, owned(), { actor: gina, ...activity })).toBe('allowed');
    expect(refusedAs(addActivity, owned(), { actor: gina, ...activity, type: 'fax' as never })).toBe('InvalidInput');
    expect(refusedAs(addActivity, owned(), { actor: gina, ...activity, subject: '' })).toBe('InvalidInput');
    expect(refusedAs(addActivity, owned(), { actor: gina, ...activity, body: 'x'.repeat(10_001) })).toBe('InvalidInput');
    for (const minutesSpent of [-1, 1.5, 1441]) expect(refusedAs(addActivity, owned(), { actor: gina, ...activity, minutesSpent })).toBe('InvalidInput');
    for (const minutesSpent of [0, 1440]) expect(refusedAs(addActivity, owned(), { actor: gina, ...activity, minutesSpent })).toBe('allowed');
    expect(refusedAs(addActivity, newCase(), { actor: gina, ...activity })).toBe('NotAllowed');
  });

  it('complete an activity: one the case has, still open', () => {
    const s = owned();
    s.activities.push({ id: 'a1', type: 'task', subject: 'Call back', body: '', direction: null, state: 'open', minutesSpent: 0, dueAt: null, createdAt: AT, closedAt: null, createdByUserId: 'gina' });
    expect(refusedAs(completeActivity, s, { actor: gina, activityId: 'a1' })).toBe('allowed');
    expect(refusedAs(completeActivity, s, { actor: gina, activityId: 'a2' })).toBe('InvalidInput');
    const port = recordingEffects();
    completeActivity.apply(s, AT, { actor: gina, activityId: 'a1', minutesSpent: 7 }, port);
    expect(s.activities[0]).toMatchObject({ state: 'closed', closedAt: AT, minutesSpent: 7 });
    expect(refusal(completeActivity, s, { actor: gina, activityId: 'a1' })).toEqual({ type: 'IllegalTransition', message: 'activity "Call back" is already completed' });
  });

  it('link an article, record a search, reply: text required and bounded', () => {
    expect(refusedAs(linkArticle, owned(), { actor: gina, articleId: 'k1', articleNumber: 'KA-01001', title: 'Printers', sendToCustomer: false })).toBe('allowed');
    expect(refusedAs(linkArticle, owned(), { actor: gina, articleId: '', articleNumber: 'KA-01001', title: 'Printers', sendToCustomer: false })).toBe('InvalidInput');
    expect(refusedAs(recordKnowledgeSearch, owned(), { actor: gina, query: 'x'.repeat(501) })).toBe('InvalidInput');
    expect(refusedAs(replyToCustomer, owned(), { actor: gina, text: 'Hello' })).toBe('allowed');
    expect(refusedAs(replyToCustomer, owned(), { actor: gina, text: 'Hello', minutesSpent: -3 })).toBe('InvalidInput');
    expect(refusal(replyToCustomer, newCase(), { actor: gina, text: 'Hello' })?.message).toBe("only the case's owner or a supervisor may reply to the customer (accept the case first)");
  });

  it('linking the same article twice keeps one link, remembering it was sent', () => {
    const s = owned();
    const port = recordingEffects();
    linkArticle.apply(s, AT, { actor: gina, articleId: 'k1', articleNumber: 'KA-01001', title: 'Printers', sendToCustomer: false }, port);
    linkArticle.apply(s, AT, { actor: gina, articleId: 'k1', articleNumber: 'KA-01001', title: 'Printers', sendToCustomer: true }, port);
    expect(s.linkedArticles).toEqual([{ articleId: 'k1', articleNumber: 'KA-01001', title: 'Printers', sentToCustomer: true }]);
    expect(port.effects.filter((e) => e.kind === 'article')).toHaveLength(2);
  });
});

describe('the process flow', () => {
  it('tick agent steps only, once; advance only with every step done, and not past Resolve', () => {
    const s = newCase({ ownerUserId: 'gina' });
    expect(refusedAs(completeStep, s, { actor: gina, stepId: 'nope' as never })).toBe('InvalidInput');
    expect(refusedAs(completeStep, s, { actor: gina, stepId: 'product_set' as never })).toBe('InvalidInput');
    const missing = refusal(advanceStage, s, { actor: gina });
    expect(missing?.type).toBe('IllegalTransition');
    expect(missing?.message).toContain('Customer confirmed');
    completeStep.apply(s, AT, { actor: gina, stepId: 'customer_confirmed' }, recordingEffects());
    expect(refusedAs(completeStep, s, { actor: gina, stepId: 'customer_confirmed' })).toBe('IllegalTransition');
    updateCaseDetails.apply(s, AT, { actor: gina, productId: 'p1', subject: 'Printing' }, recordingEffects());
    expect(refusedAs(advanceStage, s, { actor: gina })).toBe('allowed');
    advanceStage.apply(s, AT, { actor: gina }, recordingEffects());
    expect(s.stage).toBe('research');
    expect(s.stageHistory.at(-1)).toEqual({ stage: 'research', enteredAt: AT, byUserId: 'gina' });
    expect(refusal(advanceStage, newCase({ ownerUserId: 'gina', stage: 'resolve' }), { actor: gina })?.message).toContain('last stage');
  });
});

describe('resolution, cancellation, reopening', () => {
  const resolve = { actor: gina, resolutionText: 'Fixed', resolutionType: 'problem_solved' as const };

  it('resolve: in the Resolve stage, no open activity (listed), a text and a known type', () => {
    expect(refusedAs(resolveCase, newCase({ ownerUserId: 'gina', stage: 'resolve' }), resolve)).toBe('allowed');
    expect(refusal(resolveCase, newCase({ ownerUserId: 'gina' }), resolve)?.message).toContain('advance it to Resolve first');
    const withTask = newCase({ ownerUserId: 'gina', stage: 'resolve' });
    withTask.activities.push({ id: 'a1', type: 'task', subject: 'Call back', body: '', direction: null, state: 'open', minutesSpent: 0, dueAt: null, createdAt: AT, closedAt: null, createdByUserId: 'gina' });
    expect(refusal(resolveCase, withTask, resolve)).toEqual({ type: 'IllegalTransition', message: 'complete the open activities first: "Call back"' });
    expect(refusedAs(resolveCase, newCase({ ownerUserId: 'gina', stage: 'resolve' }), { ...resolve, resolutionType: 'magic' as never })).toBe('InvalidInput');
    expect(refusedAs(resolveCase, newCase({ ownerUserId: 'gina', stage: 'resolve' }), { ...resolve, actor: sam })).toBe('NotAllowed');
  });

  it('cancel: the customer (or an account colleague), the owner or a supervisor, with a reason', () => {
    expect(refusedAs(cancelCase, newCase(), { actor: alice, reason: 'solved' })).toBe('allowed');
    expect(refusedAs(cancelCase, newCase(), { actor: colleague, reason: 'solved' })).toBe('allowed');
    expect(refusedAs(cancelCase, newCase(), { actor: stranger, reason: 'solved' })).toBe('NotAllowed');
    expect(refusedAs(cancelCase, newCase(), { actor: gina, reason: 'solved' })).toBe('NotAllowed');
    expect(refusedAs(cancelCase, newCase(), { actor: sue, reason: 'duplicate' })).toBe('allowed');
    expect(refusedAs(cancelCase, newCase(), { actor: alice, reason: '' })).toBe('InvalidInput');
    const s = newCase();
    const port = recordingEffects();
    cancelCase.apply(s, AT, { actor: alice, reason: 'solved' }, port);
    expect(s.kpis.map((k) => k.status)).toEqual(['cancelled', 'cancelled']);
    expect(s.closesAt).toBe(new Date(Date.parse(AT) + DEFAULT_CASE_SETTINGS.reopenWindowMinutes * 60_000).toISOString());
  });

  it('reopen: only a resolved or cancelled case, by its customer or its agents', () => {
    const resolved = () => newCase({ status: 'resolved', ownerUserId: 'gina' });
    expect(refusedAs(reopenCase, resolved(), { actor: alice, reason: 'again' })).toBe('allowed');
    expect(refusedAs(reopenCase, resolved(), { actor: gina, reason: 'again' })).toBe('allowed');
    expect(refusedAs(reopenCase, resolved(), { actor: stranger, reason: 'again' })).toBe('NotAllowed');
    expect(refusedAs(reopenCase, resolved(), { actor: otto, reason: 'again' })).toBe('NotAllowed');
    expect(refusedAs(reopenCase, newCase(), { actor: alice, reason: 'again' })).toBe('IllegalTransition');
  });
});

describe('the customer', () => {
  it('notes: the customer or staff, not on a closed case; a note resumes a case waiting for the customer', () => {
    expect(refusedAs(addCustomerNote, newCase(), { actor: alice, text: 'More info' })).toBe('allowed');
    expect(refusedAs(addCustomerNote, newCase(), { actor: stranger, text: 'More info' })).toBe('NotAllowed');
    expect(refusedAs(addCustomerNote, newCase({ status: 'closed' }), { actor: alice, text: 'More info' })).toBe('IllegalTransition');
    expect(refusedAs(addCustomerNote, newCase(), { actor: alice, text: '' })).toBe('InvalidInput');
  });

  it('survey: only the customer, once, before it expires, a rating from 1 to 5', () => {
    const survey = { episode: 1, sentAt: AT, expiresAt: '2030-03-11T10:00:00.000Z', answeredAt: null, rating: null, expired: false };
    const sent = () => newCase({ status: 'resolved', survey });
    expect(refusedAs(answerSurvey, sent(), { actor: alice, rating: 5, comment: '' })).toBe('allowed');
    expect(refusedAs(answerSurvey, sent(), { actor: stranger, rating: 5, comment: '' })).toBe('NotAllowed');
    expect(refusedAs(answerSurvey, sent(), { actor: gina, rating: 5, comment: '' })).toBe('NotAllowed');
    expect(refusedAs(answerSurvey, newCase(), { actor: alice, rating: 5, comment: '' })).toBe('IllegalTransition');
    expect(refusedAs(answerSurvey, newCase({ survey: { ...survey, answeredAt: AT, rating: 4 } }), { actor: alice, rating: 5, comment: '' })).toBe('IllegalTransition');
    expect(refusedAs(answerSurvey, newCase({ survey: { ...survey, expired: true } }), { actor: alice, rating: 5, comment: '' })).toBe('IllegalTransition');
    for (const rating of [0, 6, 4.5]) expect(refusedAs(answerSurvey, sent(), { actor: alice, rating, comment: '' })).toBe('InvalidInput');
    expect(refusedAs(answerSurvey, sent(), { actor: alice, rating: 1, comment: 'x'.repeat(2_001) })).toBe('InvalidInput');
    const s = sent();
    const port = recordingEffects();
    answerSurvey.apply(s, AT, { actor: alice, rating: 4, comment: 'ok' }, port);
    expect(s.survey).toMatchObject({ answeredAt: AT, rating: 4 });
    expect(port.effects).toEqual([{ kind: 'surveyResponse', input: { caseNumber: 'CAS-01000', episode: 1, rating: 4, comment: 'ok', answeredAt: AT } }, { kind: 'record' }]);
  });
});
