import { loadConfig } from './process/config';
import { prepareDatabase } from './process/database';
import { createLogger } from './process/lifecycle';
import { runProcess } from './process/lifecycle';
import { startWorking } from './wiring/serving';
import { installTemporalRuntime } from './temporal/runtime';
import { StartupError } from './process/lifecycle';
import { startProcessTracing } from './telemetry/process-tracing';

/** Scale-out worker: runs case workflows and activities against TEMPORAL_ADDRESS and DATABASE_URL. Any number may run. */
runProcess(async (lifecycle) => {
  const config = loadConfig();
  const logger = createLogger(config, 'worker');
  installTemporalRuntime(logger, { metricsAddress: config.temporal.workerMetricsAddress });
  const tracing = startProcessTracing('caseflow-worker', lifecycle, logger);
  const address = config.temporal.address;
  if (!address) throw new StartupError('TEMPORAL_ADDRESS must be set for a separate worker (npm start runs everything in one process)');
  if (config.database.kind !== 'postgres') throw new StartupError('DATABASE_URL must be set for a separate worker: embedded PGlite belongs to one process');
  // Migrations are the server's job; a worker only checks the database answers.
  const { db } = await prepareDatabase({ ...config, runMigrations: false }, logger);
  lifecycle.onStop('database', () => db.destroy());
  const { running } = await startWorking({ config, logger, lifecycle, db, address, ...(tracing ? { tracing } : {}) });
  logger.info({ address, taskQueue: config.temporal.taskQueue }, 'worker polling');
  await running;
});
