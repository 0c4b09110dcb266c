import { STAFF, notVisible, type RecordRouteDependencies } from './records-common.routes';
import {
  idParams,
  queueItemsQuery,
  queueItemsSchema,
  queueListSchema,
  queueMembersSchema,
} from './records.schemas';
import { defineRoute, type RouteDefinition } from './route';

/** Queues, their waiting cases and their members. */
export function queueRoutes({ records }: RecordRouteDependencies): RouteDefinition[] {
  return [
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
  ];
}
