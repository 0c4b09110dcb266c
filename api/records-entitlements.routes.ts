import { CUSTOMERS_AND_STAFF, notVisible, type RecordRouteDependencies } from './records-common.routes';
import {
  entitlementListQuery,
  entitlementPageSchema,
  entitlementSchema,
  entitlementUsagesSchema,
  idParams,
} from './records.schemas';
import { defineRoute, type RouteDefinition } from './route';

/** Entitlements (contracted services) and what resolved cases consumed of them. */
export function entitlementRoutes({ records }: RecordRouteDependencies): RouteDefinition[] {
  return [
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
  ];
}
