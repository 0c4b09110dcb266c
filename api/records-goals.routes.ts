import { STAFF, type RecordRouteDependencies } from './records-common.routes';
import { goalListSchema } from './records.schemas';
import { defineRoute, type RouteDefinition } from './route';

/** Goals with their progress. */
export function goalRoutes({ records }: RecordRouteDependencies): RouteDefinition[] {
  return [
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
