import { caseNumberParams } from './case.schemas';
import { READERS, STAFF, notVisible, type RecordRouteDependencies } from './records-common.routes';
import { caseSlaSchema, slaPolicyListSchema } from './records.schemas';
import { defineRoute, type RouteDefinition } from './route';

/** SLA policies, and one case's KPI clocks. */
export function serviceLevelRoutes({ records }: RecordRouteDependencies): RouteDefinition[] {
  return [
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
  ];
}
