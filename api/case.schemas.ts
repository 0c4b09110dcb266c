import { z } from 'zod';
import { CASE_STATUSES, CHANNELS, PRIORITIES, STAGES } from '../domain/case';
import { ACTIVITY_TYPES, HOLD_STATUSES, RESOLUTION_TYPES } from '../domain/case-commands';
import { STEP_IDS, stepDefinition } from '../domain/process-flow';
import { CASE_NUMBER_PATTERN } from '../domain/case-number';
import { CASE_SORTS } from '../db/repositories/case.repository';
import { trimmedText } from './text.schemas';

const text = (max: number) => trimmedText(max);
const uuid = () => z.uuid('must be a UUID');

export const customerRef = z.object({ type: z.enum(['contact', 'account']), id: uuid() }).strict();

/** No status, owner or queue here: those are the workflow's to decide (no mass assignment). */
export const openCaseBody = z
  .object({
    title: trimmedText(200, 3),
    description: z.string().trim().max(10_000, 'must be at most 10000 characters').default(''),
    customer: customerRef.optional().describe('Required for staff; a customer opens cases for themselves (or their account)'),
    channel: z.enum(CHANNELS).default('web'),
    priority: z.enum(PRIORITIES).default('normal'),
    productId: uuid().nullable().default(null).describe('An existing product (GET /products); an unknown id is refused with 422'),
    subject: z.string().trim().max(200).nullable().default(null),
  })
  .strict();

export const caseNumberParams = z.object({
  caseNumber: z.string().regex(CASE_NUMBER_PATTERN, 'must look like CAS-01000').meta({ examples: ['CAS-01000'] }),
});

/** Idempotency-Key: letters, digits and -_.: up to 200 characters (UUIDs fit). */
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,200}$/, 'must be 8–200 characters of letters, digits, ".", "_", ":" or "-"');

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value), z.array(item).min(1));

export const listCasesQuery = z
  .object({
    status: csv(z.enum(CASE_STATUSES)).optional().describe('Comma-separated statuses (style form, explode false): open,on_hold'),
    queueId: uuid().optional(),
    ownerUserId: z.union([uuid(), z.literal('none')]).optional().describe("A user id, or 'none' for cases nobody works"),
    customerId: uuid().optional().describe('A contact or account id'),
    slaState: z.enum(['in_progress', 'nearing_noncompliance', 'succeeded', 'noncompliant', 'paused', 'cancelled']).optional(),
    priority: csv(z.enum(PRIORITIES)).optional().describe('Comma-separated priorities (style form, explode false): high,urgent'),
    channel: csv(z.enum(CHANNELS)).optional().describe('Comma-separated channels the cases came in on: email,chat'),
    q: trimmedText(200).optional().describe('Words in the title; not blank'),
    sort: z.enum(CASE_SORTS).default('-createdAt'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .strict();

export const caseRecordSchema = z.object({
  id: z.string(),
  caseNumber: z.string(),
  workflowId: z.string(),
  title: z.string(),
  description: z.string(),
  customer: z.object({ type: z.enum(['contact', 'account']), id: z.string() }),
  channel: z.enum(CHANNELS),
  priority: z.enum(PRIORITIES),
  productId: z.string().nullable(),
  subject: z.string().nullable(),
  status: z.enum(CASE_STATUSES),
  statusReason: z.string().nullable(),
  stage: z.enum(STAGES),
  queueId: z.string().nullable(),
  ownerUserId: z.string().nullable(),
  entitlementId: z.string().nullable(),
  isEntitled: z.boolean(),
  slaPolicyId: z.string().nullable(),
  routingRuleId: z.string().nullable(),
  slaState: z.string().nullable(),
  firstResponseBy: z.string().nullable(),
  resolveBy: z.string().nullable(),
  firstRespondedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const caseListSchema = z.object({ items: z.array(caseRecordSchema), total: z.number(), limit: z.number(), offset: z.number() });

/** The bodies of the case actions (POST /cases/{caseNumber}/…). */
export const actionBodies = {
  none: z.object({}).strict(),
  queue: z.object({ queueId: uuid().describe('An existing queue (GET /queues); an unknown id is refused with 422') }).strict(),
  reason: z.object({ reason: text(1_000) }).strict(),
  assign: z.object({ userId: uuid().describe('An existing agent, supervisor or administrator; anyone else is refused with 422') }).strict(),
  hold: z.object({ status: z.enum(HOLD_STATUSES).default('on_hold'), reason: text(1_000) }).strict(),
  priority: z.object({ priority: z.enum(PRIORITIES) }).strict(),
  details: z
    .object({ productId: uuid().nullable().optional(), subject: z.string().trim().max(200).nullable().optional() })
    .strict()
    .refine((v) => v.productId !== undefined || v.subject !== undefined, { message: 'give productId or subject', path: ['productId'] })
    .meta({ minProperties: 1 }),
  activity: z
    .object({
      type: z.enum(ACTIVITY_TYPES),
      subject: text(200),
      body: z.string().max(10_000).default(''),
      direction: z.enum(['inbound', 'outbound']).nullable().default(null),
      minutesSpent: z.number().int().min(0).max(1_440).default(0),
      open: z.boolean().default(false).describe('true for a task or call still to do'),
      dueAt: z.iso.datetime().nullable().default(null),
    })
    .strict(),
  completeActivity: z.object({ minutesSpent: z.number().int().min(0).max(1_440).optional() }).strict(),
  article: z.object({ articleId: uuid().describe('An existing knowledge article; an unknown id is refused with 422'), sendToCustomer: z.boolean().default(false) }).strict(),
  search: z.object({ query: text(500) }).strict(),
  reply: z.object({ text: text(10_000), minutesSpent: z.number().int().min(0).max(1_440).optional() }).strict(),
  resolve: z.object({ resolutionText: text(10_000), resolutionType: z.enum(RESOLUTION_TYPES) }).strict(),
  note: z.object({ text: text(10_000) }).strict(),
  survey: z.object({ rating: z.number().int().min(1).max(5), comment: z.string().max(2_000).default('') }).strict(),
};

/** POST /cases/take-next: from one of the caller's queues, or (without queueId) from any of them. */
export const takeNextBody = z.object({ queueId: uuid().optional().describe('One of the queues the caller is a member of; omit for all of them') }).strict();

export const activityParams = caseNumberParams.extend({ activityId: uuid() });
/** The steps an agent ticks; the others complete by themselves (from the case details, or by resolving). */
const AGENT_STEPS = STEP_IDS.filter((id) => stepDefinition(id).completion === 'agent');
export const stepParams = caseNumberParams.extend({
  stepId: z.enum(AGENT_STEPS as [string, ...string[]], `must be a step the agent ticks: ${AGENT_STEPS.join(', ')}`),
});
