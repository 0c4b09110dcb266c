import type { Database } from '../connection';

/** A number handed out for a creation request (`case_requests`). */
export interface ReservationFact {
  readonly requestId: string;
  readonly caseNumber: string;
  readonly reservedAt: string;
}

/** What the reconciliation needs of a `cases` row. */
export interface CaseRowFact {
  readonly id: string;
  readonly caseNumber: string;
  readonly workflowId: string;
  readonly requestId: string;
  readonly status: string;
  readonly isEntitled: boolean;
  readonly entitlementId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** How many rows a (case, resolution episode) has in one of the once-per-resolution tables. */
export interface EpisodeCount {
  readonly caseId: string;
  readonly episode: number;
  readonly rows: number;
  /** When the first of them was written. */
  readonly firstAt: string;
}

/** The entitlement usages of a (case, episode). */
export interface UsageCount extends EpisodeCount {
  readonly entitlementIds: readonly string[];
}

const iso = (value: Date | string): string => new Date(value).toISOString();

/**
 * Read-only snapshots of the records a reconciliation compares with the workflows: reserved
 * numbers, case rows, and the rows that must exist once per case and resolution episode (the
 * resolution activity, the entitlement usage, the survey), counted so a duplicate shows.
 */
export function createReconciliationRepository(db: Database) {
  return {
    async reservations(): Promise<ReservationFact[]> {
      const rows = await db('case_requests')
        .orderBy('case_number')
        .select<{ request_id: string; case_number: string; created_at: Date | string }[]>('request_id', 'case_number', 'created_at');
      return rows.map((r) => ({ requestId: r.request_id, caseNumber: r.case_number, reservedAt: iso(r.created_at) }));
    },

    async caseRows(): Promise<CaseRowFact[]> {
      const rows = await db('cases')
        .orderBy('case_number')
        .select<
          {
            id: string;
            case_number: string;
            workflow_id: string;
            request_id: string;
            status: string;
            is_entitled: boolean;
            entitlement_id: string | null;
            created_at: Date | string;
            updated_at: Date | string;
          }[]
        >('id', 'case_number', 'workflow_id', 'request_id', 'status', 'is_entitled', 'entitlement_id', 'created_at', 'updated_at');
      return rows.map((r) => ({
        id: r.id,
        caseNumber: r.case_number,
        workflowId: r.workflow_id,
        requestId: r.request_id,
        status: r.status,
        isEntitled: r.is_entitled,
        entitlementId: r.entitlement_id,
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
      }));
    },

    /** Resolution activities by (case, episode); the episode is the last part of their idempotency key (`resolution:<case id>:<episode>`). */
    async resolutionActivities(): Promise<EpisodeCount[]> {
      const rows = await db('activities')
        .where({ type: 'resolution' })
        .groupBy('case_id', 'episode')
        .orderBy(['case_id', 'episode'])
        .select<{ case_id: string; episode: number | null; rows: string | number; first_at: Date | string }[]>(
          'case_id',
          db.raw(`(case when idempotency_key ~ '^resolution:[^:]+:[0-9]+$' then split_part(idempotency_key, ':', 3)::int end) as episode`),
          db.raw('count(*) as rows'),
          db.raw('min(created_at) as first_at'),
        );
      // A resolution activity without a well-formed key counts as episode 0, which no resolution has.
      return rows.map((r) => ({ caseId: r.case_id, episode: r.episode ?? 0, rows: Number(r.rows), firstAt: iso(r.first_at) }));
    },

    async entitlementUsages(): Promise<UsageCount[]> {
      const rows = await db('entitlement_usages')
        .groupBy('case_id', 'resolution_episode')
        .orderBy(['case_id', 'resolution_episode'])
        .select<{ case_id: string; resolution_episode: number; rows: string | number; first_at: Date | string; entitlement_ids: string[] }[]>(
          'case_id',
          'resolution_episode',
          db.raw('count(*) as rows'),
          db.raw('min(created_at) as first_at'),
          db.raw('array_agg(distinct entitlement_id::text) as entitlement_ids'),
        );
      return rows.map((r) => ({
        caseId: r.case_id,
        episode: r.resolution_episode,
        rows: Number(r.rows),
        firstAt: iso(r.first_at),
        entitlementIds: r.entitlement_ids,
      }));
    },

    async surveys(): Promise<EpisodeCount[]> {
      const rows = await db('surveys')
        .groupBy('case_id', 'resolution_episode')
        .orderBy(['case_id', 'resolution_episode'])
        .select<{ case_id: string; resolution_episode: number; rows: string | number; first_at: Date | string | null }[]>(
          'case_id',
          'resolution_episode',
          db.raw('count(*) as rows'),
          db.raw('min(sent_at) as first_at'),
        );
      return rows.map((r) => ({ caseId: r.case_id, episode: r.resolution_episode, rows: Number(r.rows), firstAt: iso(r.first_at ?? new Date(0)) }));
    },
  };
}

export type ReconciliationRepository = ReturnType<typeof createReconciliationRepository>;
