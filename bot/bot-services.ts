import type { CaseRepository } from '../db/repositories/case.repository';
import type { DirectoryRepository } from '../db/repositories/directory.repository';
import type { KnowledgeRepository } from '../db/repositories/knowledge.repository';
import type { QueueRepository } from '../db/repositories/queue.repository';
import type { SlaPolicyRepository } from '../db/repositories/sla-policy.repository';
import type { UserAccountStatusRepository, UserRepository } from '../db/repositories/user.repository';
import type { CaseWorkService } from '../services/case-work.service';
import type { CaseService } from '../services/case.service';
import type { KnowledgeService } from '../services/knowledge.service';

/**
 * What the bot needs, and no more: the services every channel shares (opening and working cases,
 * the knowledge search), and the records it reads to word its replies. The app's wiring
 * builds it; the bot never holds a database handle.
 */
export interface BotServices {
  readonly cases: Pick<CaseService, 'openCase'>;
  readonly caseWork: Pick<CaseWorkService, 'getState' | 'act' | 'takeNext'>;
  readonly knowledge: Pick<KnowledgeService, 'search' | 'suggestForProblem'>;
  /** "my cases". */
  readonly caseRecords: Pick<CaseRepository, 'list'>;
  /** Who is chatting (identity), case owners, assignees, new contacts. */
  readonly users: Pick<UserRepository, 'findActor' | 'findActorByUsername' | 'findDisplayName' | 'findStaffByName' | 'isAddressKnown' | 'createContactUser'>;
  /** Whether the chatting user's account is disabled (checked on every turn). */
  readonly accounts: Pick<UserAccountStatusRepository, 'findAccountStatus'>;
  /** Queue names and counts, the cases waiting in them, the SLA at-risk list. */
  readonly queues: Pick<QueueRepository, 'list' | 'findById' | 'listByIds' | 'findByName' | 'counts' | 'slaAtRiskCases'>;
  readonly products: Pick<DirectoryRepository, 'listProducts' | 'findProductId' | 'productCodes'>;
  /** "send KA-01002". */
  readonly articles: Pick<KnowledgeRepository, 'findByNumber'>;
  /** The time zone deadlines are shown in. */
  readonly slaPolicies: Pick<SlaPolicyRepository, 'calendarTimeZone'>;
}
