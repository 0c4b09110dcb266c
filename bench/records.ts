import { openDatabase, type DatabaseTarget } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { DEMO, seedDemoData } from '../db/seeds/demo';

/**
 * Readies a records database before the app opens it: migrated, the demo data, and `customers`
 * extra contacts in the gold account. The API's rate limit is per signed-in user (20 requests/s),
 * so each load connection signs in as a customer of its own, as many real customers would.
 */
export async function prepareRecords(target: DatabaseTarget, customers: number): Promise<string[]> {
  const db = openDatabase(target);
  try {
    await migrateToLatest(db);
    await seedDemoData(db);
    const rows = Array.from({ length: customers }, (_, index) => ({
      account_id: DEMO.goldAccountId,
      first_name: 'Bench',
      last_name: `Customer ${index + 1}`,
      email: `bench-${index + 1}@contoso-gold.example`,
    }));
    const inserted = await db('contacts').insert(rows).returning<{ id: string }[]>('id');
    return inserted.map((row) => row.id);
  } finally {
    await db.destroy();
  }
}
