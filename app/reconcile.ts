import { Client, Connection } from '@temporalio/client';
import { checkDatabase, describeTarget, openDatabase } from '../db/connection';
import { createReconciliationRepository } from '../db/repositories/reconciliation.repository';
import { formatReconciliation, reconcile, reconciliationExitCode, temporalCaseWorkflows, type ReconciliationReport } from '../services/reconciliation';
import { ConfigError, loadConfig } from './process/config';
import { firstLine } from './process/database';

/**
 * `npm run reconcile` (node dist/app/reconcile.js after npm run build): compares the records in
 * DATABASE_URL with the case workflows in TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE, prints a table
 * and every mismatch. Exit status 0: everything matches; 1: a mismatch; 2: it could not run.
 *
 * Options: --grace-minutes N (default 5: unfinished work younger than that is "in flight"),
 * --json (the report as JSON instead of the table).
 */
export interface ReconcileRun {
  readonly exitCode: number;
  readonly report: ReconciliationReport | null;
}

export async function runReconcile(env: NodeJS.ProcessEnv, argv: readonly string[], print: (text: string) => void = console.log): Promise<ReconcileRun> {
  let options: { graceMs: number; json: boolean };
  try {
    options = parseArguments(argv);
    const config = loadConfig(env);
    if (config.database.kind !== 'postgres') throw new ConfigError('DATABASE_URL must be set: reconcile reads the database the app writes');
    if (!config.temporal.address) throw new ConfigError('TEMPORAL_ADDRESS must be set: reconcile lists the workflows of that server');
    const db = openDatabase({ ...config.database, poolMax: 2 });
    let connection: Connection | undefined;
    try {
      try {
        await checkDatabase(db);
      } catch (error) {
        throw new ConfigError(`Cannot reach the database (${describeTarget(config.database)}): ${firstLine(error)}`);
      }
      try {
        connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5_000 });
        await connection.workflowService.getSystemInfo({});
      } catch (error) {
        throw new ConfigError(`Cannot reach Temporal at ${config.temporal.address}: ${firstLine(error)}`);
      }
      const client = new Client({ connection, namespace: config.temporal.namespace });
      const report = await reconcile({ records: createReconciliationRepository(db), workflows: temporalCaseWorkflows(client) }, { graceMs: options.graceMs });
      print(options.json ? JSON.stringify(report, null, 2) : formatReconciliation(report));
      return { exitCode: reconciliationExitCode(report), report };
    } finally {
      await connection?.close().catch(() => undefined);
      await db.destroy().catch(() => undefined);
    }
  } catch (error) {
    print(`reconcile: ${error instanceof ConfigError ? error.message : firstLine(error)}`);
    return { exitCode: 2, report: null };
  }
}

function parseArguments(argv: readonly string[]): { graceMs: number; json: boolean } {
  let graceMs = 5 * 60_000;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') json = true;
    else if (arg === '--grace-minutes') {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < 0) throw new ConfigError(`--grace-minutes needs a number of minutes >= 0 (got '${argv[i] ?? ''}')`);
      graceMs = value * 60_000;
    } else throw new ConfigError(`unknown option '${arg}' (options: --grace-minutes N, --json)`);
  }
  return { graceMs, json };
}

if (require.main === module) {
  void runReconcile(process.env, process.argv.slice(2)).then(({ exitCode }) => {
    process.exitCode = exitCode;
  });
}
