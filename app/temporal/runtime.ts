import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from 'pino';
import { CASE_NUMBER_PATTERN } from '../../domain/case-number';
import { StartupError } from '../process/lifecycle';

const toPino: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export interface TemporalRuntimeOptions {
  /**
   * `host:port` where the worker's own Prometheus metrics (task slots, poll and schedule-to-start
   * latencies, workflow and activity outcomes, sticky cache) are served at /metrics; unset: none.
   */
  readonly metricsAddress?: string;
}

/**
 * Installs the Temporal runtime once per process: its logs go through our logger (at WARN, the
 * bundler's and worker's INFO chatter is noise to an operator), and it installs no signal
 * handlers, so our own lifecycle stops the HTTP server before the worker and the worker before
 * the database. With a metrics address, the worker's Prometheus endpoint listens there.
 */
export function installTemporalRuntime(logger: Logger, options: TemporalRuntimeOptions = {}): void {
  const level: LogLevel = logger.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  try {
    Runtime.install({
      shutdownSignals: [],
      logger: new DefaultLogger(level, (entry) => {
        logger[toPino[entry.level]]({ ...withCaseNumber(entry.meta), component: 'temporal' }, entry.message);
      }),
      ...(options.metricsAddress
        ? {
            telemetryOptions: {
              // Prometheus naming: counters end in _total, durations in seconds with the unit in the name.
              metrics: { prometheus: { bindAddress: options.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true } },
            },
          }
        : {}),
    });
  } catch (error) {
    if (!options.metricsAddress) throw error;
    throw new StartupError(`The Temporal worker metrics cannot listen on ${options.metricsAddress} (TEMPORAL_WORKER_METRICS_PORT): ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * A workflow's or activity's log line names its workflow id (the SDK adds it); a case workflow's
 * id holds the case number (case-CAS-01000), added here so every line about a case can be found
 * by `caseNumber` as the API's and channels' lines are.
 */
export function withCaseNumber(meta: LogMetadata = {}): LogMetadata {
  const workflowId: unknown = meta.workflowId;
  if (typeof workflowId !== 'string' || meta.caseNumber !== undefined || !workflowId.startsWith('case-')) return meta;
  const caseNumber = workflowId.slice('case-'.length);
  return CASE_NUMBER_PATTERN.test(caseNumber) ? { ...meta, caseNumber } : meta;
}
