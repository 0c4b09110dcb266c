import { customerRecords } from './customers';
import { entitlementRecords } from './entitlements';
import { goalRecords } from './goals';
import { queueRecords } from './queues';
import { routingRuleRecords } from './routing-rules';
import { serviceLevelRecords } from './service-levels';
import type { RecordsServiceDependencies } from './types';

export type { AccountView, ContactView } from './customers';
export type { GoalView } from './goals';
export type { QueueView } from './queues';
export type { RoutingRuleChanges, RoutingRuleInput } from './routing-rules';
export type { CaseSlaView } from './service-levels';
export type { Page, Paged, RecordsServiceDependencies } from './types';

/**
 * The service's reference records (DOMAIN.md, "Records"): customers, entitlements, queues, SLA
 * policies, routing rules and goals. Routes check the caller's role; each concern checks every row
 * against the caller (record-access.ts), and answers what they may not see exactly as an unknown id.
 */
export function createRecordsService(deps: RecordsServiceDependencies) {
  return {
    ...customerRecords(deps),
    ...entitlementRecords(deps),
    ...queueRecords(deps),
    ...serviceLevelRecords(deps),
    ...routingRuleRecords(deps),
    ...goalRecords(deps),
  };
}

export type RecordsService = ReturnType<typeof createRecordsService>;
