import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Installs the Temporal runtime once per process: its logs go through our logger (at WARN, the
 * bundler's and worker's INFO chatter is noise to an operator), and it installs no signal
 * handlers, so our own lifecycle stops the HTTP server before the worker and the worker before
 * the database.
 */
export function installTemporalRuntime(logger: Logger): void {
  const level: LogLevel = logger.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(level, (entry) => {
      logger[toPino[entry.level]]({ ...entry.meta, component: 'temporal' }, entry.message);
    }),
  });
}
