import type { Database } from '../connection';
import type { SlaKpiName } from '../../domain/case-context';

export const SLA_KPI_STATUSES = ['in_progress', 'nearing_noncompliance', 'succeeded', 'noncompliant', 'paused', 'cancelled'] as const;
export type SlaKpiStatus = (typeof SLA_KPI_STATUSES)[number];

/** One KPI clock of a case as the workflow last decided it; instants are the workflow's ISO strings. */
export interface SlaKpiInstanceState {
  readonly kpi: SlaKpiName;
  readonly status: SlaKpiStatus;
  readonly warningAt: string | null;
  readonly failureAt: string | null;
  readonly succeededAt: string | null;
  readonly pausedAt: string | null;
  readonly elapsedBusinessMinutes: number;
  readonly version: number;
}

export function createSlaKpiInstanceRepository(db: Database) {
  return {
    /** Writes the KPI's state unless the row already holds the same or a newer version. Returns whether it wrote. */
    async upsert(caseId: string, state: SlaKpiInstanceState): Promise<boolean> {
      const row = {
        case_id: caseId,
        kpi: state.kpi,
        status: state.status,
        warning_at: state.warningAt,
        failure_at: state.failureAt,
        succeeded_at: state.succeededAt,
        paused_at: state.pausedAt,
        // The column is whole minutes; the calendar maths may give fractions.
        elapsed_business_minutes: Math.round(state.elapsedBusinessMinutes),
        version: state.version,
      };
      const { case_id: _caseId, kpi: _kpi, ...changes } = row;
      const written = await db('sla_kpi_instances')
        .insert(row)
        .onConflict(['case_id', 'kpi'])
        .merge(changes)
        .where('sla_kpi_instances.version', '<', db.raw('excluded.version'))
        .returning('id');
      return written.length > 0;
    },
  };
}

export type SlaKpiInstanceRepository = ReturnType<typeof createSlaKpiInstanceRepository>;
