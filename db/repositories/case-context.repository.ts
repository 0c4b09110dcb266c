import type { Database } from '../connection';
import { createEntitlementRepository } from './entitlement.repository';
import type { CaseStatus, Channel, CustomerRef, Priority } from '../../domain/case';
import type { CustomerTier } from '../../domain/customer';
import { validateBusinessCalendar } from '../../domain/business-calendar';
import type {
  CaseContext,
  CustomerFacts,
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
    const records = await createEntitlementRepository(db).forCustomer(facts.contactId, facts.accountId);
    return records.map((record) => ({
      id: record.id,
      name: record.name,
      allocationType: record.allocationType,
      remainingTerms: record.remainingTerms,
      startDate: record.startDate,
      endDate: record.endDate,
      status: record.status,
      slaPolicyId: record.slaPolicyId,
      isDefault: record.isDefault,
      channels: record.channels.map((c) => ({ channel: c.channel as Channel, remainingTerms: c.remainingTerms })),
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
