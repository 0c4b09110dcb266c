import { createHash } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { CaseOpening } from '../domain/case';
import type { CaseRecord, CaseRepository } from '../db/repositories/case.repository';
import type { CustomerRepository } from '../db/repositories/customer.repository';
import { caseWorkflowId } from '../domain/case-number';
import type { caseWorkflow } from '../workflows';
import { caseRecordedUpdate } from '../workflows/messages';
import type { CaseSettings } from '../workflows/case-state';
import { NotFoundError, UnavailableError, ValidationError } from './errors';
import { findUnstorableText } from '../domain/text';

/** What a channel sends to open a case: the opening without its number, which is reserved here. */
export type OpenCaseRequest = Omit<CaseOpening, 'caseNumber'>;

export type OpenCaseResult =
  | { readonly state: 'recorded'; readonly case: CaseRecord }
  | { readonly state: 'starting'; readonly caseNumber: string; readonly workflowId: string };

export interface CaseServiceDependencies {
  readonly temporal: Client;
  readonly taskQueue: string;
  readonly caseSettings: CaseSettings;
  readonly cases: CaseRepository;
  readonly customers: CustomerRepository;
  readonly products: { productExists(id: string): Promise<boolean> };
  /** How long openCase waits for the workflow's first write before answering "accepted". */
  readonly recordWaitMs?: number;
  /**
   * How long starting the workflow may take (CASE_ANSWER_TIMEOUT_SECONDS): with Temporal down the
   * client would otherwise retry for about 20 s before the caller hears 503.
   */
  readonly startWithinMs?: number;
}

export function createCaseService(deps: CaseServiceDependencies) {
  const recordWaitMs = deps.recordWaitMs ?? 5_000;
  const startWithinMs = deps.startWithinMs ?? 10_000;

  /** Whether the case's workflow exists (started now, or by an earlier attempt), asked by `deadline`. */
  async function workflowExists(workflowId: string, deadline: number): Promise<boolean> {
    try {
      await deps.temporal.connection.withDeadline(deadline, () => deps.temporal.workflow.getHandle(workflowId).describe());
      return true;
    } catch {
      return false;
    }
  }

  return {
    /**
     * Opens a case: reserves its number for the request id, then starts its workflow (or finds the
     * one a previous attempt started) with an Update that answers once the case is recorded
     * (Update-with-Start: one call, no polling), and returns the row.
     */
    async openCase(request: OpenCaseRequest): Promise<OpenCaseResult> {
      // Everything the workflow will write is checked first: a value the database refuses would
      // fail the case's first write on every attempt, and the case would never appear.
      const unstorable = findUnstorableText({ title: request.title, description: request.description, subject: request.subject });
      if (unstorable) throw new ValidationError(unstorable.problem, unstorable.field);
      if (!(await deps.customers.exists(request.customer))) {
        throw new ValidationError(`no ${request.customer.type} with id ${request.customer.id}`, 'customer.id');
      }
      if (request.productId !== null && !(await deps.products.productExists(request.productId))) {
        throw new ValidationError(`no product with id ${request.productId}`, 'productId');
      }
      const { caseNumber, sameRequest } = await deps.cases.reserve(request.requestId, fingerprintOf(request));
      if (!sameRequest) {
        throw new ValidationError('was already used for a different request: send a new key for a new case (the same key with the same body returns the first case)', 'headers/idempotency-key');
      }
      const workflowId = caseWorkflowId(caseNumber);
      const opening: CaseOpening = { caseNumber, ...request };
      const answerBy = Date.now() + startWithinMs;
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ kind: 'open', opening, settings: deps.caseSettings }],
        // The same request id reaches the same workflow: a repeat waits on the case the first started.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: caseSummary(opening),
      });
      // One id for every attempt: a repeat of a recorded case gets the stored answer, adds no event.
      const recorded = deps.temporal.connection.withDeadline(Date.now() + recordWaitMs, () =>
        deps.temporal.workflow.executeUpdateWithStart(caseRecordedUpdate, { startWorkflowOperation, updateId: 'case-recorded' }),
      );
      recorded.catch(() => undefined);
      try {
        // No answer by the answer timeout (when shorter than the record wait): unless the workflow
        // exists, Temporal is unreachable, and the caller hears so now rather than at the record wait.
        let timer: NodeJS.Timeout | undefined;
        const answerTimeout = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, Math.min(startWithinMs, recordWaitMs), 'late')));
        const first = await Promise.race([recorded, answerTimeout]).finally(() => clearTimeout(timer));
        if (first === 'late' && !(await workflowExists(workflowId, Date.now() + 1_000))) {
          throw new UnavailableError('The workflow service (Temporal) did not answer. Try again shortly: the same Idempotency-Key is safe.', 5, true);
        }
        await recorded;
      } catch (error) {
        // No answer in time, or the case's workflow ran and completed before (a closed case, sent
        // again): the row says which. Without a row, a workflow that exists is still opening the
        // case (no worker, a slow one): the answer is "being opened", never an error that would
        // make a caller without a key open it again. No workflow at all: Temporal is unreachable.
        const record = await deps.cases.findByCaseNumber(caseNumber).catch(() => undefined);
        if (record) return { state: 'recorded', case: record };
        if (error instanceof UnavailableError || !(await workflowExists(workflowId, Math.max(answerBy, Date.now() + 1_000)))) throw error;
        return { state: 'starting', caseNumber, workflowId };
      }
      const record = await deps.cases.findByCaseNumber(caseNumber).catch(() => undefined);
      return record ? { state: 'recorded', case: record } : { state: 'starting', caseNumber, workflowId };
    },

    /**
     * Whether `userId` asked for this case and it is still being opened (its number reserved, no
     * row yet): the 202's Location answers 202 too until the case is recorded, never 404.
     */
    async isStartingFor(caseNumber: string, userId: string): Promise<boolean> {
      const pending = await deps.cases.pendingReservation(caseNumber);
      return pending !== null && pending.requestId.startsWith(`${userId}:`);
    },

    async getCase(caseNumber: string): Promise<CaseRecord> {
      const record = await deps.cases.findByCaseNumber(caseNumber);
      if (!record) throw new NotFoundError(`case ${caseNumber} not found`);
      return record;
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;

/**
 * The case's one-line summary in the Temporal UI and CLI (its workflow's static summary): number,
 * title, priority and channel. Only what the case list shows anyway: no description, no customer.
 */
export function caseSummary(opening: CaseOpening): string {
  const title = opening.title.replace(/\s+/g, ' ').trim();
  const short = title.length > 80 ? `${title.slice(0, 79)}…` : title;
  return `${opening.caseNumber} · ${short} · ${opening.priority} priority, by ${opening.channel}`;
}

/** A hash of what a request asks for, in a fixed field order: the same body always gives the same one. */
function fingerprintOf(request: OpenCaseRequest): string {
  const { title, description, customer, channel, priority, productId, subject, openedByUserId } = request;
  const asked = [title, description, customer.type, customer.id, channel, priority, productId, subject, openedByUserId];
  return createHash('sha256').update(JSON.stringify(asked)).digest('base64url');
}
