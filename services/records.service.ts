/**
 * The records service's public module: customers, entitlements, queues, SLA policies, routing rules
 * and goals, one concern per file in services/records/ (who may see what: records/record-access.ts).
 */
export {
  createRecordsService,
  type AccountView,
  type CaseSlaView,
  type ContactView,
  type GoalView,
  type Page,
  type Paged,
  type QueueView,
  type RecordsService,
  type RecordsServiceDependencies,
  type RoutingRuleChanges,
  type RoutingRuleInput,
} from './records';
