import type { Database } from '../connection';
import type { CustomerRef, Priority } from '../../domain/case';
import { OPEN_CASE_STATUSES } from '../../domain/case';

export interface QueueRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly description: string;
  readonly isDefault: boolean;
}

export interface QueueCounts {
  /** Active cases in the queue that nobody has taken. */
  readonly waiting: number;
  /** Open cases (OPEN_CASE_STATUSES: active, on hold, waiting for the customer) that someone owns. */
  readonly inProgress: number;
  /** Open cases whose SLA is nearing non-compliance or already non-compliant. */
  readonly slaAtRisk: number;
}

export interface QueueItemRecord {
  readonly caseNumber: string;
  readonly title: string;
  readonly customer: CustomerRef;
  readonly channel: string;
  readonly priority: Priority;
  readonly status: string;
  readonly slaState: string | null;
  readonly firstResponseBy: string | null;
  readonly resolveBy: string | null;
  readonly createdAt: string;
}

export interface QueueMemberRecord {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
}

const AT_RISK = ['nearing_noncompliance', 'noncompliant'] as const;
const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function createQueueRepository(db: Database) {
  return {
    async list(): Promise<QueueRecord[]> {
      const rows = await db('queues')
        .orderBy([{ column: 'name' }, { column: 'id' }])
        .select<{ id: string; name: string; email: string | null; description: string; is_default: boolean }[]>('id', 'name', 'email', 'description', 'is_default');
      return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, description: r.description, isDefault: r.is_default }));
    },

    async findById(id: string): Promise<QueueRecord | undefined> {
      const r = await db('queues').where({ id }).first<{ id: string; name: string; email: string | null; description: string; is_default: boolean } | undefined>('id', 'name', 'email', 'description', 'is_default');
      return r ? { id: r.id, name: r.name, email: r.email, description: r.description, isDefault: r.is_default } : undefined;
    },

    /** Work counts of every queue that has cases (or of these queues only); a queue missing from the map has none. */
    async counts(queueIds?: readonly string[]): Promise<Map<string, QueueCounts>> {
      const rows = await db('cases')
        .whereNotNull('queue_id')
        .modify((q) => {
          if (queueIds) q.whereIn('queue_id', [...queueIds]);
        })
        .groupBy('queue_id')
        .select<{ queue_id: string; waiting: string; in_progress: string; sla_at_risk: string }[]>(
          'queue_id',
          db.raw(`count(*) filter (where status = 'active' and owner_user_id is null) as waiting`),
          db.raw(`count(*) filter (where owner_user_id is not null and status in (${placeholders(OPEN_CASE_STATUSES)})) as in_progress`, [...OPEN_CASE_STATUSES]),
          db.raw(`count(*) filter (where status in (${placeholders(OPEN_CASE_STATUSES)}) and sla_state in (${placeholders(AT_RISK)})) as sla_at_risk`, [
            ...OPEN_CASE_STATUSES,
            ...AT_RISK,
          ]),
        );
      return new Map(rows.map((r) => [r.queue_id, { waiting: Number(r.waiting), inProgress: Number(r.in_progress), slaAtRisk: Number(r.sla_at_risk) }]));
    },

    /** These queues, by name. */
    async listByIds(ids: readonly string[]): Promise<Pick<QueueRecord, 'id' | 'name'>[]> {
      if (ids.length === 0) return [];
      return db('queues').whereIn('id', [...ids]).orderBy([{ column: 'name' }, { column: 'id' }]).select<{ id: string; name: string }[]>('id', 'name');
    },

    /** The queue named `name` (any letter case), else the first by name whose name contains it. */
    async findByName(name: string): Promise<Pick<QueueRecord, 'id' | 'name'> | undefined> {
      const clean = name.trim();
      return (
        (await db('queues').whereRaw('lower(name) = lower(?)', [clean]).first<{ id: string; name: string } | undefined>('id', 'name')) ??
        (await db('queues').whereRaw('lower(name) like lower(?)', [`%${clean.replace(/[%_\\]/g, '')}%`]).orderBy('name').first<{ id: string; name: string } | undefined>('id', 'name'))
      );
    },

    /** Numbers of the waiting cases (active, nobody has taken them) in these queues, the most urgent first, at most `limit`. */
    async waitingCaseNumbers(queueIds: readonly string[], limit: number): Promise<string[]> {
      return db('cases')
        .whereIn('queue_id', [...queueIds])
        .where({ status: 'active' })
        .whereNull('owner_user_id')
        // The most urgent first: the nearest deadline still running (the first response until it is
        // given, then the resolution), then the higher priority, then the oldest.
        .orderByRaw(
          "coalesce(case when first_responded_at is null then first_response_by end, resolve_by) asc nulls last, array_position(array['urgent','high','normal','low']::text[], priority) asc, created_at asc, case_number asc",
        )
        .limit(limit)
        .pluck<string[]>('case_number');
    },

    /** Open cases whose SLA is at risk (whatever their queue), the earliest first-response deadline first, at most `limit`. */
    async slaAtRiskCases(limit: number): Promise<{ caseNumber: string; title: string; slaState: string; resolveBy: string | null }[]> {
      const rows = await db('cases')
        .whereIn('status', [...OPEN_CASE_STATUSES])
        .whereIn('sla_state', [...AT_RISK])
        .orderBy([{ column: 'first_response_by' }, { column: 'resolve_by' }])
        .limit(limit)
        .select<{ case_number: string; title: string; sla_state: string; resolve_by: Date | null }[]>('case_number', 'title', 'sla_state', 'resolve_by');
      return rows.map((r) => ({ caseNumber: r.case_number, title: r.title, slaState: r.sla_state, resolveBy: iso(r.resolve_by) }));
    },

    /** The queue's waiting cases (active, nobody has taken them), oldest first. */
    async waitingItems(queueId: string, limit: number, offset: number): Promise<{ items: QueueItemRecord[]; total: number }> {
      const query = db('cases').where({ queue_id: queueId, status: 'active' }).whereNull('owner_user_id');
      const [counted] = (await query.clone().count<{ total: string }[]>('* as total')) as [{ total: string }];
      const rows = await query
        .orderBy([{ column: 'created_at' }, { column: 'case_number' }])
        .limit(limit)
        .offset(offset)
        .select<
          {
            case_number: string;
            title: string;
            customer_contact_id: string | null;
            customer_account_id: string | null;
            channel: string;
            priority: Priority;
            status: string;
            sla_state: string | null;
            first_response_by: Date | null;
            resolve_by: Date | null;
            created_at: Date;
          }[]
        >('case_number', 'title', 'customer_contact_id', 'customer_account_id', 'channel', 'priority', 'status', 'sla_state', 'first_response_by', 'resolve_by', 'created_at');
      return {
        total: Number(counted.total),
        items: rows.map((r) => ({
          caseNumber: r.case_number,
          title: r.title,
          customer: r.customer_contact_id ? { type: 'contact', id: r.customer_contact_id } : { type: 'account', id: r.customer_account_id ?? '' },
          channel: r.channel,
          priority: r.priority,
          status: r.status,
          slaState: r.sla_state,
          firstResponseBy: iso(r.first_response_by),
          resolveBy: iso(r.resolve_by),
          createdAt: new Date(r.created_at).toISOString(),
        })),
      };
    },

    async members(queueId: string): Promise<QueueMemberRecord[]> {
      const rows = await db('queue_members as m')
        .join('users as u', 'u.id', 'm.user_id')
        .where('m.queue_id', queueId)
        .orderBy([{ column: 'u.display_name' }, { column: 'u.id' }])
        .select<{ id: string; username: string; display_name: string; role: string }[]>('u.id', 'u.username', 'u.display_name', 'u.role');
      return rows.map((r) => ({ userId: r.id, username: r.username, displayName: r.display_name, role: r.role }));
    },
  };
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;
