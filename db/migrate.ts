import type { Knex } from 'knex';
import type { Database } from './connection';
import { migrations } from './migrations';

/**
 * Migrations are imported modules rather than files knex discovers at run time, so the same list
 * runs from TypeScript under vitest and from the compiled JavaScript in dist/.
 */
const source: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations).sort()),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return Promise.resolve(migration);
  },
};

export async function migrateToLatest(db: Database): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource: source })) as [number, string[]];
  return applied;
}

export async function rollbackAll(db: Database): Promise<void> {
  await db.migrate.rollback({ migrationSource: source }, true);
}
