import { customerRoutes } from './records-customers.routes';
import { entitlementRoutes } from './records-entitlements.routes';
import { goalRoutes } from './records-goals.routes';
import { queueRoutes } from './records-queues.routes';
import { routingRuleRoutes } from './records-routing.routes';
import { serviceLevelRoutes } from './records-service-levels.routes';
import type { RecordRouteDependencies } from './records-common.routes';
import type { RouteDefinition } from './route';

export type { RecordRouteDependencies } from './records-common.routes';

/**
 * The reference records around cases: customers (contacts, accounts), products, entitlements,
 * queues, SLA policies, routing rules and goals. Roles are checked by each route, rows by the service.
 * The order here is the OpenAPI document's order.
 */
export function recordRoutes(deps: RecordRouteDependencies): RouteDefinition[] {
  return [
    ...customerRoutes(deps),
    ...entitlementRoutes(deps),
    ...queueRoutes(deps),
    ...serviceLevelRoutes(deps),
    ...routingRuleRoutes(deps),
    ...goalRoutes(deps),
  ];
}
