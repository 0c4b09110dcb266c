import type { Knex } from 'knex';
import type { Database } from '../connection';
import type { CaseSnapshot, CaseStatus, Channel, Priority, Stage } from '../../domain/case';
import { formatCaseNumber } from '../../domain/case-number';

/** A row of the `cases` read model as the API returns it. */
export type CaseRecord = Omit<CaseSnapshot, 'requestId' | 'createdByUserId' | 'openedAt'> & {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

interface CaseRow {
  id: string;
  case_number: string;
  workflow_id: string;
  title: string;
  description: string;
  customer_contact_id: string | null;
  customer_account_id: string | null;
  channel: Channel;
  priority: Priority;
  product_id: string | null;
  subject: string | null;
  status: CaseStatus;
  status_reason: string | null;
  stage: Stage;
  queue_id: string | null;
  owner_user_id: string | null;
  entitlement_id: string | null;
  is_entitled: boolean;
  sla_policy_id: string | null;
  routing_rule_id: string | null;
  sla_state: string | null;
  first_response_by: Date | null;
  resolve_by: Date | null;
  first_responded_at: Date | null;
  resolved_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Who a case belongs to: its customer, and the account of its contact customer. */
export interface CaseOwnership {
  readonly id: string;
  readonly caseNumber: string;
  readonly status: CaseStatus;
  readonly customerContactId: string | null;
  readonly customerAccountId: string | null;
  /** The account of the case's contact customer, if it belongs to one. */
  readonly contactAccountId: string | null;
}

/** A case whose read-model row was just written, with the facts that decide who may see it. */
export interface CaseChange {
  readonly caseNumber: string;
  readonly version: number;
  readonly queueId: string | null;
  readonly ownerUserId: string | null;
  readonly customerContactId: string | null;
  readonly customerAccountId: string | null;
  /** The account of the case's contact customer, if it belongs to one. */
  readonly contactAccountId: string | null;
}

/** Which cases a caller may see: every row, a customer's own and their account's, or an agent's queues and own. */
export type CaseScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'customer'; readonly contactId: string | null; readonly accountId: string | null }
  | { readonly kind: 'agent'; readonly userId: string; readonly queueIds: readonly string[] };

export interface CaseFilter {
  readonly status?: readonly CaseStatus[];
  readonly queueId?: string;
  readonly ownerUserId?: string | null;
  readonly customerId?: string;
  readonly slaState?: string;
  readonly priority?: readonly Priority[];
  readonly channel?: readonly Channel[];
  readonly text?: string;
}

export const CASE_SORTS = ['createdAt', '-createdAt', 'priority', '-priority', 'resolveBy', '-resolveBy', 'firstResponseBy', '-firstResponseBy'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 'created_at',
  priority: "array_position(array['low','normal','high','urgent']::text[], priority)",
  resolveBy: 'resolve_by',
  firstResponseBy: 'first_response_by',
};

/**
 * Limits a query on `cases` to the rows `scope` may see: the one rule behind GET /cases, a case's
 * visibility, and the case counts shown on customers.
 */
export function whereCaseVisible(db: Database, query: Knex.QueryBuilder, scope: CaseScope): Knex.QueryBuilder {
  if (scope.kind === 'customer') {
    query.where((q) => {
      q.whereRaw('false');
      if (scope.contactId) q.orWhere('cases.customer_contact_id', scope.contactId);
      if (scope.accountId) {
        q.orWhere('cases.customer_account_id', scope.accountId).orWhereIn('cases.customer_contact_id', db('contacts').select('id').where('account_id', scope.accountId));
      }
    });
  } else if (scope.kind === 'agent') {
    query.where((q) => {
      q.where('cases.owner_user_id', scope.userId);
      if (scope.queueIds.length > 0) q.orWhereIn('cases.queue_id', [...scope.queueIds]);
    });
  }
  return query;
}

export function createCaseRepository(db: Database) {
  function scoped(scope: CaseScope) {
    return whereCaseVisible(db, db<CaseRow>('cases'), scope) as Knex.QueryBuilder<CaseRow, CaseRow[]>;
  }

  async function findReservation(requestId: string): Promise<{ caseNumber: string; fingerprint: string | null } | undefined> {
    const row = await db('case_requests')
      .where({ request_id: requestId })
      .first<{ case_number: string; request_fingerprint: string | null } | undefined>('case_number', 'request_fingerprint');
    return row && { caseNumber: row.case_number, fingerprint: row.request_fingerprint };
  }

  /**
   * Reserves the case number of a request id (the same id always gets the same number) and says
   * whether the reservation was made for the same request: a fingerprint (a hash of what was
   * asked) that differs from the one stored means the id was reused for something else.
   */
  async function reserve(requestId: string, fingerprint: string | null): Promise<{ caseNumber: string; sameRequest: boolean }> {
    const matches = (stored: string | null) => stored === null || fingerprint === null || stored === fingerprint;
    const reserved = await findReservation(requestId);
    if (reserved) return { caseNumber: reserved.caseNumber, sameRequest: matches(reserved.fingerprint) };
    const next = await db.raw<{ rows: { n: string }[] }>(`select nextval('case_number_seq') as n`);
    const inserted = await db('case_requests')
      .insert({ request_id: requestId, case_number: formatCaseNumber(Number(next.rows[0]?.n)), request_fingerprint: fingerprint })
      .onConflict('request_id')
      .ignore()
      .returning<{ case_number: string }[]>('case_number');
    if (inserted[0]) return { caseNumber: inserted[0].case_number, sameRequest: true };
    // A concurrent request with the same id won the insert: take its number (a gap is harmless).
    const winner = await findReservation(requestId);
    if (!winner) throw new Error(`case request ${requestId} could not be reserved`);
    return { caseNumber: winner.caseNumber, sameRequest: matches(winner.fingerprint) };
  }

  return {
    /**
     * The case number for a creation request: the first call draws the next number, every later
     * call with the same request id gets the same one, so a retried POST opens no second case.
     */
    async reserveCaseNumber(requestId: string): Promise<string> {
      return (await reserve(requestId, null)).caseNumber;
    },

    reserve,

    /** The request that reserved a case number, while its case has no row yet (null once it has one, or if never reserved). */
    async pendingReservation(caseNumber: string): Promise<{ requestId: string } | null> {
      const row = await db('case_requests as r')
        .leftJoin('cases as c', 'c.case_number', 'r.case_number')
        .where('r.case_number', caseNumber)
        .whereNull('c.id')
        .first<{ request_id: string } | undefined>('r.request_id');
      return row ? { requestId: row.request_id } : null;
    },

    /** Writes a snapshot unless the row already holds the same or a newer version. Returns whether it wrote. */
    async upsertSnapshot(snapshot: CaseSnapshot): Promise<boolean> {
      const row = {
        case_number: snapshot.caseNumber,
        workflow_id: snapshot.workflowId,
        request_id: snapshot.requestId,
        title: snapshot.title,
        description: snapshot.description,
        customer_contact_id: snapshot.customer.type === 'contact' ? snapshot.customer.id : null,
        customer_account_id: snapshot.customer.type === 'account' ? snapshot.customer.id : null,
        channel: snapshot.channel,
        priority: snapshot.priority,
        product_id: snapshot.productId,
        subject: snapshot.subject,
        status: snapshot.status,
        status_reason: snapshot.statusReason,
        stage: snapshot.stage,
        queue_id: snapshot.queueId,
        owner_user_id: snapshot.ownerUserId,
        created_by_user_id: snapshot.createdByUserId,
        entitlement_id: snapshot.entitlementId,
        is_entitled: snapshot.isEntitled,
        sla_policy_id: snapshot.slaPolicyId,
        routing_rule_id: snapshot.routingRuleId,
        sla_state: snapshot.slaState,
        first_response_by: snapshot.firstResponseBy,
        resolve_by: snapshot.resolveBy,
        first_responded_at: snapshot.firstRespondedAt,
        resolved_at: snapshot.resolvedAt,
        version: snapshot.version,
        created_at: snapshot.openedAt,
        updated_at: db.fn.now(),
      };
      const { created_at: _createdAt, case_number: _caseNumber, workflow_id: _workflowId, request_id: _requestId, ...changes } = row;
      const written = await db('cases')
        .insert(row)
        .onConflict('case_number')
        .merge(changes)
        .where('cases.version', '<', db.raw('excluded.version'))
        .returning('id');
      return written.length > 0;
    },

    /** The case, if the scope may see it; otherwise undefined, exactly as for an unknown case. */
    async findVisible(caseNumber: string, scope: CaseScope): Promise<CaseRecord | undefined> {
      const row = await scoped(scope).where({ case_number: caseNumber }).first();
      return row ? toRecord(row) : undefined;
    },

    async list(scope: CaseScope, filter: CaseFilter, sort: CaseSort, limit: number, offset: number): Promise<{ items: CaseRecord[]; total: number }> {
      const query = scoped(scope);
      if (filter.status?.length) query.whereIn('status', [...filter.status]);
      if (filter.queueId) query.where('queue_id', filter.queueId);
      if (filter.ownerUserId !== undefined) {
        if (filter.ownerUserId === null) query.whereNull('owner_user_id');
        else query.where('owner_user_id', filter.ownerUserId);
      }
      if (filter.customerId) query.where((q) => q.where('customer_contact_id', filter.customerId).orWhere('customer_account_id', filter.customerId));
      if (filter.slaState) query.where('sla_state', filter.slaState);
      if (filter.priority?.length) query.whereIn('priority', [...filter.priority]);
      if (filter.channel?.length) query.whereIn('channel', [...filter.channel]);
      if (filter.text) query.whereILike('title', `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const [{ total }] = (await query.clone().count<{ total: string }[]>('* as total')) as [{ total: string }];
      const descending = sort.startsWith('-');
      const column = SORT_COLUMNS[sort.replace(/^-/, '')] ?? 'created_at';
      const rows = await query
        .orderByRaw(`${column} ${descending ? 'desc' : 'asc'} nulls last, case_number asc`)
        .limit(limit)
        .offset(offset);
      return { items: rows.map(toRecord), total: Number(total) };
    },

    /**
     * The cases whose row was written in the last `seconds` (at most `limit`, the latest first):
     * an index range scan on updated_at, however many cases there are.
     */
    async recentlyChanged(seconds: number, limit = 5_000): Promise<CaseChange[]> {
      const rows = await db('cases as k')
        .leftJoin('contacts as c', 'c.id', 'k.customer_contact_id')
        .where('k.updated_at', '>', db.raw('now() - make_interval(secs => ?)', [seconds]))
        .orderBy('k.updated_at', 'desc')
        .limit(limit)
        .select<
          {
            case_number: string;
            version: number;
            queue_id: string | null;
            owner_user_id: string | null;
            customer_contact_id: string | null;
            customer_account_id: string | null;
            contact_account_id: string | null;
          }[]
        >('k.case_number', 'k.version', 'k.queue_id', 'k.owner_user_id', 'k.customer_contact_id', 'k.customer_account_id', 'c.account_id as contact_account_id');
      return rows.map((r) => ({
        caseNumber: r.case_number,
        version: r.version,
        queueId: r.queue_id,
        ownerUserId: r.owner_user_id,
        customerContactId: r.customer_contact_id,
        customerAccountId: r.customer_account_id,
        contactAccountId: r.contact_account_id,
      }));
    },

    async findByCaseNumber(caseNumber: string): Promise<CaseRecord | undefined> {
      const row = await db<CaseRow>('cases').where({ case_number: caseNumber }).first();
      return row ? toRecord(row) : undefined;
    },

    /** Who the cases with these numbers belong to (unknown numbers are left out; no order). */
    async findOwnership(caseNumbers: readonly string[]): Promise<CaseOwnership[]> {
      const rows = await db('cases as k')
        .leftJoin('contacts as c', 'c.id', 'k.customer_contact_id')
        .whereIn('k.case_number', caseNumbers)
        .select<
          { id: string; case_number: string; status: CaseStatus; customer_contact_id: string | null; customer_account_id: string | null; contact_account_id: string | null }[]
        >('k.id', 'k.case_number', 'k.status', 'k.customer_contact_id', 'k.customer_account_id', 'c.account_id as contact_account_id');
      return rows.map((r) => ({
        id: r.id,
        caseNumber: r.case_number,
        status: r.status,
        customerContactId: r.customer_contact_id,
        customerAccountId: r.customer_account_id,
        contactAccountId: r.contact_account_id,
      }));
    },
  };
}

export type CaseRepository = ReturnType<typeof createCaseRepository>;

function toRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    caseNumber: row.case_number,
    workflowId: row.workflow_id,
    title: row.title,
    description: row.description,
    customer: row.customer_contact_id
      ? { type: 'contact', id: row.customer_contact_id }
      : { type: 'account', id: row.customer_account_id ?? '' },
    channel: row.channel,
    priority: row.priority,
    productId: row.product_id,
    subject: row.subject,
    status: row.status,
    statusReason: row.status_reason,
    stage: row.stage,
    queueId: row.queue_id,
    ownerUserId: row.owner_user_id,
    entitlementId: row.entitlement_id,
    isEntitled: row.is_entitled,
    slaPolicyId: row.sla_policy_id,
    routingRuleId: row.routing_rule_id,
    slaState: row.sla_state,
    firstResponseBy: isoOrNull(row.first_response_by),
    resolveBy: isoOrNull(row.resolve_by),
    firstRespondedAt: isoOrNull(row.first_responded_at),
    resolvedAt: isoOrNull(row.resolved_at),
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
