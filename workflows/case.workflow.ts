import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  ActivityFailure,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CaseActivities } from '../activities';
import { isManager, isStaff, type Actor } from '../domain/actor';
import { PRIORITIES, type CaseOpening, type Priority } from '../domain/case';
import { ACTIVITY_TYPES, HOLD_STATUSES, RESOLUTION_TYPES } from '../domain/case-commands';
import type { SlaKpiName } from '../domain/case-context';
import { canWorkCase, isCaseCustomer, isOwner, isQueueMember } from '../domain/case-permissions';
import { termsToConsume } from '../domain/entitlement';
import { missingSteps, nextStage, stepDefinition, stageDefinition, STEP_IDS } from '../domain/process-flow';
import {
  cancelClock,
  dueEvents,
  markEvent,
  nextWakeUp,
  pauseClock,
  resumeClock,
  retargetClock,
  succeedClock,
  type KpiClock,
  type KpiEvent,
} from '../domain/sla-clock';
import {
  accessFacts,
  caseSnapshot,
  caseView,
  DEFAULT_CASE_SETTINGS,
  openActivities,
  openCaseState,
  stepFacts,
  targetFor,
  type CaseActivityItem,
  type CaseSettings,
  type CaseState,
  type CaseView,
} from './case-state';
import * as messages from './messages';
import { refuse } from './refusals';

const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** A new case, or one carried over by continue-as-new. */
export type CaseWorkflowInput =
  | { readonly kind: 'open'; readonly opening: CaseOpening; readonly settings?: Partial<CaseSettings> }
  | { readonly kind: 'continued'; readonly state: CaseState };

/** A side effect decided by the workflow, performed in order by the main loop through an activity. */
type Effect =
  | { readonly kind: 'record' }
  | { readonly kind: 'kpi'; readonly kpi: SlaKpiName }
  | { readonly kind: 'activity'; readonly activity: CaseActivityItem }
  | { readonly kind: 'notify'; readonly input: NotificationInput }
  | { readonly kind: 'resolution'; readonly input: Parameters<CaseActivities['applyResolution']>[0] }
  | { readonly kind: 'survey'; readonly input: Parameters<CaseActivities['sendSurvey']>[0] }
  | { readonly kind: 'surveyResponse'; readonly input: Parameters<CaseActivities['recordSurveyResponse']>[0] }
  | { readonly kind: 'article'; readonly input: Parameters<CaseActivities['linkArticle']>[0] };

/**
 * Changes to running logic, each behind patched() (README: changing the workflow). When no run
 * older than a patch remains, switch it to deprecatePatch(), then remove it.
 */
const PATCHES = {
  /** The customer hears (email, chat) when an agent takes the case. */
  customerToldOnAccept: 'customer-told-on-accept',
} as const;

type NotificationInput = Parameters<CaseActivities['enqueueNotification']>[0];
type NotificationKind = NotificationInput['kind'];
type NotificationAudience = NotificationInput['audience'];

const now = (): string => new Date().toISOString();
const plusMinutes = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/**
 * One workflow per case, from opening until it closes: entitlement, routing and SLA decided at
 * opening; the process flow and queue operations as Updates; SLA warning and failure as timers;
 * resolution charging the entitlement once; the survey; the reopen window; then completion.
 */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const workflowId = workflowInfo().workflowId;
  let state: CaseState | undefined = input.kind === 'continued' ? input.state : undefined;
  const pending: Effect[] = [];
  let flushedVersion = state?.version ?? 0;

  const ready = (): CaseState => state ?? refuse('NotReady', 'the case is still being opened; try again in a moment');

  function enqueue(effect: Effect): void {
    // A pending record or KPI write snapshots the state when it runs: one is enough.
    if (effect.kind === 'record' && pending.some((e) => e.kind === 'record')) return;
    if (effect.kind === 'kpi' && pending.some((e) => e.kind === 'kpi' && e.kpi === effect.kpi)) return;
    pending.push(effect);
  }

  function changed(s: CaseState): void {
    s.version += 1;
    enqueue({ kind: 'record' });
  }

  function updateKpis(s: CaseState, update: (clock: KpiClock) => KpiClock): void {
    s.kpis = s.kpis.map((clock) => {
      const next = update(clock);
      if (next !== clock) enqueue({ kind: 'kpi', kpi: clock.kpi });
      return next;
    });
  }

  function notify(s: CaseState, key: string, kind: NotificationKind, audience: NotificationAudience, payload: Record<string, unknown>): void {
    enqueue({
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

  /** The owner if there is one, else the queue's members. */
  function workers(s: CaseState): NotificationAudience {
    return s.ownerUserId ? { userIds: [s.ownerUserId] } : { queueId: s.queueId };
  }

  async function perform(s: CaseState, effect: Effect): Promise<void> {
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
      case 'activity':
        return activities.recordCaseActivity({ caseNumber: s.opening.caseNumber, activityId: effect.activity.id, ...withoutId(effect.activity) });
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

  async function flush(): Promise<void> {
    const s = state;
    if (!s) return;
    while (pending.length > 0) {
      const effect = pending[0]!;
      try {
        await perform(s, effect);
      } catch (error) {
        // Retryable failures are retried for ever by the activity's policy; what arrives here was
        // refused for good (bad data). It is in the history as a failed activity; the case goes on.
        if (!(error instanceof ActivityFailure)) throw error;
        log.error('effect refused permanently', { effect: effect.kind, error: error.cause?.message ?? error.message });
      }
      pending.shift();
    }
    flushedVersion = s.version;
  }

  /** Lets every running Update finish: they wait for their changes to be recorded. */
  async function drain(): Promise<void> {
    for (;;) {
      await flush();
      if (allHandlersFinished() && pending.length === 0) return;
      await condition(() => pending.length > 0 || allHandlersFinished());
    }
  }

  /** Runs an action: validator first (nothing in history if refused), then the change, then waits until it is recorded. */
  function handle<Command extends { readonly actor: Actor }>(
    definition: UpdateDefinition<CaseView, [Command]>,
    validate: (s: CaseState, command: Command) => void,
    apply: (s: CaseState, at: string, command: Command) => void,
  ): void {
    setHandler(
      definition,
      async (command: Command) => {
        const s = ready();
        apply(s, now(), command);
        const version = s.version;
        await condition(() => flushedVersion >= version);
        return caseView(s, workflowId, now());
      },
      {
        validator: (command: Command) => {
          const s = ready();
          validateActor(command?.actor);
          validate(s, command);
        },
      },
    );
  }

  // ---- guards shared by the handlers -------------------------------------------------------
  const requireOpen = (s: CaseState, action: string): void => {
    if (s.status === 'resolved' || s.status === 'cancelled' || s.status === 'closed') {
      refuse('IllegalTransition', `cannot ${action}: the case is ${s.status}`, { status: s.status });
    }
  };
  const requireWorker = (s: CaseState, actor: Actor, action: string): void => {
    if (!canWorkCase(actor, accessFacts(s))) {
      refuse('NotAllowed', `only the case's owner or a supervisor may ${action}${s.ownerUserId ? '' : ' (accept the case first)'}`);
    }
  };
  const requireText = (value: string, field: string, max = 10_000): void => {
    if (typeof value !== 'string' || value.trim() === '') refuse('InvalidInput', `${field} must not be empty`, { field });
    if (value.length > max) refuse('InvalidInput', `${field} must be at most ${max} characters`, { field });
  };

  // ---- work-queue operations (DOMAIN.md, Holmes CRM) ----------------------------------------
  handle(
    messages.acceptCaseUpdate,
    (s, { actor }) => {
      requireOpen(s, 'accept');
      if (!isQueueMember(actor, accessFacts(s))) refuse('NotAllowed', 'only members of the case\'s queue may accept it');
      if (s.ownerUserId === actor.userId) refuse('IllegalTransition', 'you already work this case');
      if (s.ownerUserId) refuse('IllegalTransition', 'another agent already works this case; a supervisor can yank it');
    },
    (s, _at, { actor }) => {
      s.ownerUserId = actor.userId;
      // Added while cases were running: histories recorded before it replay without the notice.
      if (patched(PATCHES.customerToldOnAccept)) {
        notify(s, `accepted:${s.version + 1}`, 'status_change', { customer: true }, { status: 'accepted', agent: actor.displayName });
      }
      changed(s);
    },
  );

  handle(
    messages.dispatchCaseUpdate,
    (s, { actor, queueId }) => {
      requireOpen(s, 'dispatch');
      requireWorker(s, actor, 'dispatch it');
      requireText(queueId, 'queueId', 100);
    },
    (s, _at, { queueId }) => {
      s.ownerUserId = null;
      s.queueId = queueId;
      changed(s);
    },
  );

  handle(
    messages.rejectCaseUpdate,
    (s, { actor, reason }) => {
      requireOpen(s, 'reject');
      if (!isQueueMember(actor, accessFacts(s))) refuse('NotAllowed', 'only members of the case\'s queue may reject it');
      if (s.ownerUserId) refuse('IllegalTransition', 'the case is being worked; dispatch it back to the queue first');
      if (!s.opening.openedByUserId) refuse('IllegalTransition', 'the case has no creator to return it to');
      requireText(reason, 'reason', 1_000);
    },
    (s, _at, { reason }) => {
      s.queueId = null;
      s.ownerUserId = s.opening.openedByUserId;
      s.statusReason = `rejected: ${reason}`;
      changed(s);
    },
  );

  handle(
    messages.transferCaseUpdate,
    (s, { actor, queueId }) => {
      requireOpen(s, 'transfer');
      const facts = accessFacts(s);
      if (!isQueueMember(actor, facts) && !isOwner(actor, facts) && !isManager(actor)) refuse('NotAllowed', 'only members of the case\'s queue may transfer it');
      requireText(queueId, 'queueId', 100);
      if (queueId === s.queueId) refuse('IllegalTransition', 'the case is already in that queue');
    },
    (s, _at, { queueId }) => {
      s.queueId = queueId;
      s.ownerUserId = null;
      changed(s);
    },
  );

  handle(
    messages.assignCaseUpdate,
    (s, { actor, userId }) => {
      requireOpen(s, 'assign');
      if (!isManager(actor)) refuse('NotAllowed', 'only supervisors and administrators may assign a case');
      requireText(userId, 'userId', 100);
      if (s.ownerUserId === userId) refuse('IllegalTransition', 'the case is already assigned to that person');
    },
    (s, _at, { userId }) => {
      s.ownerUserId = userId;
      changed(s);
    },
  );

  handle(
    messages.yankCaseUpdate,
    (s, { actor }) => {
      requireOpen(s, 'yank');
      if (!isManager(actor)) refuse('NotAllowed', 'only supervisors and administrators may yank a case');
      if (!s.ownerUserId) refuse('IllegalTransition', 'nobody works the case: there is nothing to yank');
    },
    (s) => {
      s.ownerUserId = null;
      changed(s);
    },
  );

  // ---- status, priority, details -------------------------------------------------------------
  handle(
    messages.holdCaseUpdate,
    (s, { actor, status, reason }) => {
      requireOpen(s, 'put it on hold');
      requireWorker(s, actor, 'put it on hold');
      if (!HOLD_STATUSES.includes(status)) refuse('InvalidInput', `status must be one of ${HOLD_STATUSES.join(', ')}`, { field: 'status' });
      if (s.status === status) refuse('IllegalTransition', `the case is already ${status.replaceAll('_', ' ')}`);
      requireText(reason, 'reason', 1_000);
    },
    (s, at, { status, reason }) => {
      s.status = status;
      s.statusReason = reason;
      syncClocks(s, at);
      changed(s);
    },
  );

  handle(
    messages.resumeCaseUpdate,
    (s, { actor }) => {
      requireWorker(s, actor, 'resume it');
      if (s.status !== 'on_hold' && s.status !== 'waiting_for_customer') refuse('IllegalTransition', `only a case on hold or waiting for the customer can resume (it is ${s.status})`);
    },
    (s, at) => {
      s.status = 'active';
      s.statusReason = 'in progress';
      syncClocks(s, at);
      changed(s);
    },
  );

  handle(
    messages.changePriorityUpdate,
    (s, { actor, priority }) => {
      requireOpen(s, 'change its priority');
      requireWorker(s, actor, 'change its priority');
      if (!PRIORITIES.includes(priority)) refuse('InvalidInput', `priority must be one of ${PRIORITIES.join(', ')}`, { field: 'priority' });
      if (priority === s.priority) refuse('IllegalTransition', `the priority is already ${priority}`);
    },
    (s, at, { priority }) => {
      setPriority(s, priority, at);
      changed(s);
    },
  );

  handle(
    messages.updateCaseDetailsUpdate,
    (s, { actor, productId, subject }) => {
      requireOpen(s, 'change it');
      requireWorker(s, actor, 'change it');
      if (productId === undefined && subject === undefined) refuse('InvalidInput', 'give a productId or a subject', { field: 'productId' });
      if (subject !== undefined && subject !== null && subject.length > 200) refuse('InvalidInput', 'subject must be at most 200 characters', { field: 'subject' });
    },
    (s, _at, { productId, subject }) => {
      if (productId !== undefined) s.productId = productId;
      if (subject !== undefined) s.subject = subject;
      changed(s);
    },
  );

  // ---- activities, knowledge, replies --------------------------------------------------------
  handle(
    messages.addActivityUpdate,
    (s, { actor, type, subject, body, minutesSpent }) => {
      requireOpen(s, 'log an activity');
      requireWorker(s, actor, 'log an activity');
      if (!ACTIVITY_TYPES.includes(type)) refuse('InvalidInput', `type must be one of ${ACTIVITY_TYPES.join(', ')}`, { field: 'type' });
      requireText(subject, 'subject', 200);
      if (typeof body !== 'string' || body.length > 10_000) refuse('InvalidInput', 'body must be at most 10000 characters', { field: 'body' });
      requireMinutes(minutesSpent);
    },
    (s, at, command) => {
      const activity: CaseActivityItem = {
        id: uuid4(),
        type: command.type,
        subject: command.subject,
        body: command.body,
        direction: command.direction,
        state: command.open ? 'open' : 'closed',
        minutesSpent: command.minutesSpent,
        dueAt: command.dueAt,
        createdAt: at,
        closedAt: command.open ? null : at,
        createdByUserId: command.actor.userId,
      };
      s.activities.push(activity);
      enqueue({ kind: 'activity', activity });
      // An outbound call logged by an agent is a first response, like a reply.
      if (activity.type === 'phone_call' && activity.direction === 'outbound' && activity.state === 'closed') firstResponse(s, at);
      changed(s);
    },
  );

  handle(
    messages.completeActivityUpdate,
    (s, { actor, activityId, minutesSpent }) => {
      requireOpen(s, 'complete an activity');
      requireWorker(s, actor, 'complete an activity');
      const activity = s.activities.find((a) => a.id === activityId);
      if (!activity) refuse('InvalidInput', `the case has no activity ${activityId}`, { field: 'activityId' });
      if (activity.state === 'closed') refuse('IllegalTransition', `activity "${activity.subject}" is already completed`);
      if (minutesSpent !== undefined) requireMinutes(minutesSpent);
    },
    (s, at, { activityId, minutesSpent }) => {
      const index = s.activities.findIndex((a) => a.id === activityId);
      const activity = s.activities[index]!;
      const closed: CaseActivityItem = { ...activity, state: 'closed', closedAt: at, minutesSpent: minutesSpent ?? activity.minutesSpent };
      s.activities[index] = closed;
      enqueue({ kind: 'activity', activity: closed });
      changed(s);
    },
  );

  handle(
    messages.linkArticleUpdate,
    (s, { actor, articleId, articleNumber }) => {
      requireOpen(s, 'link an article');
      requireWorker(s, actor, 'link an article');
      requireText(articleId, 'articleId', 100);
      requireText(articleNumber, 'articleNumber', 50);
    },
    (s, at, { actor, articleId, articleNumber, title, sendToCustomer }) => {
      const existing = s.linkedArticles.find((a) => a.articleId === articleId);
      if (existing) existing.sentToCustomer ||= sendToCustomer;
      else s.linkedArticles.push({ articleId, articleNumber, title, sentToCustomer: sendToCustomer });
      enqueue({ kind: 'article', input: { caseNumber: s.opening.caseNumber, articleId, linkedByUserId: actor.userId, linkedAt: at, sendToCustomer } });
      changed(s);
    },
  );

  handle(
    messages.recordKnowledgeSearchUpdate,
    (s, { actor, query }) => {
      requireOpen(s, 'record a search');
      requireWorker(s, actor, 'record a search');
      requireText(query, 'query', 500);
    },
    (s) => {
      s.knowledgeSearched = true;
      changed(s);
    },
  );

  handle(
    messages.replyToCustomerUpdate,
    (s, { actor, text, minutesSpent }) => {
      requireOpen(s, 'reply');
      requireWorker(s, actor, 'reply to the customer');
      requireText(text, 'text');
      if (minutesSpent !== undefined) requireMinutes(minutesSpent);
    },
    (s, at, { actor, text, minutesSpent }) => {
      const activity: CaseActivityItem = {
        id: uuid4(),
        type: 'email',
        subject: `Re: ${s.opening.title}`.slice(0, 200),
        body: text,
        direction: 'outbound',
        state: 'closed',
        minutesSpent: minutesSpent ?? 0,
        dueAt: null,
        createdAt: at,
        closedAt: at,
        createdByUserId: actor.userId,
      };
      s.activities.push(activity);
      enqueue({ kind: 'activity', activity });
      notify(s, `reply:${activity.id}`, 'agent_reply', { customer: true }, { text, from: actor.displayName });
      firstResponse(s, at);
      changed(s);
    },
  );

  // ---- the business process flow -------------------------------------------------------------
  handle(
    messages.completeStepUpdate,
    (s, { actor, stepId }) => {
      requireOpen(s, 'complete a step');
      requireWorker(s, actor, 'complete a step');
      if (!STEP_IDS.includes(stepId)) refuse('InvalidInput', `stepId must be one of ${STEP_IDS.join(', ')}`, { field: 'stepId' });
      const step = stepDefinition(stepId);
      if (step.completion !== 'agent') refuse('InvalidInput', `"${step.label}" completes by itself (${step.completion === 'derived' ? 'from the case details' : 'by resolving'})`, { field: 'stepId' });
      if (s.tickedSteps.includes(stepId)) refuse('IllegalTransition', `"${step.label}" is already complete`);
    },
    (s, _at, { stepId }) => {
      s.tickedSteps.push(stepId);
      changed(s);
    },
  );

  handle(
    messages.advanceStageUpdate,
    (s, { actor }) => {
      requireOpen(s, 'advance the stage');
      requireWorker(s, actor, 'advance the stage');
      const next = nextStage(s.stage);
      if (!next) refuse('IllegalTransition', `${stageDefinition(s.stage).label} is the last stage: resolve the case`);
      const missing = missingSteps(s.stage, stepFacts(s), s.tickedSteps);
      if (missing.length > 0) {
        refuse('IllegalTransition', `${stageDefinition(s.stage).label} is not finished: ${missing.map((m) => m.label).join('; ')}`, { missingSteps: missing.map((m) => m.id) });
      }
    },
    (s, at, { actor }) => {
      const next = nextStage(s.stage)!;
      s.stage = next;
      s.stageHistory.push({ stage: next, enteredAt: at, byUserId: actor.userId });
      changed(s);
    },
  );

  // ---- resolution, cancellation, reopening ---------------------------------------------------
  handle(
    messages.resolveCaseUpdate,
    (s, { actor, resolutionText, resolutionType }) => {
      requireOpen(s, 'resolve');
      requireWorker(s, actor, 'resolve it');
      if (s.stage !== 'resolve') refuse('IllegalTransition', `the case is in ${stageDefinition(s.stage).label}: advance it to Resolve first`, { stage: s.stage });
      const open = openActivities(s);
      if (open.length > 0) {
        refuse('IllegalTransition', `complete the open activities first: ${open.map((a) => `"${a.subject}"`).join(', ')}`, { openActivities: open.map((a) => ({ id: a.id, subject: a.subject, type: a.type })) });
      }
      requireText(resolutionText, 'resolutionText');
      if (!RESOLUTION_TYPES.includes(resolutionType)) refuse('InvalidInput', `resolutionType must be one of ${RESOLUTION_TYPES.join(', ')}`, { field: 'resolutionType' });
    },
    (s, at, { actor, resolutionText, resolutionType }) => {
      s.episode += 1;
      const totalMinutesSpent = s.activities.reduce((sum, a) => sum + a.minutesSpent, 0);
      const entitlement = s.entitlement;
      const charge = entitlement.kind === 'entitled'
        ? { entitlementId: entitlement.entitlementId, channel: s.opening.channel, terms: termsToConsume(entitlement.allocationType, s.episode, totalMinutesSpent - s.chargedMinutes) }
        : null;
      if (charge && entitlement.kind === 'entitled' && entitlement.allocationType === 'minutes') s.chargedMinutes += charge.terms;
      s.resolution = { episode: s.episode, text: resolutionText, type: resolutionType, resolvedAt: at, byUserId: actor.userId, totalMinutesSpent };
      s.status = 'resolved';
      s.statusReason = resolutionType;
      const calendar = s.sla?.calendar ?? null;
      updateKpis(s, (clock) => succeedClock(clock.status === 'paused' ? resumeClock(clock, calendar, at) : clock, calendar, at));
      s.closesAt = plusMinutes(at, s.settings.reopenWindowMinutes);
      enqueue({
        kind: 'resolution',
        input: {
          caseNumber: s.opening.caseNumber,
          episode: s.episode,
          resolutionActivityId: uuid4(),
          resolutionText,
          resolutionType,
          totalMinutesSpent,
          resolvedAt: at,
          resolvedByUserId: actor.userId,
          charge,
        },
      });
      const expiresAt = plusMinutes(at, s.settings.surveyResponseMinutes);
      s.survey = { episode: s.episode, sentAt: at, expiresAt, answeredAt: null, rating: null, expired: false };
      enqueue({ kind: 'survey', input: { caseNumber: s.opening.caseNumber, episode: s.episode, channel: s.opening.channel, sentAt: at, expiresAt } });
      changed(s);
    },
  );

  handle(
    messages.cancelCaseUpdate,
    (s, { actor, reason }) => {
      requireOpen(s, 'cancel');
      if (!isCaseCustomer(actor, accessFacts(s)) && !canWorkCase(actor, accessFacts(s))) refuse('NotAllowed', 'only the customer, the case\'s owner or a supervisor may cancel it');
      requireText(reason, 'reason', 1_000);
    },
    (s, at, { reason }) => {
      s.status = 'cancelled';
      s.statusReason = reason;
      const calendar = s.sla?.calendar ?? null;
      updateKpis(s, (clock) => cancelClock(clock, calendar, at));
      s.closesAt = plusMinutes(at, s.settings.reopenWindowMinutes);
      notify(s, `status:${s.version + 1}`, 'status_change', { customer: true, ...workers(s) }, { status: 'cancelled', reason });
      changed(s);
    },
  );

  handle(
    messages.reopenCaseUpdate,
    (s, { actor, reason }) => {
      if (s.status !== 'resolved' && s.status !== 'cancelled') refuse('IllegalTransition', `only a resolved or cancelled case can be reopened (it is ${s.status})`, { status: s.status });
      const facts = accessFacts(s);
      if (!isCaseCustomer(actor, facts) && !canWorkCase(actor, facts) && !isQueueMember(actor, facts)) refuse('NotAllowed', 'only the customer or the case\'s agents may reopen it');
      requireText(reason, 'reason', 1_000);
    },
    (s, at, { reason }) => {
      s.status = 'active';
      s.statusReason = `reopened: ${reason}`;
      s.resolution = null;
      s.closesAt = null;
      // The SLA was judged for the first episode; a reopened case keeps its KPI outcomes (README).
      notify(s, `reopen:${s.version + 1}`, 'status_change', workers(s), { status: 'reopened', reason, at });
      changed(s);
    },
  );

  // ---- the customer ----------------------------------------------------------------------------
  handle(
    messages.addCustomerNoteUpdate,
    (s, { actor, text }) => {
      if (s.status === 'closed') refuse('IllegalTransition', 'the case is closed; open a new case');
      if (!isCaseCustomer(actor, accessFacts(s)) && !isStaff(actor)) refuse('NotAllowed', 'only the customer may add information this way');
      requireText(text, 'text');
    },
    (s, at, { actor, text }) => {
      const activity: CaseActivityItem = {
        id: uuid4(),
        type: 'note',
        subject: 'Information from the customer',
        body: text,
        direction: 'inbound',
        state: 'closed',
        minutesSpent: 0,
        dueAt: null,
        createdAt: at,
        closedAt: at,
        createdByUserId: actor.userId,
      };
      s.activities.push(activity);
      enqueue({ kind: 'activity', activity });
      // A case waiting for the customer resumes when the customer answers.
      if (s.status === 'waiting_for_customer') {
        s.status = 'active';
        s.statusReason = 'customer replied';
        syncClocks(s, at);
      }
      notify(s, `note:${activity.id}`, 'status_change', workers(s), { status: 'customer_note', text });
      changed(s);
    },
  );

  handle(
    messages.answerSurveyUpdate,
    (s, { actor, rating, comment }) => {
      if (!isCaseCustomer(actor, accessFacts(s))) refuse('NotAllowed', 'only the customer may answer the survey');
      if (!s.survey) refuse('IllegalTransition', 'no survey has been sent for this case');
      if (s.survey.answeredAt) refuse('IllegalTransition', 'the survey has already been answered');
      if (s.survey.expired) refuse('IllegalTransition', 'the survey has expired');
      if (!Number.isInteger(rating) || rating < 1 || rating > 5) refuse('InvalidInput', 'rating must be a whole number from 1 to 5', { field: 'rating' });
      if (typeof comment !== 'string' || comment.length > 2_000) refuse('InvalidInput', 'comment must be at most 2000 characters', { field: 'comment' });
    },
    (s, at, { rating, comment }) => {
      const survey = s.survey!;
      s.survey = { ...survey, answeredAt: at, rating };
      enqueue({ kind: 'surveyResponse', input: { caseNumber: s.opening.caseNumber, episode: survey.episode, rating, comment, answeredAt: at } });
      changed(s);
    },
  );

  setHandler(messages.getCaseStateQuery, () => caseView(ready(), workflowId, now()));

  // ---- SLA helpers -----------------------------------------------------------------------------

  /** Pause or resume the clocks to match the status (the policy says which statuses pause). */
  function syncClocks(s: CaseState, at: string): void {
    if (!s.sla) return;
    const calendar = s.sla.calendar;
    const pause = s.sla.pauseOn.includes(s.status);
    updateKpis(s, (clock) => (pause ? pauseClock(clock, calendar, at) : resumeClock(clock, calendar, at)));
  }

  /** First response: the first agent reply to the customer (or outbound call) meets the KPI. */
  function firstResponse(s: CaseState, at: string): void {
    if (s.firstRespondedAt) return;
    s.firstRespondedAt = at;
    const calendar = s.sla?.calendar ?? null;
    updateKpis(s, (clock) => (clock.kpi === 'first_response' ? succeedClock(clock.status === 'paused' ? resumeClock(clock, calendar, at) : clock, calendar, at) : clock));
  }

  function setPriority(s: CaseState, priority: Priority, at: string): void {
    s.priority = priority;
    const calendar = s.sla?.calendar ?? null;
    updateKpis(s, (clock) => {
      const target = targetFor(s, clock.kpi, priority);
      return target ? retargetClock(clock, target, calendar, at) : clock;
    });
  }

  function onKpiEvent(s: CaseState, clock: KpiClock, event: KpiEvent, at: string): void {
    const label = clock.kpi === 'first_response' ? 'first response' : 'resolution';
    const due = clock.failureAt;
    if (event === 'warning') {
      notify(s, `sla:${clock.kpi}:warning:${s.episode}`, 'sla_warning', workers(s), { kpi: clock.kpi, message: `The ${label} of ${s.opening.caseNumber} is due ${due ?? 'soon'}`, dueAt: due, scheduledFor: clock.warningAt, at });
      return;
    }
    notify(s, `sla:${clock.kpi}:failure:${s.episode}`, 'sla_failure', { supervisors: true, ...workers(s) }, { kpi: clock.kpi, message: `The ${label} SLA of ${s.opening.caseNumber} has failed`, scheduledFor: clock.failureAt, at });
    const index = PRIORITIES.indexOf(s.priority);
    if (s.settings.bumpPriorityOnFailure && index < PRIORITIES.length - 1) setPriority(s, PRIORITIES[index + 1]!, at);
  }

  /** Acts on every instant that has come: SLA warnings and failures, survey expiry, closing. */
  function onTime(s: CaseState, at: string): void {
    let touched = false;
    for (const clock of [...s.kpis]) {
      for (const event of dueEvents(clock, at)) {
        s.kpis = s.kpis.map((k) => (k.kpi === clock.kpi ? markEvent(k, event) : k));
        enqueue({ kind: 'kpi', kpi: clock.kpi });
        onKpiEvent(s, clock, event, at);
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
    if (touched) changed(s);
  }

  function surveySettled(s: CaseState): boolean {
    return !s.survey || s.survey.answeredAt !== null || s.survey.expired || s.status === 'cancelled';
  }

  function nextInstant(s: CaseState): string | null {
    const instants = s.kpis.map(nextWakeUp);
    if (s.survey && !s.survey.answeredAt && !s.survey.expired) instants.push(s.survey.expiresAt);
    if (s.closesAt) instants.push(s.closesAt);
    return instants.filter((i): i is string => i !== null).sort()[0] ?? null;
  }

  // ---- opening ----------------------------------------------------------------------------------
  if (input.kind === 'open') {
    const openedAt = new Date(workflowInfo().startTime).toISOString();
    const context = await activities.loadCaseContext({ customer: input.opening.customer, today: openedAt.slice(0, 10) });
    const opened = openCaseState(input.opening, context, { ...DEFAULT_CASE_SETTINGS, ...input.settings }, openedAt);
    state = opened;
    enqueue({ kind: 'record' });
    for (const clock of opened.kpis) enqueue({ kind: 'kpi', kpi: clock.kpi });
    if (opened.entitlement.kind === 'exhausted' || opened.entitlement.kind === 'expired') {
      notify(opened, 'flagged', 'case_flagged', { supervisors: true }, { reason: `entitlement ${opened.entitlement.kind}`, entitlementId: opened.entitlement.entitlementId });
    }
    // Time may have passed while the context loaded (or the worker was down): catch up.
    onTime(opened, now());
  }

  // ---- the main loop: perform effects in order, sleep until the next instant or message ------------
  const s = ready();
  for (;;) {
    await flush();
    if (s.status === 'closed') break;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > s.settings.continueAsNewAfterEvents) {
      await drain();
      return continueAsNew<typeof caseWorkflow>({ kind: 'continued', state: s });
    }
    const next = nextInstant(s);
    const wait = next === null ? null : Date.parse(next) - Date.parse(now());
    if (wait === null) await condition(() => pending.length > 0);
    else if (wait > 0) await condition(() => pending.length > 0, wait);
    onTime(s, now());
  }
  await drain();
  return caseView(s, workflowId, now());
}

function requireMinutes(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) refuse('InvalidInput', 'minutesSpent must be a whole number from 0 to 1440', { field: 'minutesSpent' });
}

function validateActor(actor: Actor | undefined): void {
  if (!actor || typeof actor.userId !== 'string' || !actor.userId) refuse('NotAllowed', 'the action has no authenticated user');
}

function withoutId(activity: CaseActivityItem) {
  const { id: _id, ...rest } = activity;
  return rest;
}
