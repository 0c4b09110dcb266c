import type { Database } from '../connection';
import type { CustomerRef } from '../../domain/case';

export interface EntitlementChannelRecord {
  readonly channel: string;
  /** Null: the channel draws on the entitlement's shared allowance. */
  readonly totalTerms: number | null;
  readonly remainingTerms: number | null;
  /** What the channel can still use: its own remaining terms, or the entitlement's. */
  readonly available: number;
}

export interface EntitlementRecord {
  readonly id: string;
  readonly name: string;
  readonly customer: CustomerRef;
  readonly allocationType: 'cases' | 'minutes';
  readonly totalTerms: number;
  readonly remainingTerms: number;
  /** YYYY-MM-DD, inclusive. */
  readonly startDate: string;
  readonly endDate: string;
  readonly status: 'draft' | 'active' | 'expired' | 'cancelled';
  readonly slaPolicyId: string | null;
  readonly isDefault: boolean;
  readonly channels: readonly EntitlementChannelRecord[];
  readonly createdAt: string;
}

export interface EntitlementUsageRecord {
  readonly id: string;
  readonly caseId: string;
  /** Null when the case is not (yet) in the read model: usages are written by the workflow independently. */
  readonly caseNumber: string | null;
  readonly resolutionEpisode: number;
  readonly termsUsed: number;
  readonly usedAt: string;
}

/** Whose entitlements: every customer's (null), or those of these contacts and accounts. */
export type EntitlementOwners = { readonly contactIds: readonly string[]; readonly accountIds: readonly string[] } | null;

interface EntitlementRow {
  id: string;
  name: string;
  customer_account_id: string | null;
  customer_contact_id: string | null;
  allocation_type: 'cases' | 'minutes';
  total_terms: string | number;
  remaining_terms: string | number;
  start_date: string;
  end_date: string;
  status: EntitlementRecord['status'];
  sla_policy_id: string | null;
  is_default: boolean;
  created_at: Date | string;
}

interface ChannelRow {
  entitlement_id: string;
  channel: string;
  total_terms: string | number | null;
  remaining_terms: string | number | null;
}

const numberOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

export function createEntitlementRepository(db: Database) {
  const entitlements = () =>
    db('entitlements').select<EntitlementRow[]>(
      'id',
      'name',
      'customer_account_id',
      'customer_contact_id',
      'allocation_type',
      'total_terms',
      'remaining_terms',
      // Dates as text: the driver would turn a DATE into a local-midnight Date.
      db.raw(`to_char(start_date, 'YYYY-MM-DD') as start_date`),
      db.raw(`to_char(end_date, 'YYYY-MM-DD') as end_date`),
      'status',
      'sla_policy_id',
      'is_default',
      'created_at',
    );

  async function withChannels(rows: EntitlementRow[]): Promise<EntitlementRecord[]> {
    if (rows.length === 0) return [];
    const channels = await db('entitlement_channels')
      .whereIn('entitlement_id', rows.map((r) => r.id))
      .orderBy([{ column: 'entitlement_id' }, { column: 'channel' }])
      .select<ChannelRow[]>('entitlement_id', 'channel', 'total_terms', 'remaining_terms');
    return rows.map((row) => {
      const remaining = Number(row.remaining_terms);
      return {
        id: row.id,
        name: row.name,
        customer: row.customer_contact_id ? { type: 'contact', id: row.customer_contact_id } : { type: 'account', id: row.customer_account_id ?? '' },
        allocationType: row.allocation_type,
        totalTerms: Number(row.total_terms),
        remainingTerms: remaining,
        startDate: row.start_date,
        endDate: row.end_date,
        status: row.status,
        slaPolicyId: row.sla_policy_id,
        isDefault: row.is_default,
        channels: channels
          .filter((c) => c.entitlement_id === row.id)
          .map((c) => {
            const own = numberOrNull(c.remaining_terms);
            return { channel: c.channel, totalTerms: numberOrNull(c.total_terms), remainingTerms: own, available: own ?? remaining };
          }),
        createdAt: new Date(row.created_at).toISOString(),
      };
    });
  }

  return {
    /**
     * The entitlements a case of this customer may draw on, any status: the contact's own first
     * (the more specific), then its account's; by start date, id breaking ties.
     */
    async forCustomer(contactId: string | null, accountId: string | null): Promise<EntitlementRecord[]> {
      const rows = await entitlements()
        .where((q) => {
          q.whereRaw('false');
          if (contactId) q.orWhere('customer_contact_id', contactId);
          if (accountId) q.orWhere('customer_account_id', accountId);
        })
        .orderByRaw('(customer_contact_id is null), start_date, id');
      return withChannels(rows);
    },

    /** Entitlements of `owners`, active first, then the latest ending first. */
    async list(owners: EntitlementOwners, limit: number, offset: number): Promise<{ items: EntitlementRecord[]; total: number }> {
      const query = entitlements();
      if (owners) {
        query.where((q) => {
          q.whereRaw('false');
          if (owners.contactIds.length > 0) q.orWhereIn('customer_contact_id', [...owners.contactIds]);
          if (owners.accountIds.length > 0) q.orWhereIn('customer_account_id', [...owners.accountIds]);
        });
      }
      const [counted] = (await query.clone().clearSelect().count<{ total: string }[]>('* as total')) as [{ total: string }];
      const rows = await query
        .orderByRaw(`(status = 'active') desc, entitlements.end_date desc, entitlements.id`)
        .limit(limit)
        .offset(offset);
      return { items: await withChannels(rows), total: Number(counted.total) };
    },

    async findById(id: string): Promise<EntitlementRecord | undefined> {
      const row = await entitlements().where({ id }).first();
      return row ? (await withChannels([row]))[0] : undefined;
    },

    /** What resolved cases consumed, newest first. */
    async usages(entitlementId: string): Promise<EntitlementUsageRecord[]> {
      const rows = await db('entitlement_usages as u')
        .leftJoin('cases as c', 'c.id', 'u.case_id')
        .where('u.entitlement_id', entitlementId)
        .orderBy([{ column: 'u.created_at', order: 'desc' }, { column: 'u.id' }])
        .select<{ id: string; case_id: string; case_number: string | null; resolution_episode: number; terms_used: string | number; created_at: Date | string }[]>(
          'u.id',
          'u.case_id',
          'c.case_number',
          'u.resolution_episode',
          'u.terms_used',
          'u.created_at',
        );
      return rows.map((r) => ({
        id: r.id,
        caseId: r.case_id,
        caseNumber: r.case_number,
        resolutionEpisode: r.resolution_episode,
        termsUsed: Number(r.terms_used),
        usedAt: new Date(r.created_at).toISOString(),
      }));
    },
  };
}

export type EntitlementRepository = ReturnType<typeof createEntitlementRepository>;
