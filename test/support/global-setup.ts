import type { TestProject } from 'vitest/node';
import pg from 'pg';

/**
 * One fresh PostgreSQL database per test run. `.ci/run` passes its own through TEST_DATABASE_URL;
 * otherwise one is created on the local server (TEST_POSTGRES_ADMIN_URL) and dropped afterwards.
 * Each test file then works in a schema of its own inside it (see test/support/databases.ts).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    return () => Promise.resolve();
  }
  const adminUrl = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `caseflow_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `The tests need PostgreSQL: could not connect to ${adminUrl} (${(error as Error).message}). ` +
        'Start PostgreSQL or set TEST_DATABASE_URL / TEST_POSTGRES_ADMIN_URL.',
      { cause: error },
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  project.provide('databaseUrl', url.toString());
  return async () => {
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`);
    await dropper.end();
  };
}
