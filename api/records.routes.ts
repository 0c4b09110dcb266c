import { MANAGER_ROLES, ROLES, STAFF_ROLES, type Role } from '../domain/actor';
import type { RecordsService } from '../services/records.service';
import { caseNumberParams } from './case.schemas';
import {
  accountViewSchema,
  caseSlaSchema,
  contactPageSchema,
  contactSearchQuery,
  contactViewSchema,
  createRoutingRuleBody,
  entitlementListQuery,
  entitlementPageSchema,
  entitlementSchema,
  entitlementUsagesSchema,
  goalListSchema,
  idParams,
  productListSchema,
  queueItemsQuery,
  queueItemsSchema,
  queueListSchema,
  queueMembersSchema,
  routingRuleListSchema,
  routingRuleSchema,
  slaPolicyListSchema,
  updateRoutingRuleBody,
} from './records.schemas';
import { defineRoute, type RouteDefinition } from './route';

export interface RecordRouteDependencies {
  readonly records: RecordsService;
}

const STAFF = STAFF_ROLES;
const MANAGERS = MANAGER_ROLES;
const CUSTOMERS_AND_STAFF: readonly Role[] = ['customer', ...STAFF];
const READERS = ROLES;

const notVisible = 'Unknown, or not visible to the caller (the same answer for both)';

/**
 * The reference records around cases: customers (contacts, accounts), products, entitlements,
 * queues, SLA policies, routing rules and goals. Roles are checked by each route, rows by the service.
 */
export function recordRoutes(deps: RecordRouteDependencies): RouteDefinition[] {
  const { records } = deps;
  return [
    // ---- customers ----
    defineRoute({
      method: 'get',
      path: '/contacts',
      tag: 'Customers',
      summary: 'Search contacts by name or email',
      roles: STAFF,
      query: contactSearchQuery,
      responses: { 200: { description: 'A page of contacts, by last name', schema: contactPageSchema } },
      handler: async ({ actor, query }) => ({ status: 200, body: await records.searchContacts(actor!, query.q, { limit: query.limit, offset: query.offset }) }),
    }),
    defineRoute({
      method: 'get',
      path: '/contacts/{id}',
      tag: 'Customers',
      summary: "A contact with their open and resolved cases counts (a customer: only their own)",
      roles: CUSTOMERS_AND_STAFF,
      params: idParams,
      responses: { 200: { description: 'The contact', schema: contactViewSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.getContact(actor!, params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{id}',
      tag: 'Customers',
      summary: 'An account with its contacts, its entitlements (contracted services) and open/resolved cases counts (a customer: only their own)',
      roles: CUSTOMERS_AND_STAFF,
      params: idParams,
      responses: { 200: { description: 'The account', schema: accountViewSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.getAccount(actor!, params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/products',
      tag: 'Products',
      summary: 'The product catalogue a case may relate to',
      roles: 'signed-in',
      responses: { 200: { description: 'Every product, by name', schema: productListSchema } },
      handler: async () => ({ status: 200, body: { items: await records.listProducts() } }),
    }),

    // ---- entitlements ----
    defineRoute({
      method: 'get',
      path: '/entitlements',
      tag: 'Entitlements',
      summary: "Entitlements with allocation, remaining terms, dates, status and channels (a customer: their own contact's and account's)",
      roles: CUSTOMERS_AND_STAFF,
      query: entitlementListQuery,
      responses: { 200: { description: 'A page of entitlements, active first', schema: entitlementPageSchema }, 404: { description: `customerId: ${notVisible}` } },
      handler: async ({ actor, query }) => ({ status: 200, body: await records.listEntitlements(actor!, query.customerId, { limit: query.limit, offset: query.offset }) }),
    }),
    defineRoute({
      method: 'get',
      path: '/entitlements/{id}',
      tag: 'Entitlements',
      summary: 'One entitlement',
      roles: CUSTOMERS_AND_STAFF,
      params: idParams,
      responses: { 200: { description: 'The entitlement', schema: entitlementSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.getEntitlement(actor!, params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/entitlements/{id}/usages',
      tag: 'Entitlements',
      summary: 'What resolved cases consumed: case number, resolution episode, terms used, when',
      roles: CUSTOMERS_AND_STAFF,
      params: idParams,
      responses: { 200: { description: 'Usages, newest first', schema: entitlementUsagesSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.entitlementUsages(actor!, params.id) }),
    }),

    // ---- queues ----
    defineRoute({
      method: 'get',
      path: '/queues',
      tag: 'Queues',
      summary: 'Every queue; with waiting, in-progress and SLA-at-risk counts where the caller works (members, supervisors, administrators)',
      roles: STAFF,
      responses: { 200: { description: 'Queues, by name', schema: queueListSchema } },
      handler: async ({ actor }) => ({ status: 200, body: { items: await records.listQueues(actor!) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/queues/{id}/items',
      tag: 'Queues',
      summary: "The queue's waiting cases, oldest first, with their first-response deadline (members, supervisors, administrators)",
      roles: STAFF,
      params: idParams,
      query: queueItemsQuery,
      responses: { 200: { description: 'A page of waiting cases', schema: queueItemsSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await records.queueItems(actor!, params.id, { limit: query.limit, offset: query.offset }) }),
    }),
    defineRoute({
      method: 'get',
      path: '/queues/{id}/members',
      tag: 'Queues',
      summary: "The queue's members (members, supervisors, administrators)",
      roles: STAFF,
      params: idParams,
      responses: { 200: { description: 'Members, by name', schema: queueMembersSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.queueMembers(actor!, params.id) }),
    }),

    // ---- service levels ----
    defineRoute({
      method: 'get',
      path: '/sla-policies',
      tag: 'Service levels',
      summary: 'SLA policies with their KPI targets (warning and failure minutes) and business calendar',
      roles: STAFF,
      responses: { 200: { description: 'Policies, by name', schema: slaPolicyListSchema } },
      handler: async ({ actor }) => ({ status: 200, body: { items: await records.listSlaPolicies(actor!) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/cases/{caseNumber}/sla',
      tag: 'Service levels',
      summary: "The case's SLA KPI instances (first response, resolve): status, warning and failure times",
      roles: READERS,
      params: caseNumberParams,
      responses: { 200: { description: 'The KPI clocks', schema: caseSlaSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.caseSla(actor!, params.caseNumber) }),
    }),

    // ---- routing ----
    defineRoute({
      method: 'get',
      path: '/routing-rules',
      tag: 'Routing',
      summary: 'Routing rules in the order they are tried (position)',
      roles: MANAGERS,
      responses: { 200: { description: 'Rules, by position', schema: routingRuleListSchema } },
      handler: async ({ actor }) => ({ status: 200, body: { items: await records.listRoutingRules(actor!) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/routing-rules',
      tag: 'Routing',
      summary: 'Add a routing rule (conditions checked as routing reads them; positions are unique)',
      roles: MANAGERS,
      body: createRoutingRuleBody,
      responses: {
        201: { description: 'The rule', schema: routingRuleSchema },
        409: { description: 'Another rule has this position' },
        422: { description: 'A bad condition or an unknown queue, named by its pointer' },
      },
      handler: async ({ actor, body }) => {
        const rule = await records.createRoutingRule(actor!, body);
        return { status: 201, body: rule, headers: { location: `/routing-rules/${rule.id}` } };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/routing-rules/{id}',
      tag: 'Routing',
      summary: 'Change a routing rule: activate or deactivate it, move it, change its conditions, queue or name',
      roles: MANAGERS,
      params: idParams,
      body: updateRoutingRuleBody,
      responses: {
        200: { description: 'The rule', schema: routingRuleSchema },
        404: { description: 'No such rule' },
        409: { description: 'Another rule has this position' },
        422: { description: 'A bad condition or an unknown queue, named by its pointer' },
      },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await records.updateRoutingRule(actor!, params.id, body) }),
    }),

    // ---- goals ----
    defineRoute({
      method: 'get',
      path: '/goals',
      tag: 'Goals',
      summary: 'Goals with progress: target, actual and percent (an agent: their own and their queues\')',
      roles: STAFF,
      responses: { 200: { description: 'Goals, latest period first', schema: goalListSchema } },
      handler: async ({ actor }) => ({ status: 200, body: { items: await records.listGoals(actor!) } }),
    }),
  ];
}
