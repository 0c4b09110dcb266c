import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isStaff, isStaffRole, type Actor } from '../domain/actor';
import type * as Commands from '../domain/case-commands';
import type { CaseRecord, CaseRepository } from '../db/repositories/case.repository';
import type { KnowledgeRepository } from '../db/repositories/knowledge.repository';
import type { QueueRepository } from '../db/repositories/queue.repository';
import type { TakeNextRequestRepository } from '../db/repositories/take-next-request.repository';
import type { UserRepository } from '../db/repositories/user.repository';
import type { CaseView } from '../workflows/case-state';
import * as messages from '../workflows/messages';
import { caseScopeFor } from './case-scope';
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError } from './errors';
import { asUnavailable, NoAnswerInTime } from './unavailable';
import { findUnstorableText } from '../domain/text';
import { isUuid } from '../domain/ids';

/** Each action a channel may ask of a case, with what it carries besides the actor. */
export interface CaseActionPayloads {
  accept: Omit<Commands.AcceptCase, 'actor'>;
  dispatch: Omit<Commands.DispatchCase, 'actor'>;
  reject: Omit<Commands.RejectCase, 'actor'>;
  transfer: Omit<Commands.TransferCase, 'actor'>;
  assign: Omit<Commands.AssignCase, 'actor'>;
  yank: Omit<Commands.YankCase, 'actor'>;
  hold: Omit<Commands.HoldCase, 'actor'>;
  resume: Omit<Commands.ResumeCase, 'actor'>;
  changePriority: Omit<Commands.ChangePriority, 'actor'>;
  updateDetails: Omit<Commands.UpdateCaseDetails, 'actor'>;
  addActivity: Omit<Commands.AddActivity, 'actor'>;
  completeActivity: Omit<Commands.CompleteActivity, 'actor'>;
  /** The article's number and title are looked up; the caller names it by id. */
  linkArticle: { readonly articleId: string; readonly sendToCustomer: boolean };
  recordKnowledgeSearch: Omit<Commands.RecordKnowledgeSearch, 'actor'>;
  reply: Omit<Commands.ReplyToCustomer, 'actor'>;
  completeStep: Omit<Commands.CompleteStep, 'actor'>;
  advanceStage: Omit<Commands.AdvanceStage, 'actor'>;
  resolve: Omit<Commands.ResolveCase, 'actor'>;
  cancel: Omit<Commands.CancelCase, 'actor'>;
  reopen: Omit<Commands.ReopenCase, 'actor'>;
  addCustomerNote: Omit<Commands.AddCustomerNote, 'actor'>;
  answerSurvey: Omit<Commands.AnswerSurvey, 'actor'>;
}
export type CaseAction = keyof CaseActionPayloads;

const UPDATES = {
  accept: messages.acceptCaseUpdate,
  dispatch: messages.dispatchCaseUpdate,
  reject: messages.rejectCaseUpdate,
  transfer: messages.transferCaseUpdate,
  assign: messages.assignCaseUpdate,
  yank: messages.yankCaseUpdate,
  hold: messages.holdCaseUpdate,
  resume: messages.resumeCaseUpdate,
  changePriority: messages.changePriorityUpdate,
  updateDetails: messages.updateCaseDetailsUpdate,
  addActivity: messages.addActivityUpdate,
  completeActivity: messages.completeActivityUpdate,
  linkArticle: messages.linkArticleUpdate,
  recordKnowledgeSearch: messages.recordKnowledgeSearchUpdate,
  reply: messages.replyToCustomerUpdate,
  completeStep: messages.completeStepUpdate,
  advanceStage: messages.advanceStageUpdate,
  resolve: messages.resolveCaseUpdate,
  cancel: messages.cancelCaseUpdate,
  reopen: messages.reopenCaseUpdate,
  addCustomerNote: messages.addCustomerNoteUpdate,
  answerSurvey: messages.answerSurveyUpdate,
} as const satisfies Record<CaseAction, { readonly name: string }>;

export interface CaseWorkDependencies {
  readonly temporal: Client;
  readonly cases: CaseRepository;
  /** The records an action names: the target queue, the assignee, the linked article. */
  readonly queues: Pick<QueueRepository, 'findById' | 'waitingCaseNumbers'>;
  readonly users: Pick<UserRepository, 'findRole'>;
  readonly knowledge: Pick<KnowledgeRepository, 'findPublishedById'>;
  readonly products: { productExists(id: string): Promise<boolean> };
  /** Which case a take-next request (by its Idempotency-Key) took; without it, take next has no key. */
  readonly takeNextRequests?: Pick<TakeNextRequestRepository, 'find' | 'remember'>;
  /** How long an action or a look at the case's state may wait for its workflow; then 503. Default 10 s. */
  readonly answerWithinMs?: number;
}

/**
 * What agents, supervisors and customers do to a case, for every channel: finds the case, hides
 * it from whoever may not see it (not found, nothing leaked), checks what only the records know
 * (the target queue, the assignee, the article), then sends the workflow Update and turns its
 * refusal into a typed error.
 */
/** How many waiting cases take next tries per round before it says nothing waits. */
const TAKE_NEXT_CANDIDATES = 10;

export function createCaseWorkService(deps: CaseWorkDependencies) {
  const answerWithinMs = deps.answerWithinMs ?? 10_000;
  /** Runs a call to the case's workflow with a deadline, so a missing worker means 503, not a hang. */
  const withinDeadline = <T>(call: () => Promise<T>): Promise<T> => deps.temporal.connection.withDeadline(Date.now() + answerWithinMs, call);

  async function visibleCase(caseNumber: string, actor: Actor): Promise<CaseRecord> {
    const record = await deps.cases.findVisible(caseNumber, caseScopeFor(actor));
    if (!record) throw new NotFoundError(`case ${caseNumber} not found`);
    return record;
  }

  /** Checks against the records that the workflow cannot make itself; returns the command to send. */
  async function prepare<A extends CaseAction>(action: A, payload: CaseActionPayloads[A]): Promise<Record<string, unknown>> {
    const command = { ...payload } as Record<string, unknown>;
    const text = (field: string): string => (typeof command[field] === 'string' ? command[field] : '');
    // Text PostgreSQL cannot store would fail the case's writes on every attempt: refuse it here.
    const unstorable = findUnstorableText(command);
    if (unstorable) throw new ValidationError(unstorable.problem, unstorable.field);
    if (action === 'updateDetails' && typeof command.productId === 'string') {
      const productId = command.productId;
      if (!isUuid(productId) || !(await deps.products.productExists(productId))) throw new ValidationError(`no product with id ${productId}`, 'productId');
    }
    if (action === 'transfer' || action === 'dispatch') {
      const queueId = text('queueId');
      const queue = isUuid(queueId) ? await deps.queues.findById(queueId) : undefined;
      if (!queue) throw new ValidationError(`no queue with id ${queueId}`, 'queueId');
    }
    if (action === 'assign') {
      const userId = text('userId');
      const role = isUuid(userId) ? await deps.users.findRole(userId) : undefined;
      if (!role) throw new ValidationError(`no user with id ${userId}`, 'userId');
      if (!isStaffRole(role)) throw new ValidationError('cases can only be assigned to agents, supervisors or administrators', 'userId');
    }
    if (action === 'linkArticle') {
      const articleId = text('articleId');
      const article = isUuid(articleId) ? await deps.knowledge.findPublishedById(articleId) : undefined;
      if (!article) throw new ValidationError(`no published knowledge article with id ${articleId}`, 'articleId');
      command.articleNumber = article.articleNumber;
      command.title = article.title;
    }
    return command;
  }

  const service = {
    /** The case as its workflow sees it now: stage and steps, owner, queue, SLA clocks, open activities. */
    async getState(caseNumber: string, actor: Actor): Promise<CaseView> {
      const record = await visibleCase(caseNumber, actor);
      try {
        return await withinDeadline(() => deps.temporal.workflow.getHandle(record.workflowId).query(messages.getCaseStateQuery));
      } catch (error) {
        const unavailable = asUnavailable(error);
        // A look changes nothing: no "may still take effect" here.
        if (unavailable instanceof NoAnswerInTime) throw new UnavailableError('The case did not answer in time (its worker may be down or busy). Try again shortly.');
        throw unavailable ?? error;
      }
    },

    /** The case's read-model row, if the caller may see it. */
    get: visibleCase,

    /**
     * Take next: accepts the most urgent case waiting in the caller's queues (or in `queueId`, one of
     * them). The candidates come from the read model, which may lag; the accept Update decides, so
     * when two agents race for one case the workflow refuses the second, who gets the next
     * candidate. NotFoundError when nothing waits.
     *
     * With an `idempotencyKey`, the case each candidate is tried under is remembered first and the
     * accept's Update id comes from the key: a retry of a request whose answer was lost asks the
     * remembered case again (Temporal answers a repeated Update id with the first outcome), so it
     * gets the same case rather than taking a second one.
     */
    async takeNext(actor: Actor, queueId?: string, idempotencyKey?: string): Promise<CaseRecord> {
      if (!isStaff(actor)) throw new ForbiddenError('only agents, supervisors and administrators take cases');
      if (queueId !== undefined && !actor.queueIds.includes(queueId)) throw new ValidationError('you are not a member of that queue', 'queueId');
      // Without somewhere to remember the candidate, a key could not bring the same case back: none is used.
      const memory = idempotencyKey !== undefined && deps.takeNextRequests ? { requests: deps.takeNextRequests, key: idempotencyKey } : undefined;
      const take = async (caseNumber: string): Promise<CaseRecord | undefined> => {
        let view: CaseView;
        try {
          view = await service.act(caseNumber, actor, 'accept', {}, memory && `take-next:${memory.key}`);
        } catch (error) {
          // Taken by someone else first, moved, or closed meanwhile: the next one.
          if (error instanceof ConflictError || error instanceof ForbiddenError || error instanceof NotFoundError) return undefined;
          throw error;
        }
        const record = await visibleCase(caseNumber, actor);
        return { ...record, ownerUserId: view.ownerUserId ?? actor.userId, status: view.status };
      };
      const remembered = memory && (await memory.requests.find(actor.userId, memory.key));
      if (remembered) {
        const again = await take(remembered);
        if (again) return again;
      }
      const queueIds = queueId === undefined ? actor.queueIds : [queueId];
      if (queueIds.length === 0) throw new NotFoundError('you are not a member of any queue, so there is nothing to take');
      const tried = new Set<string>(remembered ? [remembered] : []);
      // Two rounds: a candidate lost to another agent is usually still "waiting" in a lagging read model.
      for (let round = 0; round < 2; round++) {
        const candidates = (await deps.queues.waitingCaseNumbers(queueIds, TAKE_NEXT_CANDIDATES)).filter((n) => !tried.has(n));
        for (const caseNumber of candidates) {
          tried.add(caseNumber);
          await memory?.requests.remember(actor.userId, memory.key, caseNumber);
          const taken = await take(caseNumber);
          if (taken) return taken;
        }
        if (candidates.length === 0) break;
      }
      throw new NotFoundError(queueId === undefined ? 'nothing is waiting in your queues' : 'nothing is waiting in that queue');
    },

    /**
     * `idempotencyKey` (the API's Idempotency-Key) becomes the Update's id: Temporal runs an
     * Update once per id within a run, so a retried request adds no second activity or reply.
     */
    async act<A extends CaseAction>(caseNumber: string, actor: Actor, action: A, payload: CaseActionPayloads[A], idempotencyKey?: string): Promise<CaseView> {
      const record = await visibleCase(caseNumber, actor);
      const command = await prepare(action, payload);
      const handle = deps.temporal.workflow.getHandle(record.workflowId);
      try {
        return await withinDeadline(() =>
          handle.executeUpdate<CaseView, [Record<string, unknown>]>(UPDATES[action].name, {
            args: [{ ...command, actor }],
            ...(idempotencyKey ? { updateId: `${actor.userId}:${action}:${idempotencyKey}` } : {}),
          }),
        );
      } catch (error) {
        const unavailable = asUnavailable(error);
        if (unavailable instanceof NoAnswerInTime) {
          throw new UnavailableError(
            `The case did not answer within ${Math.round(answerWithinMs / 1000)} s (its worker may be down). The action may still take effect: ` +
              (idempotencyKey ? 'retrying with the same Idempotency-Key is safe, it cannot happen twice.' : 'look at the case before trying again, or send an Idempotency-Key so a retry is safe.'),
            unavailable.retryAfterSeconds,
            true,
          );
        }
        throw unavailable ?? translate(error, caseNumber);
      }
    },
  };
  return service;
}

export type CaseWorkService = ReturnType<typeof createCaseWorkService>;

function translate(error: unknown, caseNumber: string): Error {
  if (error instanceof WorkflowNotFoundError) return new ConflictError(`case ${caseNumber} is closed: open a new case`);
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const failure = error.cause;
    const details: unknown = failure.details?.[0];
    switch (failure.type) {
      case 'NotAllowed':
        return new ForbiddenError(failure.message);
      case 'InvalidInput': {
        const field = typeof details === 'object' && details !== null && 'field' in details ? String(details.field) : 'body';
        return new ValidationError(failure.message, field);
      }
      case 'IllegalTransition':
        return new ConflictError(failure.message, details);
      case 'NotReady':
        // The case's workflow has not finished opening it (its first task is being retried, e.g.
        // after a worker died mid-task, while the row it wrote is already readable): a moment's
        // wait, not a conflict. A 409 here made clients give up on an action that a retry does
        // (the soak's accept after a worker kill). Nothing was done: a retry is safe.
        return new UnavailableError(`${failure.message.replace(/; try again in a moment$/, '')}: try again in a moment.`, 1);
    }
  }
  // An update to a workflow that has completed (a closed case) fails with this message.
  if (error instanceof Error && /workflow execution already completed/i.test(error.message)) {
    return new ConflictError(`case ${caseNumber} is closed: open a new case`);
  }
  return error instanceof Error ? error : new Error('unexpected failure');
}

