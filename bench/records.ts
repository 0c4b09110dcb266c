import type { Knex } from 'knex';
import { openDatabase, type DatabaseTarget } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { DEMO, seedDemoData } from '../db/seeds/demo';

/** The extra contacts the bench signs in as (each becomes a customer user through the API). */
export interface BenchContacts {
  /** In the demo gold account: cases, notes and bot turns. */
  readonly gold: string[];
  /** In an account of their own whose SLA policy warns one minute after opening (the timer benchmark). */
  readonly sla: string[];
}

/** The first-response warning of the timer benchmark's cases: the shortest the minute-grained sla_kpis allow. */
export const SLA_WARN_MINUTES = 1;

const GOLD_DOMAIN = 'contoso-gold.example';

/** The email address of a bench contact (the email intake knows the sender by it). */
export function benchContactEmail(group: string, index: number, domain = GOLD_DOMAIN): string {
  return `bench-${group}-${index + 1}@${domain}`;
}


/**
 * Readies a records database before the app opens it (PGlite is one process's at a time): migrated,
 * the demo data, and the bench's contacts. The API's rate limit is per signed-in user (20
 * requests/s), so each load connection signs in as a customer of its own, as many real customers would.
 */
export async function prepareRecords(target: DatabaseTarget, perGroup: number): Promise<BenchContacts> {
  const db = openDatabase(target);
  try {
    await migrateToLatest(db);
    await seedDemoData(db);
    const slaAccountId = await slaAccount(db);
    const contacts = async (group: string, accountId: string, domain: string): Promise<string[]> => {
      const rows = Array.from({ length: perGroup }, (_, index) => ({
        account_id: accountId,
        first_name: 'Bench',
        last_name: `${group} ${index + 1}`,
        email: benchContactEmail(group, index, domain),
      }));
      const inserted = await db('contacts').insert(rows).returning<{ id: string }[]>('id');
      return inserted.map((row) => row.id);
    };
    return { gold: await contacts('gold', DEMO.goldAccountId, GOLD_DOMAIN), sla: await contacts('sla', slaAccountId, 'bench-sla.example') };
  } finally {
    await db.destroy();
  }
}

/**
 * An account whose entitlement (like the demo gold one) points at a 24x7 policy warning
 * SLA_WARN_MINUTES after a case opens, failing long after the bench has ended.
 */
async function slaAccount(db: Knex): Promise<string> {
  const [policy] = await db('sla_policies')
    .insert({ name: 'Bench: first-response warning after 1 minute', description: 'Made by npm run bench (SLA timer lateness).', pause_on: JSON.stringify([]) })
    .returning<{ id: string }[]>('id');
  await db('sla_kpis').insert({ sla_policy_id: policy!.id, kpi: 'first_response', warn_after_minutes: SLA_WARN_MINUTES, fail_after_minutes: 240 });
  const [account] = await db('accounts').insert({ name: 'Bench SLA Ltd', tier: 'gold', email: 'it@bench-sla.example' }).returning<{ id: string }[]>('id');
  const gold = await db('entitlements').where({ id: DEMO.goldEntitlementId }).first<Record<string, unknown>>();
  if (!gold) throw new Error('the demo seed made no gold entitlement');
  const [entitlement] = await db('entitlements')
    .insert({
      name: 'Bench SLA support',
      customer_account_id: account!.id,
      template_id: gold.template_id,
      allocation_type: gold.allocation_type,
      total_terms: 100_000,
      remaining_terms: 100_000,
      start_date: gold.start_date,
      end_date: gold.end_date,
      status: 'active',
      is_default: true,
      sla_policy_id: policy!.id,
    })
    .returning<{ id: string }[]>('id');
  await db('entitlement_channels').insert({ entitlement_id: entitlement!.id, channel: 'web' });
  return account!.id;
}

/** An account of the bench's own, with a default entitlement (counted in cases) and its customers' contacts. */
export interface BenchAccount {
  readonly accountId: string;
  readonly entitlementId: string;
  readonly contactIds: readonly string[];
}

/**
 * `accounts` accounts named `${prefix} n`, each with a default web entitlement of 1,000,000 cases
 * under the demo gold entitlement's template and SLA policy, and `contactsPerAccount` contacts: the
 * memory benchmark charges them and then checks each entitlement's ledger.
 */
export async function createBenchAccounts(target: DatabaseTarget, prefix: string, accounts: number, contactsPerAccount: number): Promise<BenchAccount[]> {
  const db = openDatabase(target);
  try {
    const gold = await db('entitlements').where({ id: DEMO.goldEntitlementId }).first<Record<string, unknown>>();
    if (!gold) throw new Error('the demo seed made no gold entitlement');
    const made: BenchAccount[] = [];
    for (let index = 1; index <= accounts; index += 1) {
      const slug = `${prefix}-${index}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
      const [account] = await db('accounts').insert({ name: `${prefix} ${index}`, tier: 'gold', email: `it@${slug}.example` }).returning<{ id: string }[]>('id');
      const [entitlement] = await db('entitlements')
        .insert({
          name: `${prefix} ${index} support`,
          customer_account_id: account!.id,
          template_id: gold.template_id,
          allocation_type: 'cases',
          total_terms: 1_000_000,
          remaining_terms: 1_000_000,
          start_date: gold.start_date,
          end_date: gold.end_date,
          status: 'active',
          is_default: true,
          sla_policy_id: gold.sla_policy_id,
        })
        .returning<{ id: string }[]>('id');
      await db('entitlement_channels').insert({ entitlement_id: entitlement!.id, channel: 'web' });
      const rows = Array.from({ length: contactsPerAccount }, (_, contact) => ({
        account_id: account!.id,
        first_name: 'Bench',
        last_name: `${prefix} ${index}.${contact + 1}`,
        email: `bench-${contact + 1}@${slug}.example`,
      }));
      const contacts = await db('contacts').insert(rows).returning<{ id: string }[]>('id');
      made.push({ accountId: account!.id, entitlementId: entitlement!.id, contactIds: contacts.map((row) => row.id) });
    }
    return made;
  } finally {
    await db.destroy();
  }
}

/** One entitlement's ledger after the memory benchmark's resolutions. */
export interface EntitlementLedger {
  readonly entitlementId: string;
  /** Cases of this entitlement whose status is resolved (or closed after it). */
  readonly resolvedCases: number;
  /** Rows in entitlement_usages, and the sum of their terms. */
  readonly usages: number;
  readonly termsCharged: number;
  /** total_terms − remaining_terms. */
  readonly decrement: number;
}

export async function entitlementLedgers(target: DatabaseTarget, entitlementIds: readonly string[]): Promise<EntitlementLedger[]> {
  const db = openDatabase(target);
  try {
    const ledgers: EntitlementLedger[] = [];
    for (const entitlementId of entitlementIds) {
      const resolved = await db('cases').where({ entitlement_id: entitlementId }).whereIn('status', ['resolved', 'closed']).count<{ n: string }[]>('* as n');
      const usage = await db('entitlement_usages').where({ entitlement_id: entitlementId }).select(db.raw('count(*) as n'), db.raw('coalesce(sum(terms_used), 0) as terms')).first<{ n: string; terms: string }>();
      const row = await db('entitlements').where({ id: entitlementId }).first<{ total_terms: string; remaining_terms: string }>('total_terms', 'remaining_terms');
      ledgers.push({
        entitlementId,
        resolvedCases: Number(resolved[0]!.n),
        usages: Number(usage?.n ?? 0),
        termsCharged: Number(usage?.terms ?? 0),
        decrement: Number(row?.total_terms) - Number(row?.remaining_terms),
      });
    }
    return ledgers;
  } finally {
    await db.destroy();
  }
}

/** Some product of the demo catalogue (the "details" step of resolving a case wants one). */
export async function anyProductId(target: DatabaseTarget): Promise<string> {
  const db = openDatabase(target);
  try {
    const row = await db('products').orderBy('code').first<{ id: string } | undefined>('id');
    if (!row) throw new Error('the demo seed made no product');
    return row.id;
  } finally {
    await db.destroy();
  }
}

/** The cases recorded under these entitlements, oldest first. */
export async function listCaseNumbers(target: DatabaseTarget, entitlementIds: readonly string[]): Promise<{ caseNumber: string; entitlementId: string }[]> {
  const db = openDatabase(target);
  try {
    const rows = await db('cases').whereIn('entitlement_id', entitlementIds).orderBy('created_at').select<{ case_number: string; entitlement_id: string }[]>('case_number', 'entitlement_id');
    return rows.map((row) => ({ caseNumber: row.case_number, entitlementId: row.entitlement_id }));
  } finally {
    await db.destroy();
  }
}
