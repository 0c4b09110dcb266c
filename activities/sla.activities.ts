import { log } from '@temporalio/activity';
import type { Database } from '../db/connection';
import { createCaseContextRepository } from '../db/repositories/case-context.repository';
import { createSlaKpiInstanceRepository, type SlaKpiInstanceState } from '../db/repositories/sla-kpi-instance.repository';
import { failFastOnBadData, requireCase } from './support.activities';

export interface RecordKpiInstanceInput extends SlaKpiInstanceState {
  readonly caseNumber: string;
}

export function createSlaActivities(db: Database) {
  const cases = createCaseContextRepository(db);
  const instances = createSlaKpiInstanceRepository(db);
  return {
    /** Writes one KPI clock's state, ordered by version: a retry or a late older write leaves the newer row. */
    async recordKpiInstance(input: RecordKpiInstanceInput): Promise<void> {
      const { caseNumber, ...state } = input;
      const found = await requireCase(cases, caseNumber);
      const written = await failFastOnBadData(() => instances.upsert(found.id, state));
      if (!written) log.info('KPI instance already at this version or newer', { caseNumber, kpi: input.kpi, version: input.version });
    },
  };
}
