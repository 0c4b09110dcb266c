import type { CaseRepository } from '../../db/repositories/case.repository';
import type { DirectoryRepository } from '../../db/repositories/directory.repository';
import type { EntitlementRepository } from '../../db/repositories/entitlement.repository';
import type { GoalRepository } from '../../db/repositories/goal.repository';
import type { QueueRepository } from '../../db/repositories/queue.repository';
import type { RoutingRuleRepository } from '../../db/repositories/routing-rule.repository';
import type { SlaPolicyRepository } from '../../db/repositories/sla-policy.repository';

/** The repositories the records service reads and writes; each concern takes the ones it needs. */
export interface RecordsServiceDependencies {
  readonly directory: DirectoryRepository;
  readonly entitlements: EntitlementRepository;
  readonly queues: QueueRepository;
  readonly slaPolicies: SlaPolicyRepository;
  readonly routingRules: RoutingRuleRepository;
  readonly goals: GoalRepository;
  readonly cases: CaseRepository;
}

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export interface Paged<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}
