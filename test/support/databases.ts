import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseTarget } from '../../db/connection';

/** The two engines every database test runs on. */
export const databaseKinds = ['postgres', 'pglite'] as const;
export type DatabaseKind = (typeof databaseKinds)[number];

export interface TestDatabase {
  readonly db: Database;
  readonly target: DatabaseTarget;
  close(): Promise<void>;
}

/** A fresh, empty database: a new schema in the run's PostgreSQL database, or an in-memory PGlite. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const target: DatabaseTarget = { kind: 'pglite', dataDir: null };
    const db = openDatabase(target);
    return { db, target, close: () => db.destroy() };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = inject('databaseUrl');
  const setup = openDatabase({ kind: 'postgres', url, poolMax: 1 });
  await setup.raw(`create schema ${schema}`);
  await setup.destroy();
  const target: DatabaseTarget = { kind: 'postgres', url, schema, poolMax: 5 };
  const db = openDatabase(target);
  return {
    db,
    target,
    close: async () => {
      await db.raw(`drop schema ${schema} cascade`);
      await db.destroy();
    },
  };
}
