import type { Database } from '../db/connection';
import { createCaseRepository } from '../db/repositories/case.repository';
import { createCaseRecordActivities } from './case-record.activities';

export interface ActivityDependencies {
  readonly db: Database;
}

/** Every side effect of the case workflow, built from its dependencies so tests can supply their own. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createCaseRecordActivities(createCaseRepository(deps.db)),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
