import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it, vi } from 'vitest';
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
import type * as workflowModule from '@temporalio/workflow';
import { CASE_UPDATE_HANDLERS } from '../../workflows/handlers';
import { requireActor } from '../../workflows/handlers/case-update';

/** uuid4() and patched() need a workflow context: deterministic stand-ins so the apply steps run here. */
const workflowContext = vi.hoisted(() => ({ uuids: 0, patched: true }));
vi.mock('@temporalio/workflow', async (importOriginal) => ({
  ...(await importOriginal<typeof workflowModule>()),
  uuid4: () => `fixed-uuid-${++workflowContext.uuids}`,
  patched: () => workflowContext.patched,
}));

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
    // The customer hears what is asked of them (the reason of a plain hold may be internal: not told).
    expect(port.effects).toEqual([
      { kind: 'kpi', kpi: 'first_response' },
      { kind: 'kpi', kpi: 'resolve' },
      notify('progress:2', 'status_change', { customer: true }, { status: 'waiting_for_customer', reason: 'asked for the model' }),
      { kind: 'record' },
    ]);
    const onHold = recordingEffects();
    holdCase.apply(newCase({ ownerUserId: 'gina' }), AT, { actor: gina, status: 'on_hold', reason: 'waiting for the vendor (internal)' }, onHold);
    expect(onHold.effects).toContainEqual(notify('progress:2', 'status_change', { customer: true }, { status: 'on_hold' }));
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

// ---- exact refusals (message and details a caller sees) and the apply steps' effects ------------

/** The refusal with its details (the field or facts the caller can act on). */
function refusalWithDetails<C extends CaseCommand>(handler: CaseUpdateHandler<C>, s: CaseState, command: C): { type: string | undefined; message: string; details: unknown[] } | null {
  try {
    handler.validate(s, command);
    return null;
  } catch (error) {
    const failure = error as ApplicationFailure;
    return { type: failure.type ?? undefined, message: failure.message, details: [...(failure.details ?? [])] };
  }
}
const invalid = (message: string, field: string) => ({ type: 'InvalidInput', message, details: [{ field }] });
const closedCase = (status: 'resolved' | 'cancelled' | 'closed' = 'resolved') => newCase({ ownerUserId: 'gina', status });
const illegalOnClosed = (action: string, status = 'resolved') => ({ type: 'IllegalTransition', message: `cannot ${action}: the case is ${status}`, details: [{ status }] });
const notify = (key: string, kind: string, audience: unknown, payload: unknown) => ({
  kind: 'notify',
  input: { key: `CAS-01000:${key}`, caseNumber: 'CAS-01000', kind, audience, channels: ['email', 'bot'], payload },
});
const RECORD = { kind: 'record' };
const FIXED_UUID: unknown = expect.stringMatching(/^fixed-uuid-\d+$/);
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describe('the shared guards', () => {
  it('an action needs an authenticated user', () => {
    expect(() => requireActor(gina)).not.toThrow();
    for (const bad of [undefined, { ...gina, userId: '' }, { ...gina, userId: 7 as never }]) {
      let failure: ApplicationFailure | undefined;
      try {
        requireActor(bad);
      } catch (error) {
        failure = error as ApplicationFailure;
      }
      expect([failure?.type, failure?.message]).toEqual(['NotAllowed', 'the action has no authenticated user']);
    }
  });

  it('a resolved, cancelled or closed case refuses work, naming its status', () => {
    for (const status of ['resolved', 'cancelled', 'closed'] as const) {
      expect(refusalWithDetails(acceptCase, newCase({ status }), { actor: gina })).toEqual(illegalOnClosed('accept', status));
    }
    expect(refusalWithDetails(dispatchCase, closedCase(), { actor: gina, queueId: OTHER_QUEUE })).toEqual(illegalOnClosed('dispatch'));
    expect(refusalWithDetails(dispatchCase, newCase({ ownerUserId: 'gina' }), { actor: sam, queueId: OTHER_QUEUE })).toEqual({
      type: 'NotAllowed',
      message: "only the case's owner or a supervisor may dispatch it",
      details: [],
    });
  });

  it('text: required (whitespace is empty), bounded at exactly its maximum', () => {
    const owned = newCase({ ownerUserId: 'gina' });
    expect(refusalWithDetails(dispatchCase, owned, { actor: gina, queueId: '   ' })).toEqual(invalid('queueId must not be empty', 'queueId'));
    expect(refusalWithDetails(dispatchCase, owned, { actor: gina, queueId: 'q'.repeat(100) })).toBeNull();
    expect(refusalWithDetails(dispatchCase, owned, { actor: gina, queueId: 'q'.repeat(101) })).toEqual(invalid('queueId must be at most 100 characters', 'queueId'));
    expect(refusalWithDetails(replyToCustomer, owned, { actor: gina, text: 'x'.repeat(10_000) })).toBeNull();
    expect(refusalWithDetails(replyToCustomer, owned, { actor: gina, text: 'x'.repeat(10_001) })).toEqual(invalid('text must be at most 10000 characters', 'text'));
    expect(refusalWithDetails(replyToCustomer, owned, { actor: gina, text: 7 as never })).toEqual(invalid('text must not be empty', 'text'));
  });

  it('minutes: a whole number from 0 to 1440', () => {
    const owned = newCase({ ownerUserId: 'gina' });
    for (const minutesSpent of [-1, 1.5, 1441, Number.NaN]) {
      expect(refusalWithDetails(replyToCustomer, owned, { actor: gina, text: 'Hi', minutesSpent })).toEqual(invalid('minutesSpent must be a whole number from 0 to 1440', 'minutesSpent'));
    }
    for (const minutesSpent of [0, 1440]) expect(refusalWithDetails(replyToCustomer, owned, { actor: gina, text: 'Hi', minutesSpent })).toBeNull();
  });

  it('every action is registered once', async () => {
    expect(CASE_UPDATE_HANDLERS).toHaveLength(22);
    expect(new Set(CASE_UPDATE_HANDLERS.map((h) => h.definition.name)).size).toBe(22);
    // Loaded again inside the test, so that the list's construction is covered by it.
    vi.resetModules();
    const reloaded = await import('../../workflows/handlers');
    expect(reloaded.CASE_UPDATE_HANDLERS.map((h) => h.definition.name)).toEqual(CASE_UPDATE_HANDLERS.map((h) => h.definition.name));
  });
});

describe('queue operations: refusals and effects', () => {
  it('accept: the exact refusals', () => {
    expect(refusalWithDetails(acceptCase, newCase(), { actor: sam })).toEqual({ type: 'NotAllowed', message: "only members of the case's queue may accept it", details: [] });
    expect(refusal(acceptCase, newCase({ ownerUserId: 'gina' }), { actor: gina })).toEqual({ type: 'IllegalTransition', message: 'you already work this case' });
    expect(refusal(acceptCase, newCase({ ownerUserId: 'other' }), { actor: gina })).toEqual({ type: 'IllegalTransition', message: 'another agent already works this case; a supervisor can yank it' });
  });

  it('accept: the agent owns the case and the customer is told who works it', () => {
    const s = newCase();
    const port = recordingEffects();
    acceptCase.apply(s, AT, { actor: gina }, port);
    expect(s.ownerUserId).toBe('gina');
    expect(port.effects).toEqual([notify('accepted:2', 'status_change', { customer: true }, { status: 'accepted', agent: 'gina' }), RECORD]);
  });

  it('hold, resume, transfer and resolve replayed from histories recorded before the progress notices: none', () => {
    workflowContext.patched = false;
    try {
      const port = recordingEffects();
      const s = newCase({ ownerUserId: 'gina' });
      holdCase.apply(s, AT, { actor: gina, status: 'waiting_for_customer', reason: 'asked' }, port);
      resumeCase.apply(s, AT, { actor: gina }, port);
      transferCase.apply(s, AT, { actor: gina, queueId: OTHER_QUEUE }, port);
      resolveCase.apply(newCase({ ownerUserId: 'gina', stage: 'resolve' }), AT, { actor: gina, resolutionText: 'Fixed', resolutionType: 'problem_solved' }, port);
      expect(port.effects.filter((e) => e.kind === 'notify')).toEqual([]);
    } finally {
      workflowContext.patched = true;
    }
  });

  it('accept replayed from a history recorded before the notice: no notification', () => {
    workflowContext.patched = false;
    try {
      const s = newCase();
      const port = recordingEffects();
      acceptCase.apply(s, AT, { actor: gina }, port);
      expect([s.ownerUserId, port.effects]).toEqual(['gina', [RECORD]]);
    } finally {
      workflowContext.patched = true;
    }
  });

  it('reject: the exact refusals; the case goes back to its creator', () => {
    expect(refusalWithDetails(rejectCase, closedCase(), { actor: gina, reason: 'x' })).toEqual(illegalOnClosed('reject'));
    expect(refusal(rejectCase, newCase(), { actor: sam, reason: 'x' })).toEqual({ type: 'NotAllowed', message: "only members of the case's queue may reject it" });
    expect(refusal(rejectCase, newCase({ ownerUserId: 'gina' }), { actor: gina, reason: 'x' })).toEqual({ type: 'IllegalTransition', message: 'the case is being worked; dispatch it back to the queue first' });
    expect(refusal(rejectCase, newCase({ opening: { ...newCase().opening, openedByUserId: null } }), { actor: gina, reason: 'x' })).toEqual({ type: 'IllegalTransition', message: 'the case has no creator to return it to' });
    expect(refusalWithDetails(rejectCase, newCase(), { actor: gina, reason: '' })).toEqual(invalid('reason must not be empty', 'reason'));
    expect(refusalWithDetails(rejectCase, newCase(), { actor: gina, reason: 'x'.repeat(1_001) })).toEqual(invalid('reason must be at most 1000 characters', 'reason'));
    const s = newCase();
    const port = recordingEffects();
    rejectCase.apply(s, AT, { actor: gina, reason: 'not ours' }, port);
    expect([s.queueId, s.ownerUserId, s.statusReason, port.effects]).toEqual([null, 'alice', 'rejected: not ours', [RECORD]]);
  });

  it('transfer: the exact refusals; the case lands unowned in the new queue', () => {
    expect(refusalWithDetails(transferCase, closedCase(), { actor: gina, queueId: OTHER_QUEUE })).toEqual(illegalOnClosed('transfer'));
    expect(refusal(transferCase, newCase(), { actor: sam, queueId: OTHER_QUEUE })).toEqual({ type: 'NotAllowed', message: "only members of the case's queue may transfer it" });
    expect(refusalWithDetails(transferCase, newCase(), { actor: gina, queueId: '' })).toEqual(invalid('queueId must not be empty', 'queueId'));
    expect(refusal(transferCase, newCase(), { actor: gina, queueId: GOLD_QUEUE })).toEqual({ type: 'IllegalTransition', message: 'the case is already in that queue' });
    const s = newCase({ ownerUserId: 'gina' });
    const port = recordingEffects();
    transferCase.apply(s, AT, { actor: gina, queueId: OTHER_QUEUE }, port);
    expect([s.queueId, s.ownerUserId, port.effects]).toEqual([OTHER_QUEUE, null, [notify('progress:2', 'status_change', { customer: true }, { status: 'transferred' }), RECORD]]);
  });

  it('assign and yank: the exact refusals and the new owner', () => {
    expect(refusalWithDetails(assignCase, closedCase(), { actor: sue, userId: 'gina' })).toEqual(illegalOnClosed('assign'));
    expect(refusal(assignCase, newCase(), { actor: gina, userId: 'gina' })).toEqual({ type: 'NotAllowed', message: 'only supervisors and administrators may assign a case' });
    expect(refusalWithDetails(assignCase, newCase(), { actor: sue, userId: ' ' })).toEqual(invalid('userId must not be empty', 'userId'));
    expect(refusal(assignCase, newCase({ ownerUserId: 'gina' }), { actor: sue, userId: 'gina' })).toEqual({ type: 'IllegalTransition', message: 'the case is already assigned to that person' });
    const s = newCase();
    const port = recordingEffects();
    assignCase.apply(s, AT, { actor: sue, userId: 'gina' }, port);
    expect([s.ownerUserId, port.effects]).toEqual(['gina', [RECORD]]);

    expect(refusalWithDetails(yankCase, closedCase(), { actor: sue })).toEqual(illegalOnClosed('yank'));
    expect(refusal(yankCase, newCase({ ownerUserId: 'gina' }), { actor: gina })).toEqual({ type: 'NotAllowed', message: 'only supervisors and administrators may yank a case' });
    expect(refusal(yankCase, newCase(), { actor: sue })).toEqual({ type: 'IllegalTransition', message: 'nobody works the case: there is nothing to yank' });
    const yanked = recordingEffects();
    yankCase.apply(s, AT, { actor: sue }, yanked);
    expect([s.ownerUserId, yanked.effects]).toEqual([null, [RECORD]]);
  });
});

describe('status and details: refusals and effects', () => {
  const owned = () => newCase({ ownerUserId: 'gina' });

  it('hold: the exact refusals', () => {
    expect(refusalWithDetails(holdCase, closedCase(), { actor: gina, status: 'on_hold', reason: 'x' })).toEqual(illegalOnClosed('put it on hold'));
    expect(refusalWithDetails(holdCase, owned(), { actor: gina, status: 'active' as never, reason: 'x' })).toEqual(invalid('status must be one of on_hold, waiting_for_customer', 'status'));
    expect(refusal(holdCase, newCase({ ownerUserId: 'gina', status: 'waiting_for_customer' }), { actor: gina, status: 'waiting_for_customer', reason: 'x' })).toEqual({ type: 'IllegalTransition', message: 'the case is already waiting for customer' });
    expect(refusalWithDetails(holdCase, owned(), { actor: gina, status: 'on_hold', reason: '' })).toEqual(invalid('reason must not be empty', 'reason'));
  });

  it('resume: from on hold or waiting for the customer; the clocks run again', () => {
    expect(refusal(resumeCase, newCase({ ownerUserId: 'gina', status: 'on_hold' }), { actor: sam })?.message).toBe("only the case's owner or a supervisor may resume it");
    expect(refusal(resumeCase, owned(), { actor: gina })?.message).toBe('only a case on hold or waiting for the customer can resume (it is active)');
    const s = owned();
    holdCase.apply(s, AT, { actor: gina, status: 'waiting_for_customer', reason: 'asked' }, recordingEffects());
    expect(refusal(resumeCase, s, { actor: gina })).toBeNull();
    const port = recordingEffects();
    resumeCase.apply(s, AT, { actor: gina }, port);
    expect([s.status, s.statusReason]).toEqual(['active', 'in progress']);
    expect(s.kpis.map((k) => k.status)).toEqual(['in_progress', 'in_progress']);
    expect(port.effects).toEqual([{ kind: 'kpi', kpi: 'first_response' }, { kind: 'kpi', kpi: 'resolve' }, notify('progress:3', 'status_change', { customer: true }, { status: 'resumed' }), RECORD]);
  });

  it('priority: the exact refusals; a change is recorded', () => {
    expect(refusalWithDetails(changePriority, closedCase(), { actor: gina, priority: 'high' })).toEqual(illegalOnClosed('change its priority'));
    expect(refusalWithDetails(changePriority, owned(), { actor: gina, priority: 'extreme' as never })).toEqual(invalid('priority must be one of low, normal, high, urgent', 'priority'));
    expect(refusal(changePriority, owned(), { actor: gina, priority: 'normal' })).toEqual({ type: 'IllegalTransition', message: 'the priority is already normal' });
    const s = owned();
    const port = recordingEffects();
    changePriority.apply(s, AT, { actor: gina, priority: 'high' }, port);
    expect([s.priority, s.version, port.effects.at(-1)]).toEqual(['high', 2, RECORD]);
  });

  it('details: a product or a subject (either alone), the subject bounded', () => {
    expect(refusalWithDetails(updateCaseDetails, closedCase(), { actor: gina, subject: 'x' })).toEqual(illegalOnClosed('change it'));
    expect(refusalWithDetails(updateCaseDetails, owned(), { actor: gina })).toEqual(invalid('give a productId or a subject', 'productId'));
    expect(refusalWithDetails(updateCaseDetails, owned(), { actor: gina, subject: 'Printing' })).toBeNull();
    expect(refusalWithDetails(updateCaseDetails, owned(), { actor: gina, productId: 'p1' })).toBeNull();
    expect(refusalWithDetails(updateCaseDetails, owned(), { actor: gina, subject: null })).toBeNull();
    expect(refusalWithDetails(updateCaseDetails, owned(), { actor: gina, subject: 'x'.repeat(201) })).toEqual(invalid('subject must be at most 200 characters', 'subject'));
    const s = owned();
    const port = recordingEffects();
    updateCaseDetails.apply(s, AT, { actor: gina, subject: 'Printing' }, port);
    expect([s.subject, s.productId, port.effects]).toEqual(['Printing', null, [RECORD]]);
  });
});

describe('work items: refusals and effects', () => {
  const owned = () => newCase({ ownerUserId: 'gina' });
  const call = { type: 'phone_call' as const, subject: 'Called back', body: 'Fixed the driver', direction: 'outbound' as const, minutesSpent: 12, open: false, dueAt: null };

  it('add an activity: the exact refusals', () => {
    expect(refusalWithDetails(addActivity, closedCase(), { actor: gina, ...call })).toEqual(illegalOnClosed('log an activity'));
    expect(refusalWithDetails(addActivity, owned(), { actor: gina, ...call, type: 'fax' as never })).toEqual(invalid('type must be one of phone_call, email, task, appointment, note', 'type'));
    expect(refusalWithDetails(addActivity, owned(), { actor: gina, ...call, subject: ' ' })).toEqual(invalid('subject must not be empty', 'subject'));
    expect(refusalWithDetails(addActivity, owned(), { actor: gina, ...call, subject: 's'.repeat(201) })).toEqual(invalid('subject must be at most 200 characters', 'subject'));
    expect(refusalWithDetails(addActivity, owned(), { actor: gina, ...call, body: 'x'.repeat(10_000) })).toBeNull();
    expect(refusalWithDetails(addActivity, owned(), { actor: gina, ...call, body: 'x'.repeat(10_001) })).toEqual(invalid('body must be at most 10000 characters', 'body'));
    expect(refusalWithDetails(addActivity, owned(), { actor: gina, ...call, body: undefined as never })).toEqual(invalid('body must be at most 10000 characters', 'body'));
  });

  it('an outbound call, logged done, is the first response', () => {
    const s = owned();
    const port = recordingEffects();
    addActivity.apply(s, AT, { actor: gina, ...call }, port);
    const activity = s.activities.at(-1)!;
    expect(activity).toEqual({
      id: FIXED_UUID,
      type: 'phone_call', subject: 'Called back', body: 'Fixed the driver', direction: 'outbound', state: 'closed', minutesSpent: 12, dueAt: null, createdAt: AT, closedAt: AT, createdByUserId: 'gina',
    });
    expect(s.firstRespondedAt).toBe(AT);
    expect(s.kpis.map((k) => [k.kpi, k.status])).toEqual([['first_response', 'succeeded'], ['resolve', 'in_progress']]);
    expect(port.effects).toEqual([{ kind: 'activity', activity }, { kind: 'kpi', kpi: 'first_response' }, RECORD]);
  });

  it('an inbound call, an outbound email or a call still planned is no first response', () => {
    for (const command of [{ ...call, direction: 'inbound' as const }, { ...call, type: 'email' as const }, { ...call, open: true, dueAt: '2030-03-05T10:00:00.000Z' }]) {
      const s = owned();
      const port = recordingEffects();
      addActivity.apply(s, AT, { actor: gina, ...command }, port);
      expect(s.firstRespondedAt).toBeNull();
      expect(port.effects.map((e) => e.kind)).toEqual(['activity', 'record']);
    }
  });

  it('an open task stays to do, with its due date', () => {
    const s = owned();
    addActivity.apply(s, AT, { actor: gina, type: 'task', subject: 'Call back', body: '', direction: null, minutesSpent: 0, open: true, dueAt: '2030-03-05T10:00:00.000Z' }, recordingEffects());
    expect(s.activities.at(-1)).toMatchObject({ state: 'open', closedAt: null, dueAt: '2030-03-05T10:00:00.000Z' });
    addActivity.apply(s, AT, { actor: gina, type: 'note', subject: 'Noted', body: '', direction: null, minutesSpent: 0, open: false, dueAt: null }, recordingEffects());
    expect(s.activities.at(-1)).toMatchObject({ state: 'closed', closedAt: AT, dueAt: null });
  });

  it('complete an activity: the exact refusals; the right one closes, its minutes kept', () => {
    const task = (id: string, subject: string) => ({ id, type: 'task' as const, subject, body: '', direction: null, state: 'open' as const, minutesSpent: 4, dueAt: null, createdAt: AT, closedAt: null, createdByUserId: 'gina' });
    const s = owned();
    s.activities.push(task('a1', 'First'), task('a2', 'Second'));
    expect(refusalWithDetails(completeActivity, { ...s, status: 'resolved' }, { actor: gina, activityId: 'a1' })).toEqual(illegalOnClosed('complete an activity'));
    expect(refusalWithDetails(completeActivity, s, { actor: gina, activityId: 'a9' })).toEqual(invalid('the case has no activity a9', 'activityId'));
    expect(refusalWithDetails(completeActivity, s, { actor: gina, activityId: 'a1', minutesSpent: 1441 })).toEqual(invalid('minutesSpent must be a whole number from 0 to 1440', 'minutesSpent'));
    const port = recordingEffects();
    completeActivity.apply(s, AT, { actor: gina, activityId: 'a2' }, port);
    const closed = { ...task('a2', 'Second'), state: 'closed', closedAt: AT };
    expect(s.activities).toEqual([task('a1', 'First'), closed]);
    expect(port.effects).toEqual([{ kind: 'activity', activity: closed }, RECORD]);
  });

  it('link articles: the exact refusals; two articles make two links', () => {
    const link = { actor: gina, articleId: 'k1', articleNumber: 'KA-01001', title: 'Printers', sendToCustomer: false };
    expect(refusalWithDetails(linkArticle, closedCase(), link)).toEqual(illegalOnClosed('link an article'));
    expect(refusalWithDetails(linkArticle, owned(), { ...link, articleId: '' })).toEqual(invalid('articleId must not be empty', 'articleId'));
    expect(refusalWithDetails(linkArticle, owned(), { ...link, articleNumber: '' })).toEqual(invalid('articleNumber must not be empty', 'articleNumber'));
    const s = owned();
    const port = recordingEffects();
    linkArticle.apply(s, AT, link, port);
    linkArticle.apply(s, AT, { ...link, articleId: 'k2', articleNumber: 'KA-01002', title: 'Drivers', sendToCustomer: true }, port);
    expect(s.linkedArticles).toEqual([
      { articleId: 'k1', articleNumber: 'KA-01001', title: 'Printers', sentToCustomer: false },
      { articleId: 'k2', articleNumber: 'KA-01002', title: 'Drivers', sentToCustomer: true },
    ]);
    expect(port.effects).toEqual([
      { kind: 'article', input: { caseNumber: 'CAS-01000', articleId: 'k1', linkedByUserId: 'gina', linkedAt: AT, sendToCustomer: false } },
      RECORD,
      { kind: 'article', input: { caseNumber: 'CAS-01000', articleId: 'k2', linkedByUserId: 'gina', linkedAt: AT, sendToCustomer: true } },
      RECORD,
    ]);
  });

  it('a knowledge search: the exact refusals; the case remembers it', () => {
    expect(refusalWithDetails(recordKnowledgeSearch, closedCase(), { actor: gina, query: 'printer' })).toEqual(illegalOnClosed('record a search'));
    expect(refusalWithDetails(recordKnowledgeSearch, owned(), { actor: gina, query: '' })).toEqual(invalid('query must not be empty', 'query'));
    const s = owned();
    const port = recordingEffects();
    recordKnowledgeSearch.apply(s, AT, { actor: gina, query: 'printer' }, port);
    expect([s.knowledgeSearched, port.effects]).toEqual([true, [RECORD]]);
  });

  it('reply: the exact refusals; an email to the customer that meets the first response KPI', () => {
    expect(refusalWithDetails(replyToCustomer, closedCase(), { actor: gina, text: 'Hi' })).toEqual(illegalOnClosed('reply'));
    expect(refusalWithDetails(replyToCustomer, owned(), { actor: gina, text: '' })).toEqual(invalid('text must not be empty', 'text'));
    const s = owned();
    const port = recordingEffects();
    replyToCustomer.apply(s, AT, { actor: gina, text: 'Try the new driver' }, port);
    const activity = s.activities.at(-1)!;
    expect(activity).toEqual({
      id: FIXED_UUID,
      type: 'email', subject: 'Re: Printer offline', body: 'Try the new driver', direction: 'outbound', state: 'closed', minutesSpent: 0, dueAt: null, createdAt: AT, closedAt: AT, createdByUserId: 'gina',
    });
    expect(s.firstRespondedAt).toBe(AT);
    expect(port.effects).toEqual([
      { kind: 'activity', activity },
      notify(`reply:${activity.id}`, 'agent_reply', { customer: true }, { text: 'Try the new driver', from: 'gina' }),
      { kind: 'kpi', kpi: 'first_response' },
      RECORD,
    ]);
    // A second reply is no new first response; a long title is cut to the subject's 200 characters.
    const long = newCase({ ownerUserId: 'gina', opening: { ...newCase().opening, title: 't'.repeat(250) } });
    long.firstRespondedAt = AT;
    const again = recordingEffects();
    replyToCustomer.apply(long, '2030-03-04T11:00:00.000Z', { actor: gina, text: 'More', minutesSpent: 9 }, again);
    expect(long.activities.at(-1)).toMatchObject({ subject: `Re: ${'t'.repeat(196)}`, minutesSpent: 9 });
    expect([long.firstRespondedAt, again.effects.map((e) => e.kind)]).toEqual([AT, ['activity', 'notify', 'record']]);
  });
});

describe('the process flow: refusals and effects', () => {
  const owned = () => newCase({ ownerUserId: 'gina' });

  it('complete a step: the exact refusals', () => {
    expect(refusalWithDetails(completeStep, closedCase(), { actor: gina, stepId: 'customer_confirmed' })).toEqual(illegalOnClosed('complete a step'));
    expect(refusalWithDetails(completeStep, owned(), { actor: gina, stepId: 'nope' as never })).toEqual(invalid('stepId must be one of customer_confirmed, product_and_category_set, research_done, resolution_entered', 'stepId'));
    expect(refusalWithDetails(completeStep, owned(), { actor: gina, stepId: 'product_and_category_set' })).toEqual(invalid('"Product and category set" completes by itself (from the case details)', 'stepId'));
    expect(refusalWithDetails(completeStep, owned(), { actor: gina, stepId: 'resolution_entered' })).toEqual(invalid('"Resolution text and type" completes by itself (by resolving)', 'stepId'));
    expect(refusalWithDetails(completeStep, owned(), { actor: gina, stepId: 'customer_confirmed' })).toBeNull();
    const s = owned();
    const port = recordingEffects();
    completeStep.apply(s, AT, { actor: gina, stepId: 'customer_confirmed' }, port);
    expect([s.tickedSteps, port.effects]).toEqual([['customer_confirmed'], [RECORD]]);
    expect(refusal(completeStep, s, { actor: gina, stepId: 'customer_confirmed' })).toEqual({ type: 'IllegalTransition', message: '"Customer confirmed" is already complete' });
  });

  it('advance: the exact refusals, listing the missing steps', () => {
    expect(refusalWithDetails(advanceStage, closedCase(), { actor: gina })).toEqual(illegalOnClosed('advance the stage'));
    expect(refusalWithDetails(advanceStage, owned(), { actor: gina })).toEqual({
      type: 'IllegalTransition',
      message: 'Identify is not finished: Customer confirmed; Product and category set',
      details: [{ missingSteps: ['customer_confirmed', 'product_and_category_set'] }],
    });
    expect(refusal(advanceStage, newCase({ ownerUserId: 'gina', stage: 'resolve' }), { actor: gina })).toEqual({ type: 'IllegalTransition', message: 'Resolve is the last stage: resolve the case' });
    const s = newCase({ ownerUserId: 'gina', tickedSteps: ['customer_confirmed'], productId: 'p1', subject: 'Printing' });
    const port = recordingEffects();
    advanceStage.apply(s, AT, { actor: gina }, port);
    expect([s.stage, port.effects]).toEqual(['research', [RECORD]]);
  });
});

describe('resolution, cancellation, reopening: refusals and effects', () => {
  const resolve = { actor: gina, resolutionText: 'Fixed', resolutionType: 'problem_solved' as const };
  const inResolve = () => newCase({ ownerUserId: 'gina', stage: 'resolve' });
  const closedTask = (id: string, minutesSpent: number) => ({ id, type: 'task' as const, subject: id, body: '', direction: null, state: 'closed' as const, minutesSpent, dueAt: null, createdAt: AT, closedAt: AT, createdByUserId: 'gina' });

  it('resolve: the exact refusals', () => {
    expect(refusalWithDetails(resolveCase, newCase({ ownerUserId: 'gina', stage: 'resolve', status: 'resolved' }), resolve)).toEqual(illegalOnClosed('resolve'));
    expect(refusal(resolveCase, newCase({ stage: 'resolve' }), resolve)?.message).toBe("only the case's owner or a supervisor may resolve it (accept the case first)");
    expect(refusalWithDetails(resolveCase, newCase({ ownerUserId: 'gina' }), resolve)).toEqual({ type: 'IllegalTransition', message: 'the case is in Identify: advance it to Resolve first', details: [{ stage: 'identify' }] });
    const withTasks = inResolve();
    withTasks.activities.push({ ...closedTask('a1', 0), subject: 'Call back', state: 'open', closedAt: null }, { ...closedTask('a2', 0), subject: 'Order part', state: 'open', closedAt: null });
    expect(refusalWithDetails(resolveCase, withTasks, resolve)).toEqual({
      type: 'IllegalTransition',
      message: 'complete the open activities first: "Call back", "Order part"',
      details: [{ openActivities: [{ id: 'a1', subject: 'Call back', type: 'task' }, { id: 'a2', subject: 'Order part', type: 'task' }] }],
    });
    expect(refusalWithDetails(resolveCase, inResolve(), { ...resolve, resolutionText: ' ' })).toEqual(invalid('resolutionText must not be empty', 'resolutionText'));
    expect(refusalWithDetails(resolveCase, inResolve(), { ...resolve, resolutionType: 'magic' as never })).toEqual(invalid('resolutionType must be one of problem_solved, information_provided, workaround', 'resolutionType'));
  });

  it('resolve: an episode, the minutes charged once, clocks met, the survey sent', () => {
    const s = inResolve();
    s.activities.push(closedTask('a1', 30), closedTask('a2', 12));
    const port = recordingEffects();
    resolveCase.apply(s, AT, resolve, port);
    expect([s.episode, s.chargedMinutes, s.status, s.statusReason]).toEqual([1, 42, 'resolved', 'problem_solved']);
    expect(s.resolution).toEqual({ episode: 1, text: 'Fixed', type: 'problem_solved', resolvedAt: AT, byUserId: 'gina', totalMinutesSpent: 42 });
    expect(s.kpis.map((k) => k.status)).toEqual(['succeeded', 'succeeded']);
    expect(s.closesAt).toBe(plus(AT, DEFAULT_CASE_SETTINGS.reopenWindowMinutes));
    const expiresAt = plus(AT, DEFAULT_CASE_SETTINGS.surveyResponseMinutes);
    expect(s.survey).toEqual({ episode: 1, sentAt: AT, expiresAt, answeredAt: null, rating: null, expired: false });
    expect(port.effects).toEqual([
      { kind: 'kpi', kpi: 'first_response' },
      { kind: 'kpi', kpi: 'resolve' },
      {
        kind: 'resolution',
        input: {
          caseNumber: 'CAS-01000', episode: 1, resolutionActivityId: FIXED_UUID, resolutionText: 'Fixed', resolutionType: 'problem_solved',
          totalMinutesSpent: 42, resolvedAt: AT, resolvedByUserId: 'gina', charge: { entitlementId: 'ent-minutes', channel: 'email', terms: 42 },
        },
      },
      notify('resolved:1', 'status_change', { customer: true }, { status: 'resolved', text: 'Fixed', resolutionType: 'problem_solved' }),
      { kind: 'survey', input: { caseNumber: 'CAS-01000', episode: 1, channel: 'email', sentAt: AT, expiresAt } },
      RECORD,
    ]);

    // Reopened and resolved again: only the minutes logged since are charged.
    reopenCase.apply(s, AT, { actor: gina, reason: 'again' }, recordingEffects());
    s.activities.push(closedTask('a3', 10));
    const second = recordingEffects();
    resolveCase.apply(s, '2030-03-05T10:00:00.000Z', { ...resolve, resolutionType: 'workaround' }, second);
    expect([s.episode, s.chargedMinutes, s.resolution?.totalMinutesSpent]).toEqual([2, 52, 52]);
    expect(second.effects.find((e) => e.kind === 'resolution')).toMatchObject({ input: { episode: 2, charge: { terms: 10 } } });
  });

  it('resolve: a per-case entitlement is charged one case, the first time only', () => {
    const s = newCase({ ownerUserId: 'gina', stage: 'resolve', entitlement: { kind: 'entitled', entitlementId: 'ent-cases', allocationType: 'cases', slaPolicyId: 'sla-gold' } });
    s.activities.push(closedTask('a1', 30));
    const port = recordingEffects();
    resolveCase.apply(s, AT, resolve, port);
    expect(s.chargedMinutes).toBe(0);
    expect(port.effects.find((e) => e.kind === 'resolution')).toMatchObject({ input: { charge: { entitlementId: 'ent-cases', terms: 1 } } });
    const none = newCase({ ownerUserId: 'gina', stage: 'resolve', entitlement: { kind: 'none' } });
    const uncharged = recordingEffects();
    resolveCase.apply(none, AT, resolve, uncharged);
    expect(uncharged.effects.find((e) => e.kind === 'resolution')).toMatchObject({ input: { charge: null } });
  });

  it('cancel: the exact refusals; clocks cancelled, the customer and the workers told', () => {
    expect(refusalWithDetails(cancelCase, newCase({ status: 'cancelled' }), { actor: alice, reason: 'x' })).toEqual(illegalOnClosed('cancel', 'cancelled'));
    expect(refusal(cancelCase, newCase(), { actor: stranger, reason: 'x' })).toEqual({ type: 'NotAllowed', message: "only the customer, the case's owner or a supervisor may cancel it" });
    expect(refusalWithDetails(cancelCase, newCase(), { actor: alice, reason: '' })).toEqual(invalid('reason must not be empty', 'reason'));
    expect(refusalWithDetails(cancelCase, newCase(), { actor: alice, reason: 'x'.repeat(1_001) })).toEqual(invalid('reason must be at most 1000 characters', 'reason'));
    const s = newCase();
    const port = recordingEffects();
    cancelCase.apply(s, AT, { actor: alice, reason: 'solved' }, port);
    expect([s.status, s.statusReason]).toEqual(['cancelled', 'solved']);
    expect(port.effects).toEqual([
      { kind: 'kpi', kpi: 'first_response' },
      { kind: 'kpi', kpi: 'resolve' },
      notify('status:2', 'status_change', { customer: true, queueId: GOLD_QUEUE }, { status: 'cancelled', reason: 'solved' }),
      RECORD,
    ]);
  });

  it('reopen: the exact refusals; active again, the workers told', () => {
    expect(refusalWithDetails(reopenCase, newCase(), { actor: alice, reason: 'x' })).toEqual({ type: 'IllegalTransition', message: 'only a resolved or cancelled case can be reopened (it is active)', details: [{ status: 'active' }] });
    expect(refusal(reopenCase, newCase({ status: 'cancelled' }), { actor: alice, reason: 'x' })).toBeNull();
    expect(refusal(reopenCase, newCase({ status: 'resolved' }), { actor: gina, reason: 'x' })).toBeNull();
    expect(refusal(reopenCase, newCase({ status: 'resolved' }), { actor: stranger, reason: 'x' })).toEqual({ type: 'NotAllowed', message: "only the customer or the case's agents may reopen it" });
    expect(refusalWithDetails(reopenCase, newCase({ status: 'resolved' }), { actor: alice, reason: '' })).toEqual(invalid('reason must not be empty', 'reason'));
    const s = inResolve();
    resolveCase.apply(s, AT, resolve, recordingEffects());
    const port = recordingEffects();
    reopenCase.apply(s, AT, { actor: alice, reason: 'still broken' }, port);
    expect([s.status, s.statusReason, s.resolution, s.closesAt]).toEqual(['active', 'reopened: still broken', null, null]);
    expect(port.effects).toEqual([notify('reopen:3', 'status_change', { userIds: ['gina'] }, { status: 'reopened', reason: 'still broken', at: AT }), RECORD]);
  });
});

describe('the customer: refusals and effects', () => {
  it('notes: the exact refusals; staff may add one too', () => {
    expect(refusal(addCustomerNote, newCase({ status: 'closed' }), { actor: alice, text: 'x' })).toEqual({ type: 'IllegalTransition', message: 'the case is closed; open a new case' });
    expect(refusal(addCustomerNote, newCase(), { actor: stranger, text: 'x' })).toEqual({ type: 'NotAllowed', message: 'only the customer may add information this way' });
    expect(refusal(addCustomerNote, newCase(), { actor: gina, text: 'x' })).toBeNull();
    expect(refusalWithDetails(addCustomerNote, newCase(), { actor: alice, text: '' })).toEqual(invalid('text must not be empty', 'text'));
  });

  it('a note from the customer is logged and the workers told; a case waiting for the customer resumes', () => {
    const s = newCase();
    const port = recordingEffects();
    addCustomerNote.apply(s, AT, { actor: alice, text: 'Model X200' }, port);
    const activity = s.activities.at(-1)!;
    expect(activity).toEqual({
      id: FIXED_UUID,
      type: 'note', subject: 'Information from the customer', body: 'Model X200', direction: 'inbound', state: 'closed', minutesSpent: 0, dueAt: null, createdAt: AT, closedAt: AT, createdByUserId: 'alice',
    });
    expect([s.status, s.statusReason]).toEqual(['active', 'new']);
    expect(port.effects).toEqual([
      { kind: 'activity', activity },
      notify(`note:${activity.id}`, 'status_change', { queueId: GOLD_QUEUE }, { status: 'customer_note', text: 'Model X200' }),
      RECORD,
    ]);

    const waiting = newCase({ ownerUserId: 'gina' });
    holdCase.apply(waiting, AT, { actor: gina, status: 'waiting_for_customer', reason: 'asked for the model' }, recordingEffects());
    const resumed = recordingEffects();
    addCustomerNote.apply(waiting, AT, { actor: alice, text: 'Model X200' }, resumed);
    expect([waiting.status, waiting.statusReason]).toEqual(['active', 'customer replied']);
    expect(waiting.kpis.map((k) => k.status)).toEqual(['in_progress', 'in_progress']);
    expect(resumed.effects.map((e) => (e.kind === 'kpi' ? e.kpi : e.kind))).toEqual(['activity', 'first_response', 'resolve', 'notify', 'record']);
    expect(resumed.effects[3]).toMatchObject({ input: { audience: { userIds: ['gina'] } } });

    const onHold = newCase({ ownerUserId: 'gina', status: 'on_hold', statusReason: 'parts' });
    addCustomerNote.apply(onHold, AT, { actor: alice, text: 'Any news?' }, recordingEffects());
    expect([onHold.status, onHold.statusReason]).toEqual(['on_hold', 'parts']);
  });

  it('survey: the exact refusals and the bounds', () => {
    const survey = { episode: 1, sentAt: AT, expiresAt: '2030-03-11T10:00:00.000Z', answeredAt: null, rating: null, expired: false };
    const sent = () => newCase({ status: 'resolved', survey });
    const answer = { actor: alice, rating: 5, comment: '' };
    expect(refusal(answerSurvey, sent(), { ...answer, actor: gina })).toEqual({ type: 'NotAllowed', message: 'only the customer may answer the survey' });
    expect(refusal(answerSurvey, newCase(), answer)).toEqual({ type: 'IllegalTransition', message: 'no survey has been sent for this case' });
    expect(refusal(answerSurvey, newCase({ survey: { ...survey, answeredAt: AT, rating: 4 } }), answer)).toEqual({ type: 'IllegalTransition', message: 'the survey has already been answered' });
    expect(refusal(answerSurvey, newCase({ survey: { ...survey, expired: true } }), answer)).toEqual({ type: 'IllegalTransition', message: 'the survey has expired' });
    for (const rating of [0, 6, 4.5]) expect(refusalWithDetails(answerSurvey, sent(), { ...answer, rating })).toEqual(invalid('rating must be a whole number from 1 to 5', 'rating'));
    for (const rating of [1, 5]) expect(refusal(answerSurvey, sent(), { ...answer, rating })).toBeNull();
    expect(refusal(answerSurvey, sent(), { ...answer, comment: 'x'.repeat(2_000) })).toBeNull();
    for (const comment of ['x'.repeat(2_001), undefined as never]) {
      expect(refusalWithDetails(answerSurvey, sent(), { ...answer, comment })).toEqual(invalid('comment must be at most 2000 characters', 'comment'));
    }
  });
});
