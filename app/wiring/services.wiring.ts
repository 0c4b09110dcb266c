import type { Client } from '@temporalio/client';
import type { Database } from '../../db/connection';
import { createCaseActivityRepository } from '../../db/repositories/case-activity.repository';
import { createCaseRepository } from '../../db/repositories/case.repository';
import { createDirectoryRepository } from '../../db/repositories/directory.repository';
import { createCustomerRepository } from '../../db/repositories/customer.repository';
import { createKnowledgeRepository } from '../../db/repositories/knowledge.repository';
import { createQueueRepository } from '../../db/repositories/queue.repository';
import { createTimelineNamesRepository } from '../../db/repositories/timeline-names.repository';
import { createSignInAuditRepository } from '../../db/repositories/sign-in-audit.repository';
import { createSignInThrottleRepository } from '../../db/repositories/sign-in-throttle.repository';
import { createUserRepository } from '../../db/repositories/user.repository';
import { createAuthService } from '../../services/auth.service';
import { createSignInGuard } from '../../services/sign-in-guard';
import { createUsersService } from '../../services/users.service';
import { createCaseHistoryService } from '../../services/case-history.service';
import { createCaseWorkService } from '../../services/case-work.service';
import { createTakeNextRequestRepository } from '../../db/repositories/take-next-request.repository';
import { createCaseService } from '../../services/case.service';
import { createReplayCheck } from '../../services/replay-check';
import { workflowBundleSource } from '../temporal/bundle-workflows';
import { createKnowledgeService } from '../../services/knowledge.service';
import type { AppConfig } from '../process/config';

/** The services every channel (REST, email, bot) shares, wired once per process. */
export function createAppServices(config: AppConfig, db: Database, temporal: Client, webUiUrl?: string) {
  const caseRecords = createCaseRepository(db);
  const users = createUserRepository(db);
  const knowledge = createKnowledgeRepository(db);
  const signInAudit = createSignInAuditRepository(db);
  const timelineNames = createTimelineNamesRepository(db);
  return {
    db,
    caseRecords,
    caseActivities: createCaseActivityRepository(db),
    users,
    cases: createCaseService({
      temporal,
      taskQueue: config.temporal.taskQueue,
      caseSettings: config.caseSettings,
      cases: caseRecords,
      customers: createCustomerRepository(db),
      products: createDirectoryRepository(db),
      startWithinMs: config.caseAnswerTimeoutMs,
    }),
    caseWork: createCaseWorkService({
      temporal,
      cases: caseRecords,
      queues: createQueueRepository(db),
      users,
      knowledge,
      products: createDirectoryRepository(db),
      takeNextRequests: createTakeNextRequestRepository(db),
      answerWithinMs: config.caseAnswerTimeoutMs,
    }),
    history: createCaseHistoryService({ temporal, namespace: config.temporal.namespace, names: (ids) => timelineNames.names(ids), ...(webUiUrl ? { webUiUrl } : {}) }),
    replayCheck: createReplayCheck({ temporal, workflowBundle: workflowBundleSource() }),
    auth: createAuthService({
      users,
      signIns: createSignInGuard({ throttles: createSignInThrottleRepository(db), limits: config.auth.signIn }),
      audit: signInAudit,
      jwtSecret: config.auth.jwtSecret,
      tokenTtlMinutes: config.auth.tokenTtlMinutes,
    }),
    userAdmin: createUsersService({ users, contacts: createDirectoryRepository(db), signIns: signInAudit }),
    knowledge: createKnowledgeService({ knowledge }),
  };
}

export type AppServices = ReturnType<typeof createAppServices>;
