import { StartupError } from '../process/lifecycle';

/** Where a process sends its spans: an OTLP/HTTP collector (its protocol) and/or the console. */
export interface TracingSettings {
  readonly exporters: readonly ('otlp' | 'console')[];
  readonly otlpProtocol: 'http/protobuf' | 'http/json';
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * Tracing is off unless the standard OpenTelemetry variables ask for an exporter:
 * `OTEL_TRACES_EXPORTER` (`otlp`, `console`, a comma list; `none` is off), or an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), which alone means `otlp`.
 * `OTEL_SDK_DISABLED=true` turns it off whatever else is set. Returns null when off: nothing is
 * registered, no span is made, no header is added. A value this build cannot honour stops the start.
 */
export function tracingSettings(env: Env): TracingSettings | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const endpoint = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const exporters = named.length > 0 ? named : endpoint ? ['otlp'] : [];
  if (exporters.length === 0 || exporters.includes('none')) return null;
  for (const name of exporters) {
    if (name !== 'otlp' && name !== 'console') {
      throw new StartupError(`OTEL_TRACES_EXPORTER=${name} is not supported: use otlp (Jaeger, Zipkin-compatible and most tracing backends accept OTLP), console, or none`);
    }
  }
  const protocolVariable = set(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = (env[protocolVariable] ?? '').trim().toLowerCase() || 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new StartupError(`${protocolVariable}=${protocol} is not supported: use http/protobuf (the default, a collector's port 4318) or http/json`);
  }
  return { exporters: exporters as TracingSettings['exporters'], otlpProtocol: protocol };
}
