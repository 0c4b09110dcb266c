import { z } from 'zod';
import { CHANNELS, CASE_STATUSES, PRIORITIES } from '../domain/case';
import { CUSTOMER_TIERS } from '../domain/customer';
import { ROLES } from '../domain/actor';
import { SLA_KPI_STATUSES } from '../db/repositories/sla-kpi-instance.repository';
import { limit, offset, page } from './paging.schemas';
import { trimmedAtLeast, trimmedText } from './text.schemas';

const uuid = () => z.uuid('must be a UUID');
const text = (max: number) => trimmedText(max);


// ---- requests ------------------------------------------------------------------------------------

export const idParams = z.object({ id: uuid() });

export const contactSearchQuery = z
  .object({
    q: trimmedText(200).optional().describe('Words in the first name, last name or email (all must match)'),
    limit: limit(100, 20),
    offset: offset(),
  })
  .strict();

export const entitlementListQuery = z
  .object({
    customerId: uuid().optional().describe("A contact or account id; customers may name only their own (anyone else's is 404)"),
    limit: limit(100, 50),
    offset: offset(),
  })
  .strict();

export const queueItemsQuery = z.object({ limit: limit(100, 50), offset: offset() }).strict();

const CONDITIONS_HELP =
  'Field → accepted values, every field given must match: ' +
  `customerTier (${CUSTOMER_TIERS.join(', ')}), channel (${CHANNELS.join(', ')}), priority (${PRIORITIES.join(', ')}), ` +
  'productId (product ids), subjectKeywords (any of these words in the title, description or subject). {} matches every case.';

/** Checked by the domain's validateRoutingConditions (the rule routing itself uses), which names the field. */
const oneOrMore = (items: Record<string, unknown>) => ({ type: 'array', minItems: 1, items });
/**
 * The shape validateRoutingConditions accepts, for the document (the domain check names the field;
 * zod only needs an object here). Product ids must also exist: that is checked against the catalogue.
 */
const routingConditionsShape = {
  type: 'object',
  additionalProperties: false,
  properties: {
    customerTier: oneOrMore({ type: 'string', enum: [...CUSTOMER_TIERS] }),
    channel: oneOrMore({ type: 'string', enum: [...CHANNELS] }),
    priority: oneOrMore({ type: 'string', enum: [...PRIORITIES] }),
    productId: { ...oneOrMore({ type: 'string', format: 'uuid', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' }), description: 'Existing products (GET /products); an unknown id is refused with 422' },
    subjectKeywords: oneOrMore({ type: 'string', pattern: trimmedAtLeast(1).source }),
  },
};

const routingConditions = z
  .record(z.string(), z.unknown(), 'must be an object')
  .describe(CONDITIONS_HELP)
  .meta({ ...routingConditionsShape, examples: [{ customerTier: ['gold'] }, { channel: ['email'], subjectKeywords: ['invoice', 'refund'] }] });

const position = z.number('must be an integer').int('must be an integer').min(0, 'must be 0 or more').max(1_000_000, 'must be at most 1000000');

export const createRoutingRuleBody = z
  .object({
    name: text(200),
    position: position.describe('Rules are tried in ascending position; the first match wins. Unique.'),
    conditions: routingConditions,
    queueId: uuid().describe('An existing queue; an unknown id is refused with 422'),
    active: z.boolean('must be true or false').default(true),
  })
  .strict();

export const updateRoutingRuleBody = z
  .object({
    name: text(200).optional(),
    position: position.optional(),
    conditions: routingConditions.optional(),
    queueId: uuid().optional().describe('An existing queue; an unknown id is refused with 422'),
    active: z.boolean('must be true or false').optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'give at least one of name, position, conditions, queueId, active', path: ['name'] })
  .meta({ minProperties: 1 });

// ---- responses -----------------------------------------------------------------------------------

const customerRef = z.object({ type: z.enum(['contact', 'account']), id: z.string() });
const caseCounts = z.object({
  open: z.number().int().describe('Active, on hold or waiting for the customer'),
  resolved: z.number().int().describe('Resolved (or closed after a resolution)'),
}).describe('Only cases the caller may see are counted');

export const contactSchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  createdAt: z.string(),
});
export const contactPageSchema = page(contactSchema);
export const contactViewSchema = contactSchema.extend({ cases: caseCounts });

export const entitlementSchema = z.object({
  id: z.string(),
  name: z.string(),
  customer: customerRef,
  allocationType: z.enum(['cases', 'minutes']),
  totalTerms: z.number(),
  remainingTerms: z.number(),
  startDate: z.string().describe('YYYY-MM-DD, inclusive'),
  endDate: z.string().describe('YYYY-MM-DD, inclusive'),
  status: z.enum(['draft', 'active', 'expired', 'cancelled']),
  slaPolicyId: z.string().nullable(),
  isDefault: z.boolean(),
  channels: z.array(
    z.object({
      channel: z.enum(CHANNELS),
      totalTerms: z.number().nullable().describe("Null: the channel draws on the entitlement's shared allowance"),
      remainingTerms: z.number().nullable(),
      available: z.number().describe("The channel's own remaining terms, or the entitlement's"),
    }),
  ),
  createdAt: z.string(),
});
export const entitlementPageSchema = page(entitlementSchema);
export const entitlementUsagesSchema = z.object({
  entitlementId: z.string(),
  items: z.array(
    z.object({
      id: z.string(),
      caseId: z.string(),
      caseNumber: z.string().nullable(),
      resolutionEpisode: z.number().int().describe('1 for the first resolution, 2 after a reopen…'),
      termsUsed: z.number(),
      usedAt: z.string(),
    }),
  ),
});

export const accountViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.enum(CUSTOMER_TIERS),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  parentAccountId: z.string().nullable(),
  createdAt: z.string(),
  contacts: z.array(contactSchema),
  entitlements: z.array(entitlementSchema).describe('The contracted products/services'),
  cases: caseCounts.describe("The account's and its contacts' cases the caller may see"),
});

export const productListSchema = z.object({
  items: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), description: z.string(), active: z.boolean() })),
});

const queueSchema = z.object({ id: z.string(), name: z.string(), email: z.string().nullable(), description: z.string(), isDefault: z.boolean() });
export const queueListSchema = z.object({
  items: z.array(
    queueSchema.extend({
      isMember: z.boolean(),
      counts: z
        .object({
          waiting: z.number().int().describe('Active cases nobody has taken'),
          inProgress: z.number().int().describe('Owned cases not resolved, cancelled or closed'),
          slaAtRisk: z.number().int().describe('Open cases whose SLA is nearing non-compliance or non-compliant'),
        })
        .nullable()
        .describe("Null for a queue the caller may not work (an agent who isn't a member)"),
    }),
  ),
});
export const queueItemsSchema = page(
  z.object({
    caseNumber: z.string(),
    title: z.string(),
    customer: customerRef,
    channel: z.enum(CHANNELS),
    priority: z.enum(PRIORITIES),
    status: z.enum(CASE_STATUSES),
    slaState: z.string().nullable(),
    firstResponseBy: z.string().nullable().describe('The first-response deadline'),
    resolveBy: z.string().nullable(),
    createdAt: z.string(),
  }),
).extend({ queueId: z.string() });
export const queueMembersSchema = z.object({
  queueId: z.string(),
  items: z.array(z.object({ userId: z.string(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) })),
});

export const slaPolicyListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      appliesWhenNoEntitlement: z.boolean(),
      pauseOn: z.array(z.string()).describe('Case statuses that stop the clock'),
      calendar: z
        .object({
          id: z.string(),
          name: z.string(),
          timeZone: z.string(),
          weeklyHours: z.record(z.string(), z.unknown()).describe('{"mon": [["09:00","18:00"]], …}'),
          holidays: z.array(z.string()),
        })
        .nullable()
        .describe('Null: the clock runs around the clock (24x7)'),
      kpis: z.array(
        z.object({
          id: z.string(),
          kpi: z.enum(['first_response', 'resolve']),
          priority: z.enum(PRIORITIES).nullable().describe('Null: any priority'),
          customerTier: z.enum(CUSTOMER_TIERS).nullable().describe('Null: any tier'),
          warnAfterMinutes: z.number().int(),
          failAfterMinutes: z.number().int(),
        }),
      ),
    }),
  ),
});

export const caseSlaSchema = z.object({
  caseNumber: z.string(),
  slaPolicyId: z.string().nullable(),
  slaState: z.string().nullable(),
  firstResponseBy: z.string().nullable(),
  resolveBy: z.string().nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      kpi: z.enum(['first_response', 'resolve']),
      status: z.enum(SLA_KPI_STATUSES),
      warningAt: z.string().nullable(),
      failureAt: z.string().nullable(),
      succeededAt: z.string().nullable(),
      pausedAt: z.string().nullable(),
      elapsedBusinessMinutes: z.number().int(),
    }),
  ),
});

export const routingRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  position: z.number().int(),
  conditions: z.record(z.string(), z.array(z.string())),
  queueId: z.string(),
  queueName: z.string(),
  active: z.boolean(),
});
export const routingRuleListSchema = z.object({ items: z.array(routingRuleSchema) });

export const goalListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      metric: z.enum(['cases_resolved', 'cases_in_progress']),
      ownerUserId: z.string().nullable(),
      ownerName: z.string().nullable(),
      queueId: z.string().nullable(),
      queueName: z.string().nullable(),
      target: z.number().int(),
      periodStart: z.string(),
      periodEnd: z.string(),
      actual: z.number().int().describe('cases_resolved: resolved in the period (and still resolved); cases_in_progress: open now'),
      percent: z.number().describe('actual / target × 100, one decimal'),
    }),
  ),
});
