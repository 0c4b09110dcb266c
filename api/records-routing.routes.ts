import { MANAGERS, type RecordRouteDependencies } from './records-common.routes';
import {
  createRoutingRuleBody,
  idParams,
  routingRuleListSchema,
  routingRuleSchema,
  updateRoutingRuleBody,
} from './records.schemas';
import { defineRoute, type RouteDefinition } from './route';

/** Routing rules, for supervisors and administrators. */
export function routingRuleRoutes({ records }: RecordRouteDependencies): RouteDefinition[] {
  return [
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
  ];
}
