import { describe, expect, it } from 'vitest';
import { StartupError } from '../../app/process/lifecycle';
import { tracingSettings } from '../../app/telemetry/tracing-settings';

describe('tracing settings from the OTEL_* variables', () => {
  it('is off when nothing asks for an exporter: no variable, only a service name, none, or the SDK disabled', () => {
    expect(tracingSettings({})).toBeNull();
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'caseflow', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' })).toBeNull();
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeNull();
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp,none' })).toBeNull();
    expect(tracingSettings({ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' })).toBeNull();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeNull();
  });

  it('turns OTLP on for an endpoint alone, over HTTP protobuf unless JSON is asked for', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ exporters: ['otlp'], otlpProtocol: 'http/protobuf' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual({ exporters: ['otlp'], otlpProtocol: 'http/json' });
    // The traces-only variable wins over the general one.
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })?.otlpProtocol).toBe('http/json');
  });

  it('takes a comma list of exporters, whatever the case and spaces', () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: ' Console , otlp ' })).toEqual({ exporters: ['console', 'otlp'], otlpProtocol: 'http/protobuf' });
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'console' })?.exporters).toEqual(['console']);
  });

  it('stops the start on what this build cannot honour, naming the variable', () => {
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(StartupError);
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/^OTEL_TRACES_EXPORTER=zipkin is not supported/);
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/^OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http\/protobuf/);
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toThrow(/^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc/);
  });
});
