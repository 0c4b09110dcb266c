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
        email: `bench-${group}-${index + 1}@${domain}`,
      }));
      const inserted = await db('contacts').insert(rows).returning<{ id: string }[]>('id');
      return inserted.map((row) => row.id);
    };
    return { gold: await contacts('gold', DEMO.goldAccountId, 'contoso-gold.example'), sla: await contacts('sla', slaAccountId, 'bench-sla.example') };
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
