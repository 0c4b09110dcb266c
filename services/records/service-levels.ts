import { isStaff, type Actor } from '../../domain/actor';
import type { SlaKpiInstanceRecord, SlaPolicyRecord } from '../../db/repositories/sla-policy.repository';
import { caseScopeFor } from '../case-scope';
import { ForbiddenError, NotFoundError } from '../errors';
import type { RecordsServiceDependencies } from './types';

export interface CaseSlaView {
  readonly caseNumber: string;
  readonly slaPolicyId: string | null;
  readonly slaState: string | null;
  readonly firstResponseBy: string | null;
  readonly resolveBy: string | null;
  readonly items: readonly SlaKpiInstanceRecord[];
}

/** SLA policies, and one case's KPI clocks. */
export function serviceLevelRecords(deps: Pick<RecordsServiceDependencies, 'slaPolicies' | 'cases'>) {
  const { slaPolicies, cases } = deps;
  return {
    async listSlaPolicies(actor: Actor): Promise<SlaPolicyRecord[]> {
      if (!isStaff(actor)) throw new ForbiddenError('SLA policies are for agents, supervisors and administrators');
      return slaPolicies.list();
    },

    /** The case's KPI clocks, for whoever may see the case (the same rule as GET /cases/{caseNumber}). */
    async caseSla(actor: Actor, caseNumber: string): Promise<CaseSlaView> {
      const record = await cases.findVisible(caseNumber, caseScopeFor(actor));
      if (!record) throw new NotFoundError(`case ${caseNumber} not found`);
      return {
        caseNumber: record.caseNumber,
        slaPolicyId: record.slaPolicyId,
        slaState: record.slaState,
        firstResponseBy: record.firstResponseBy,
        resolveBy: record.resolveBy,
        items: await slaPolicies.kpiInstances(record.id),
      };
    },
  };
}
