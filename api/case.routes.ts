import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MANAGER_ROLES, OPERATOR_ROLES, ROLES, STAFF_ROLES, type Actor, type Role } from '../domain/actor';
import type { CustomerRef } from '../domain/case';
import type { CaseActivityRepository } from '../db/repositories/case-activity.repository';
import type { CaseRepository } from '../db/repositories/case.repository';
import type { CaseService } from '../services/case.service';
import type { CaseHistoryService } from '../services/case-history.service';
import { caseScopeFor } from '../services/case-scope';
import type { CaseAction, CaseActionPayloads, CaseWorkService } from '../services/case-work.service';
import { activitiesFor, recordFor, stateFor } from '../services/customer-view';
import { ForbiddenError, NotFoundError, ValidationError } from '../services/errors';
import { caseTimelineSchema, rawHistorySchema } from './case-history.schemas';
import { actionBodies, activityParams, caseListSchema, caseNumberParams, caseRecordSchema, idempotencyKey, listCasesQuery, openCaseBody, stepParams, takeNextBody } from './case.schemas';
import { defineRoute, type RouteDefinition, type RouteResult } from './route';

export interface CaseRouteDependencies {
  readonly cases: CaseService;
  readonly caseRecords: CaseRepository;
  readonly caseActivities: Pick<CaseActivityRepository, 'listForCase'>;
  readonly caseWork: CaseWorkService;
  readonly history: CaseHistoryService;
}

const STAFF = STAFF_ROLES;
const MANAGERS = MANAGER_ROLES;
const CUSTOMERS_AND_STAFF: readonly Role[] = ['customer', ...STAFF];
const READERS = ROLES;

const caseView = z.record(z.string(), z.unknown()).describe('The case as its workflow sees it: stages and steps, SLA clocks, activities');

/** A customer opens cases for themselves or their account; staff for any existing customer. */
function customerFor(actor: Actor, given: CustomerRef | undefined): CustomerRef {
  if (actor.role === 'customer') {
    if (!given) {
      if (actor.contactId) return { type: 'contact', id: actor.contactId };
      throw new ValidationError('your account has no contact; give the customer', 'customer');
    }
    const own = (given.type === 'contact' && given.id === actor.contactId) || (given.type === 'account' && given.id === actor.accountId);
    if (!own) throw new ForbiddenError('customers open cases for themselves or their own account');
    return given;
  }
  if (!given) throw new ValidationError('give the customer (a contact or an account)', 'customer');
  return given;
}

interface ActionRoute<A extends CaseAction> {
  readonly action: A;
  readonly path: string;
  readonly summary: string;
  readonly roles: readonly Role[];
  readonly body: z.ZodType;
  readonly params?: z.ZodObject;
  readonly payload?: (body: Record<string, unknown>, params: Record<string, string>) => CaseActionPayloads[A];
}

const action = <A extends CaseAction>(route: ActionRoute<A>): ActionRoute<CaseAction> => route;

/** Every action on a case, one route each; the workflow's validators decide, these only translate. */
const ACTIONS: readonly ActionRoute<CaseAction>[] = [
  action({ action: 'accept', path: 'accept', summary: "Accept the case from its queue into your work in progress", roles: STAFF, body: actionBodies.none }),
  action({ action: 'dispatch', path: 'dispatch', summary: 'Dispatch the case from your work in progress to a queue', roles: STAFF, body: actionBodies.queue }),
  action({ action: 'reject', path: 'reject', summary: 'Reject the case back to its creator', roles: STAFF, body: actionBodies.reason }),
  action({ action: 'transfer', path: 'transfer', summary: 'Transfer the case to another queue', roles: STAFF, body: actionBodies.queue }),
  action({ action: 'assign', path: 'assign', summary: 'Assign the case to a person', roles: MANAGERS, body: actionBodies.assign }),
  action({ action: 'yank', path: 'yank', summary: "Take the case back from a person's work in progress", roles: MANAGERS, body: actionBodies.none }),
  action({ action: 'hold', path: 'hold', summary: 'Put the case on hold or waiting for the customer (pauses the SLA where the policy says so)', roles: STAFF, body: actionBodies.hold }),
  action({ action: 'resume', path: 'resume', summary: 'Resume a case on hold', roles: STAFF, body: actionBodies.none }),
  action({ action: 'changePriority', path: 'priority', summary: 'Change the priority (re-plans the SLA deadlines)', roles: STAFF, body: actionBodies.priority }),
  action({ action: 'updateDetails', path: 'details', summary: 'Set the product and the subject (category)', roles: STAFF, body: actionBodies.details }),
  action({ action: 'addActivity', path: 'activities', summary: 'Log an activity (phone call, email, task, appointment, note) with minutes spent', roles: STAFF, body: actionBodies.activity }),
  action({
    action: 'completeActivity',
    path: 'activities/{activityId}/complete',
    summary: 'Complete an open activity',
    roles: STAFF,
    body: actionBodies.completeActivity,
    params: activityParams,
    payload: (body, params) => ({ ...body, activityId: params.activityId ?? '' }),
  }),
  action({ action: 'linkArticle', path: 'articles', summary: 'Link a knowledge article, optionally sending it to the customer', roles: STAFF, body: actionBodies.article }),
  action({ action: 'recordKnowledgeSearch', path: 'knowledge-searches', summary: 'Record that the knowledge base was searched (Research step)', roles: STAFF, body: actionBodies.search }),
  action({ action: 'reply', path: 'replies', summary: 'Reply to the customer (the first reply meets the first-response KPI)', roles: STAFF, body: actionBodies.reply }),
  action({
    action: 'completeStep',
    path: 'steps/{stepId}/complete',
    summary: 'Complete a step of the process flow that the agent ticks',
    roles: STAFF,
    body: actionBodies.none,
    params: stepParams,
    payload: (_body, params) => ({ stepId: params.stepId }) as CaseActionPayloads['completeStep'],
  }),
  action({ action: 'advanceStage', path: 'stage/advance', summary: 'Advance to the next stage (refused naming the missing steps)', roles: STAFF, body: actionBodies.none }),
  action({ action: 'resolve', path: 'resolve', summary: 'Resolve the case (refused while activities are open); charges the entitlement once', roles: STAFF, body: actionBodies.resolve }),
  action({ action: 'cancel', path: 'cancel', summary: 'Cancel the case (consumes nothing)', roles: CUSTOMERS_AND_STAFF, body: actionBodies.reason }),
  action({ action: 'reopen', path: 'reopen', summary: 'Reopen a resolved or cancelled case within the reopen window', roles: CUSTOMERS_AND_STAFF, body: actionBodies.reason }),
  action({ action: 'addCustomerNote', path: 'notes', summary: 'Add information to the case (the customer)', roles: CUSTOMERS_AND_STAFF, body: actionBodies.note }),
  action({ action: 'answerSurvey', path: 'survey', summary: 'Answer the satisfaction survey', roles: ['customer'], body: actionBodies.survey }),
];

/** The Idempotency-Key header, validated; undefined when absent. */
function requestKey(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const key = idempotencyKey.safeParse(header);
  if (!key.success) throw new ValidationError(`Idempotency-Key header ${key.error.issues[0]?.message ?? 'is invalid'}`, 'headers/idempotency-key');
  return key.data;
}

export function caseRoutes(deps: CaseRouteDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/cases',
      tag: 'Cases',
      summary: 'Open a case; its workflow decides entitlement, queue and SLA',
      roles: CUSTOMERS_AND_STAFF,
      body: openCaseBody,
      headers: [{ name: 'Idempotency-Key', description: 'Repeat a request with the same key to get the same case, never a second one', schema: idempotencyKey }],
      responses: {
        201: { description: 'The case, recorded', schema: caseRecordSchema, headers: { Location: 'The case: /cases/{caseNumber}' } },
        202: { description: 'Accepted; the case is being opened (see Location)', headers: { Location: 'Where the case will be', 'Retry-After': 'Seconds to wait before asking' } },
      },
      errors: {
        403: 'A customer naming a customer other than themselves or their account',
        422: 'A field is not valid, the customer or product does not exist, or the Idempotency-Key was used for a different request',
      },
      reachesTemporal: true,
      handler: async ({ actor, body, req }): Promise<RouteResult> => {
        const key = requestKey(req.header('idempotency-key'));
        // Keys are per caller: two users' identical keys never meet.
        // Without a key, still prefixed by the caller: the Location of a 202 is theirs to follow.
        const requestId = key ? `${actor!.userId}:${key}` : `${actor!.userId}:auto:${randomUUID()}`;
        const { customer, ...rest } = body;
        const result = await deps.cases.openCase({ ...rest, requestId, customer: customerFor(actor!, customer), openedByUserId: actor!.userId });
        if (result.state === 'recorded') return { status: 201, body: recordFor(actor!, result.case), headers: { location: `/cases/${result.case.caseNumber}` } };
        return { status: 202, body: { caseNumber: result.caseNumber, workflowId: result.workflowId, status: 'starting' }, headers: { location: `/cases/${result.caseNumber}`, 'retry-after': '1' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases',
      tag: 'Cases',
      summary: 'List the cases the caller may see, filtered, sorted and paginated',
      roles: READERS,
      query: listCasesQuery,
      responses: { 200: { description: 'A page of cases', schema: caseListSchema } },
      handler: async ({ actor, query }) => {
        const { sort, limit, offset, ownerUserId, q, ...filter } = query;
        const page = await deps.caseRecords.list(
          caseScopeFor(actor!),
          { ...filter, ...(ownerUserId === undefined ? {} : { ownerUserId: ownerUserId === 'none' ? null : ownerUserId }), ...(q ? { text: q } : {}) },
          sort,
          limit,
          offset,
        );
        return { status: 200, body: { ...page, items: page.items.map((item) => recordFor(actor!, item)), limit, offset } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/take-next',
      tag: 'Case actions',
      summary: "Take next: accept the most urgent case waiting in the caller's queues (the nearest running deadline, then priority, then age)",
      roles: STAFF,
      body: takeNextBody,
      headers: [{ name: 'Idempotency-Key', description: 'Repeat the request with the same key to get the case it took, never a second one', schema: idempotencyKey }],
      responses: { 200: { description: 'The case now in your work (two agents never get the same one)', schema: caseRecordSchema, headers: { Location: 'The case: /cases/{caseNumber}' } } },
      errors: {
        404: "Nothing waits in the caller's queues (or the queue given), or the caller is in no queue",
        422: 'queueId is not a queue the caller is a member of',
      },
      reachesTemporal: true,
      handler: async ({ actor, body, req }) => {
        const taken = await deps.caseWork.takeNext(actor!, body.queueId, requestKey(req.header('idempotency-key')));
        return { status: 200, body: recordFor(actor!, taken), headers: { location: `/cases/${taken.caseNumber}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{caseNumber}',
      tag: 'Cases',
      summary: 'The case as recorded (404 for a case the caller may not see)',
      roles: READERS,
      params: caseNumberParams,
      responses: {
        200: { description: 'The case', schema: caseRecordSchema },
        202: { description: 'The case the caller asked for is still being opened: ask again after Retry-After', headers: { Location: 'The case', 'Retry-After': 'Seconds to wait before asking' } },
      },
      reachesTemporal: true,
      handler: async ({ actor, params }) => {
        try {
          return { status: 200, body: recordFor(actor!, await deps.caseWork.get(params.caseNumber, actor!)) };
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          if (await deps.cases.isStartingFor(params.caseNumber, actor!.userId)) {
            return { status: 202, body: { caseNumber: params.caseNumber, status: 'starting' }, headers: { location: `/cases/${params.caseNumber}`, 'retry-after': '1' } };
          }
          // No longer starting: its row may have been written between the two reads (the soak saw
          // 404s for cases it had just opened), so read it once more before answering 404.
          return { status: 200, body: recordFor(actor!, await deps.caseWork.get(params.caseNumber, actor!)) };
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{caseNumber}/state',
      tag: 'Cases',
      summary: "The case's live state from its workflow: stage and steps, owner, queue, SLA deadlines and remaining time, open activities",
      roles: READERS,
      params: caseNumberParams,
      responses: { 200: { description: 'The live state', schema: caseView } },
      errors: { 409: 'The case is closed: its workflow has finished' },
      reachesTemporal: true,
      handler: async ({ actor, params }) => ({ status: 200, body: stateFor(actor!, await deps.caseWork.getState(params.caseNumber, actor!)) }),
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{caseNumber}/activities',
      tag: 'Cases',
      summary: "The case's activities, open and closed, with time spent",
      roles: READERS,
      params: caseNumberParams,
      responses: { 200: { description: 'Activities, oldest first', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) } },
      handler: async ({ actor, params }) => {
        const record = await deps.caseWork.get(params.caseNumber, actor!);
        return { status: 200, body: { items: activitiesFor(actor!, await deps.caseActivities.listForCase(record.id)) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{caseNumber}/history',
      tag: 'Operations',
      summary: "The case's workflow history as a business timeline in words, across its runs, with a link to the Temporal Web UI",
      roles: OPERATOR_ROLES,
      params: caseNumberParams,
      query: z.object({
        raw: z.enum(['true', 'false']).optional().describe("true: the current run's events nearly as recorded (activity inputs, Update arguments, timers) instead of the milestones"),
      }),
      responses: { 200: { description: 'The milestones (time, actor, kind, text, the instants it names, visibility, the event ids they come from) and the runs with their Temporal Web UI links; or, with raw=true, the raw events', schema: caseTimelineSchema.or(rawHistorySchema) } },
      reachesTemporal: true,
      handler: async ({ actor, params, query }) => {
        const record = await deps.caseWork.get(params.caseNumber, actor!);
        return { status: 200, body: query.raw === 'true' ? await deps.history.rawEvents(record.workflowId) : await deps.history.timeline(record.workflowId) };
      },
    }),
    ...ACTIONS.map((route) =>
      defineRoute({
        method: 'post',
        path: `/cases/{caseNumber}/${route.path}`,
        tag: 'Case actions',
        summary: route.summary,
        roles: route.roles,
        params: route.params ?? caseNumberParams,
        body: route.body,
        responses: { 200: { description: 'The case after the action', schema: caseView } },
        headers: [{ name: 'Idempotency-Key', description: 'Repeat the request with the same key and the action runs once (e.g. one activity, one reply)', schema: idempotencyKey }],
        errors: {
          403: "The case's workflow refuses the caller (e.g. a step only the case's owner may take)",
          409: "Not possible in the case's current state (e.g. resolving with open activities): the detail says why",
          422: 'A field is not valid, or an id names no existing row (the queue, user, product or article in the body; the activity in the path)',
        },
        reachesTemporal: true,
        handler: async ({ actor, params, body, req }) => {
          const values = (body ?? {}) as Record<string, unknown>;
          const key = requestKey(req.header('idempotency-key'));
          const payload = route.payload ? route.payload(values, params as Record<string, string>) : (values as CaseActionPayloads[CaseAction]);
          const { caseNumber } = params as { caseNumber: string };
          return { status: 200, body: stateFor(actor!, await deps.caseWork.act(caseNumber, actor!, route.action, payload, key)) };
        },
      }),
    ),
  ];
}
