import type { Database } from '../connection';
import type { CaseStatus, Channel, CustomerRef, Priority } from '../../domain/case';
import type { CustomerTier } from '../../domain/customer';
import { validateBusinessCalendar } from '../../domain/business-calendar';
import type {
  AllocationType,
  CaseContext,
  CustomerFacts,
  EntitlementStatus,
  EntitlementTerms,
  RoutingConditions,
  RoutingRule,
  SlaKpiName,
  SlaPolicyTerms,
} from '../../domain/case-context';

/** What the case's side-effect activities need to know about a recorded case. */
export interface CaseRef {
  readonly id: string;
  readonly caseNumber: string;
  readonly title: string;
  readonly channel: Channel;
  readonly contactId: string | null;
  readonly accountId: string | null;
}

interface EntitlementRow {
  id: string;
  name: string;
  allocation_type: AllocationType;
  remaining_terms: string;
  start_date: string;
  end_date: string;
  status: EntitlementStatus;
  sla_policy_id: string | null;
  is_default: boolean;
}

interface PolicyRow {
  id: string;
  name: string;
  applies_when_no_entitlement: boolean;
  pause_on: CaseStatus[];
  time_zone: string | null;
  weekly_hours: unknown;
  holidays: unknown;
}

interface KpiRow {
  sla_policy_id: string;
  kpi: SlaKpiName;
  priority: Priority | null;
  customer_tier: CustomerTier | null;
  warn_after_minutes: number;
  fail_after_minutes: number;
}

/**
 * Reads, never writes: the records behind a case's decisions (customer, entitlements, routing, SLA)
 * and the case row the other activities hang their writes on.
 */
export function createCaseContextRepository(db: Database) {
  async function findCustomer(customer: CustomerRef): Promise<CustomerFacts | undefined> {
    if (customer.type === 'account') {
      const row = await db('accounts')
        .where({ id: customer.id })
        .first<{ id: string; name: string; email: string | null; tier: CustomerTier } | undefined>('id', 'name', 'email', 'tier');
      return row && { contactId: null, accountId: row.id, displayName: row.name, email: row.email, tier: row.tier };
    }
    const row = await db('contacts as c')
      .leftJoin('accounts as a', 'a.id', 'c.account_id')
      .where('c.id', customer.id)
      .first<
        | { id: string; account_id: string | null; first_name: string; last_name: string; email: string | null; tier: CustomerTier | null }
        | undefined
      >('c.id', 'c.account_id', 'c.first_name', 'c.last_name', 'c.email', 'a.tier');
    return (
      row && {
        contactId: row.id,
        accountId: row.account_id,
        displayName: `${row.first_name} ${row.last_name}`.trim(),
        email: row.email,
        tier: row.tier ?? 'standard',
      }
    );
  }

  async function findEntitlements(facts: CustomerFacts): Promise<EntitlementTerms[]> {
    const rows = await db('entitlements')
      .where((q) => {
        if (facts.contactId) q.orWhere('customer_contact_id', facts.contactId);
        if (facts.accountId) q.orWhere('customer_account_id', facts.accountId);
      })
      // The contact's own contract first (the more specific), then by period; id breaks ties.
      .orderByRaw('(customer_contact_id is null), start_date, id')
      .select<EntitlementRow[]>(
        'id',
        'name',
        'allocation_type',
        'remaining_terms',
        // pg hands a `date` back as a Date at local midnight; text in SQL sidesteps the time zone.
        db.raw(`to_char(start_date, 'YYYY-MM-DD') as start_date`),
        db.raw(`to_char(end_date, 'YYYY-MM-DD') as end_date`),
        'status',
        'sla_policy_id',
        'is_default',
      );
    if (rows.length === 0) return [];
    const channels = await db('entitlement_channels')
      .whereIn(
        'entitlement_id',
        rows.map((r) => r.id),
      )
      .orderBy(['entitlement_id', 'channel'])
      .select<{ entitlement_id: string; channel: Channel; remaining_terms: string | null }[]>('entitlement_id', 'channel', 'remaining_terms');
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      allocationType: row.allocation_type,
      // numeric arrives as a string (exact decimal); the terms are small enough for a double.
      remainingTerms: Number(row.remaining_terms),
      startDate: row.start_date,
      endDate: row.end_date,
      status: row.status,
      slaPolicyId: row.sla_policy_id,
      isDefault: row.is_default,
      channels: channels
        .filter((c) => c.entitlement_id === row.id)
        .map((c) => ({ channel: c.channel, remainingTerms: c.remaining_terms === null ? null : Number(c.remaining_terms) })),
    }));
  }

  async function findRoutingRules(): Promise<RoutingRule[]> {
    const rows = await db('routing_rules')
      .where({ active: true })
      .orderBy('position')
      .select<{ id: string; name: string; position: number; conditions: RoutingConditions; queue_id: string }[]>(
        'id',
        'name',
        'position',
        'conditions',
        'queue_id',
      );
    return rows.map((r) => ({ id: r.id, name: r.name, position: r.position, conditions: r.conditions, queueId: r.queue_id }));
  }

  async function findSlaPolicies(): Promise<SlaPolicyTerms[]> {
    const policies = await db('sla_policies as p')
      .leftJoin('business_calendars as c', 'c.id', 'p.business_calendar_id')
      .orderBy(['p.name', 'p.id'])
      .select<PolicyRow[]>('p.id', 'p.name', 'p.applies_when_no_entitlement', 'p.pause_on', 'c.time_zone', 'c.weekly_hours', 'c.holidays');
    const kpis = await db('sla_kpis')
      .orderByRaw(`sla_policy_id, kpi, priority nulls first, customer_tier nulls first`)
      .select<KpiRow[]>('sla_policy_id', 'kpi', 'priority', 'customer_tier', 'warn_after_minutes', 'fail_after_minutes');
    return policies.map((p) => ({
      id: p.id,
      name: p.name,
      appliesWhenNoEntitlement: p.applies_when_no_entitlement,
      // Checked here, in the activity, so a bad calendar row fails loudly before a workflow relies on it.
      calendar:
        p.time_zone === null
          ? null
          : validateBusinessCalendar({ timeZone: p.time_zone, weeklyHours: p.weekly_hours, holidays: p.holidays }),
      pauseOn: p.pause_on,
      kpis: kpis
        .filter((k) => k.sla_policy_id === p.id)
        .map((k) => ({
          kpi: k.kpi,
          priority: k.priority,
          customerTier: k.customer_tier,
          warnAfterMinutes: k.warn_after_minutes,
          failAfterMinutes: k.fail_after_minutes,
        })),
    }));
  }

  return {
    /** Everything but `today` for a customer, or undefined when the customer does not exist. */
    async loadContext(customer: CustomerRef): Promise<Omit<CaseContext, 'today'> | undefined> {
      const facts = await findCustomer(customer);
      if (!facts) return undefined;
      const [entitlements, routingRules, defaultQueue, slaPolicies] = await Promise.all([
        findEntitlements(facts),
        findRoutingRules(),
        db('queues').where({ is_default: true }).first<{ id: string } | undefined>('id'),
        findSlaPolicies(),
      ]);
      return { customer: facts, entitlements, routingRules, defaultQueueId: defaultQueue?.id ?? null, slaPolicies };
    },

    async findCase(caseNumber: string): Promise<CaseRef | undefined> {
      const row = await db('cases')
        .where({ case_number: caseNumber })
        .first<
          | { id: string; case_number: string; title: string; channel: Channel; customer_contact_id: string | null; customer_account_id: string | null }
          | undefined
        >('id', 'case_number', 'title', 'channel', 'customer_contact_id', 'customer_account_id');
      return (
        row && {
          id: row.id,
          caseNumber: row.case_number,
          title: row.title,
          channel: row.channel,
          contactId: row.customer_contact_id,
          accountId: row.customer_account_id,
        }
      );
    },
  };
}

export type CaseContextRepository = ReturnType<typeof createCaseContextRepository>;
