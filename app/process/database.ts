import type { Logger } from 'pino';
import { checkDatabase, describeTarget, openDatabase, type Database } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { seedDemoData, type DemoSummary } from '../../db/seeds/demo';
import type { AppConfig } from './config';
import { StartupError } from './lifecycle';

export interface PreparedDatabase {
  readonly db: Database;
  readonly description: string;
  readonly demo: DemoSummary | undefined;
}

/** Opens the records database, proves it answers, and migrates and seeds it when asked to. */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<PreparedDatabase> {
  const db = openDatabase(config.database);
  const description = describeTarget(config.database);
  try {
    await checkDatabase(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StartupError(`Cannot reach the database (${description}): ${firstLine(error)}`);
  }
  let demo: DemoSummary | undefined;
  if (config.runMigrations) {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    if (config.seedDemoData) demo = await seedDemoData(db, { demoPassword: config.auth.demoPassword });
  }
  return { db, description, demo };
}

export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] || (error instanceof Error ? error.name : 'unknown error');
}
