import { mkdirSync } from 'node:fs';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';

/** Where the records live: a real PostgreSQL server, or embedded PGlite (on disk, or in memory when `dataDir` is null). */
export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolMax?: number; readonly schema?: string }
  | { readonly kind: 'pglite'; readonly dataDir: string | null };

export type Database = Knex;

export function openDatabase(target: DatabaseTarget): Database {
  if (target.kind === 'postgres') {
    return knex({
      client: 'pg',
      connection: target.url,
      pool: { min: 0, max: target.poolMax ?? 10 },
      acquireConnectionTimeout: 10_000,
      ...(target.schema ? { searchPath: [target.schema] } : {}),
    });
  }
  if (target.dataDir !== null) mkdirSync(target.dataDir, { recursive: true });
  // PGlite is one connection in this process: knex-pglite enforces a pool of one.
  return knex({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: target.dataDir === null ? {} : { filename: target.dataDir },
  } as Knex.Config);
}

/** Throws a one-line error when the database cannot be reached. */
export async function checkDatabase(db: Database): Promise<void> {
  await db.raw('select 1');
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'pglite') return target.dataDir === null ? 'PGlite (in memory)' : `PGlite at ${target.dataDir}`;
  const url = new URL(target.url);
  url.password = url.password ? '***' : '';
  return `PostgreSQL at ${url.toString()}`;
}
