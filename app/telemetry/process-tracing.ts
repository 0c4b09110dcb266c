import type { Logger } from 'pino';
import type { Lifecycle } from '../process/lifecycle';
import { startTracing, type Tracing } from './tracing';

/**
 * Tracing for one of the processes, when the OTEL_* variables turn it on: started first, so it
 * covers everything the process does, and flushed last at stop (the lifecycle stops in reverse).
 */
export function startProcessTracing(serviceName: string, lifecycle: Lifecycle, logger: Logger): Tracing | undefined {
  const tracing = startTracing({ serviceName });
  if (!tracing) return undefined;
  lifecycle.onStop('tracing', () => tracing.shutdown());
  logger.info(
    { serviceName: process.env.OTEL_SERVICE_NAME ?? serviceName, exporter: process.env.OTEL_TRACES_EXPORTER ?? 'otlp', endpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT },
    'OpenTelemetry tracing on',
  );
  return tracing;
}
