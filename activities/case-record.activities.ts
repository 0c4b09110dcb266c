import { log } from '@temporalio/activity';
import type { CaseSnapshot } from '../domain/case';
import type { CaseRepository } from '../db/repositories/case.repository';
import { failFastOnBadData } from './support.activities';

export function createCaseRecordActivities(cases: CaseRepository) {
  return {
    /**
     * Writes the case's read-model row. Idempotent and ordered by the snapshot's version:
     * a retry, or a late write of an older snapshot, leaves the newer row in place.
     */
    async recordCase(snapshot: CaseSnapshot): Promise<void> {
      // Bad data (a value the database refuses) fails at once, for good: retrying cannot fix it.
      const written = await failFastOnBadData(() => cases.upsertSnapshot(snapshot));
      if (!written) log.info('case row already at this version or newer', { caseNumber: snapshot.caseNumber, version: snapshot.version });
    },
  };
}
