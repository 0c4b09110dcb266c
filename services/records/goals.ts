import { isManager, isStaff, type Actor } from '../../domain/actor';
import type { GoalRecord } from '../../db/repositories/goal.repository';
import { ForbiddenError } from '../errors';
import type { RecordsServiceDependencies } from './types';

export interface GoalView extends GoalRecord {
  /** actual / target in percent, one decimal. */
  readonly percent: number;
}

/** Goals with their progress. */
export function goalRecords(deps: Pick<RecordsServiceDependencies, 'goals'>) {
  return {
    /** Supervisors and administrators: every goal; an agent: their own and their queues'. */
    async listGoals(actor: Actor): Promise<GoalView[]> {
      if (!isStaff(actor)) throw new ForbiddenError('goals are for agents, supervisors and administrators');
      const goals = await deps.goals.list(isManager(actor) ? null : { userId: actor.userId, queueIds: actor.queueIds });
      return goals.map((goal) => ({ ...goal, percent: Math.round((goal.actual / goal.target) * 1000) / 10 }));
    },
  };
}
