import type { Database } from '../connection';
import { OPEN_CASE_STATUSES } from '../../domain/case';

export type GoalMetric = 'cases_resolved' | 'cases_in_progress';

export interface GoalRecord {
  readonly id: string;
  readonly name: string;
  readonly metric: GoalMetric;
  readonly ownerUserId: string | null;
  readonly ownerName: string | null;
  readonly queueId: string | null;
  readonly queueName: string | null;
  readonly target: number;
  /** YYYY-MM-DD, inclusive. */
  readonly periodStart: string;
  readonly periodEnd: string;
  /**
   * cases_resolved: cases of the owner (and/or queue) resolved in the period and not reopened since;
   * cases_in_progress: their cases open now (active, on hold or waiting for the customer).
   */
  readonly actual: number;
}

/** Whose goals: every goal (null), or those owned by a user or set for one of some queues. */
export type GoalOwners = { readonly userId: string; readonly queueIds: readonly string[] } | null;

interface GoalRow {
  id: string;
  name: string;
  metric: GoalMetric;
  owner_user_id: string | null;
  owner_name: string | null;
  queue_id: string | null;
  queue_name: string | null;
  target: number;
  period_start: string;
  period_end: string;
  actual: string | number;
}

const open = OPEN_CASE_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * The goal's actual value, computed in the same statement. A goal with neither owner nor queue
 * measures every case. The period's dates are whole days in the database session's time zone.
 */
const ACTUAL = `
  (select count(*) from cases c
    where (g.owner_user_id is null or c.owner_user_id = g.owner_user_id)
      and (g.queue_id is null or c.queue_id = g.queue_id)
      and case g.metric
        when 'cases_resolved' then c.status in ('resolved', 'closed') and c.resolved_at >= g.period_start and c.resolved_at < g.period_end + 1
        else c.status in (${open})
      end)`;

export function createGoalRepository(db: Database) {
  return {
    /** The goals of `owners` with their progress, by period then name. */
    async list(owners: GoalOwners): Promise<GoalRecord[]> {
      const query = db('goals as g')
        .leftJoin('users as u', 'u.id', 'g.owner_user_id')
        .leftJoin('queues as q', 'q.id', 'g.queue_id')
        .select<GoalRow[]>(
          'g.id',
          'g.name',
          'g.metric',
          'g.owner_user_id',
          'u.display_name as owner_name',
          'g.queue_id',
          'q.name as queue_name',
          'g.target',
          db.raw(`to_char(g.period_start, 'YYYY-MM-DD') as period_start`),
          db.raw(`to_char(g.period_end, 'YYYY-MM-DD') as period_end`),
          db.raw(`${ACTUAL} as actual`),
        )
        .orderBy([{ column: 'g.period_start', order: 'desc' }, { column: 'g.name' }, { column: 'g.id' }]);
      if (owners) {
        query.where((q) => {
          q.where('g.owner_user_id', owners.userId);
          if (owners.queueIds.length > 0) q.orWhereIn('g.queue_id', [...owners.queueIds]);
        });
      }
      return (await query).map((r) => ({
        id: r.id,
        name: r.name,
        metric: r.metric,
        ownerUserId: r.owner_user_id,
        ownerName: r.owner_name,
        queueId: r.queue_id,
        queueName: r.queue_name,
        target: r.target,
        periodStart: r.period_start,
        periodEnd: r.period_end,
        actual: Number(r.actual),
      }));
    },
  };
}

export type GoalRepository = ReturnType<typeof createGoalRepository>;
