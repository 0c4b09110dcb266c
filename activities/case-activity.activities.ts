import type { Database } from '../db/connection';
import { createCaseActivityRepository } from '../db/repositories/case-activity.repository';
import type { CaseActivityItem } from '../domain/case-commands';
import { createCaseContextRepository } from '../db/repositories/case-context.repository';
import { failFastOnBadData, invalidInput, isUuid, requireCase } from './support.activities';

export interface RecordCaseActivityInput extends Omit<CaseActivityItem, 'id'> {
  readonly caseNumber: string;
  /** Chosen by the workflow (uuid4()), so every retry and every later update names the same row. */
  readonly activityId: string;
}

export function createCaseActivityActivities(db: Database) {
  const cases = createCaseContextRepository(db);
  const activities = createCaseActivityRepository(db);
  return {
    /**
     * Logs an activity on the case, or updates it when the workflow sends it again (typically to
     * close it). Keyed by the workflow's id: a repeat changes nothing, and a closed activity stays closed.
     */
    async recordCaseActivity(input: RecordCaseActivityInput): Promise<void> {
      const { caseNumber, activityId, ...activity } = input;
      if (!isUuid(activityId)) throw invalidInput(`activityId must be a uuid, got ${JSON.stringify(activityId)}`);
      if (!Number.isInteger(activity.minutesSpent) || activity.minutesSpent < 0) {
        throw invalidInput(`minutesSpent must be a whole number >= 0, got ${activity.minutesSpent}`);
      }
      const found = await requireCase(cases, caseNumber);
      await failFastOnBadData(() => activities.upsert(found.id, { id: activityId, ...activity }));
    },
  };
}
