import type { CaseActivityItem } from '../../domain/case-commands';
import type { Database } from '../connection';

export interface ResolutionActivityWrite {
  readonly id: string;
  readonly episode: number;
  readonly resolutionType: string;
  readonly resolutionText: string;
  readonly totalMinutesSpent: number;
  readonly resolvedAt: string;
  readonly resolvedByUserId: string | null;
}

/** One activity as GET /cases/{caseNumber}/activities lists it; times as the driver returns them. */
export interface CaseActivityRecord {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly body: string;
  readonly direction: string | null;
  readonly state: string;
  readonly minutesSpent: number;
  readonly dueAt: Date | string | null;
  readonly closedAt: Date | string | null;
  readonly createdAt: Date | string;
  readonly createdByUserId: string | null;
}

/** The case's activities (phone calls, emails, tasks … and the resolution activity). */
export function createCaseActivityRepository(db: Database) {
  return {
    /** The case's activities, open and closed, oldest first (ties by id). */
    async listForCase(caseId: string): Promise<CaseActivityRecord[]> {
      return db('activities')
        .where({ case_id: caseId })
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .select<CaseActivityRecord[]>('id', 'type', 'subject', 'body', 'direction', 'state', 'minutes_spent as minutesSpent', 'due_at as dueAt', 'closed_at as closedAt', 'created_at as createdAt', 'created_by_user_id as createdByUserId');
    },

    /**
     * Inserts the activity, or brings an existing one up to date (state, closing time, minutes).
     * A closed activity is never reopened by a late or repeated "open" write, and an id that
     * belongs to another case is left alone. Returns whether a row was written.
     */
    async upsert(caseId: string, activity: CaseActivityItem): Promise<boolean> {
      const written = await db('activities')
        .insert({
          id: activity.id,
          case_id: caseId,
          type: activity.type,
          subject: activity.subject,
          body: activity.body,
          direction: activity.direction,
          state: activity.state,
          minutes_spent: activity.minutesSpent,
          due_at: activity.dueAt,
          closed_at: activity.closedAt,
          created_by_user_id: activity.createdByUserId,
          created_at: activity.createdAt,
        })
        .onConflict('id')
        .merge(['state', 'closed_at', 'minutes_spent'])
        .where('activities.case_id', db.raw('excluded.case_id'))
        .andWhere((q) => q.where('activities.state', 'open').orWhere(db.raw(`excluded.state = 'closed'`)))
        .returning('id');
      return written.length > 0;
    },

    /**
     * The resolution activity of one resolution episode: closed, with the resolution and the case's
     * total time. Keyed twice, by the workflow's id and by (case, episode), so neither a retry nor a
     * second id for the same episode logs a second resolution. Returns whether this call inserted it.
     */
    async insertResolution(caseId: string, resolution: ResolutionActivityWrite): Promise<boolean> {
      const inserted = await db('activities')
        .insert({
          id: resolution.id,
          case_id: caseId,
          type: 'resolution',
          subject: resolution.resolutionType,
          body: resolution.resolutionText,
          direction: null,
          state: 'closed',
          minutes_spent: resolution.totalMinutesSpent,
          closed_at: resolution.resolvedAt,
          created_by_user_id: resolution.resolvedByUserId,
          created_at: resolution.resolvedAt,
          idempotency_key: `resolution:${caseId}:${resolution.episode}`,
        })
        // No target: a conflict on either unique key (id or idempotency_key) means "already done".
        .onConflict()
        .ignore()
        .returning('id');
      return inserted.length > 0;
    },
  };
}

export type CaseActivityRepository = ReturnType<typeof createCaseActivityRepository>;
