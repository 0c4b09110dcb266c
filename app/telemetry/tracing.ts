import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Resource, envDetectorSync, hostDetectorSync } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { tracingSettings, type TracingSettings } from './tracing-settings';

/** What a case worker adds for tracing: the sink workflow spans leave the sandbox through, and the activity interceptors. */
export interface WorkerTracing {
  readonly sinks: InjectedSinks<OpenTelemetrySinks>;
  readonly activityInterceptors: readonly ActivityInterceptorsFactory[];
}

/** A process's tracing once on: its tracer (HTTP spans), the Temporal client and worker parts, and the flush at stop. */
export interface Tracing {
  readonly tracer: Tracer;
  readonly clientInterceptors: readonly WorkflowClientInterceptor[];
  readonly worker: WorkerTracing;
  /** Ends the export: what is still buffered is sent (call last at stop). */
  shutdown(): Promise<void>;
}

/**
 * A worker without tracing still receives the spans of a workflow that a traced server started
 * (its trace context is in the workflow's start headers): it drops them quietly instead of logging
 * an unregistered sink at every workflow task.
 */
export const UNTRACED_WORKER: WorkerTracing = {
  sinks: { exporter: { export: { fn: () => undefined } } },
  activityInterceptors: [],
};

export interface StartTracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) names it. */
  readonly serviceName: string;
  /** The variables to read (process.env); the OTLP exporter and the batch processor read their own (endpoint, headers, OTEL_BSP_*) from process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Turns tracing on when the OTEL_* variables ask for it (tracing-settings.ts), else returns
 * undefined and changes nothing. On: a global tracer provider with W3C trace context propagation,
 * spans batched to the exporters the variables name; the Temporal client interceptor carries the
 * trace into each workflow it starts or updates, and the workflow's and activities' spans join it.
 */
export function startTracing(options: StartTracingOptions): Tracing | undefined {
  const settings = tracingSettings(options.env ?? process.env);
  if (!settings) return undefined;
  return startTracingWith(options.serviceName, exportersFor(settings).map((exporter) => new BatchSpanProcessor(exporter)));
}

function exportersFor(settings: TracingSettings): SpanExporter[] {
  return settings.exporters.map((name) => {
    if (name === 'console') return new ConsoleSpanExporter();
    return settings.otlpProtocol === 'http/json' ? new OtlpJsonExporter() : new OtlpProtobufExporter();
  });
}

/** Tracing into the given span processors (tests use an in-memory exporter); registers the provider globally. */
export function startTracingWith(serviceName: string, spanProcessors: SpanProcessor[]): Tracing {
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': serviceName }))
    .merge(hostDetectorSync.detect())
    .merge(envDetectorSync.detect());
  const provider = new NodeTracerProvider({ resource, spanProcessors });
  provider.register();
  const tracer = provider.getTracer('caseflow');
  // Workflow spans are made in the sandbox and reach the processors through this sink.
  const workflowSpans: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) => {
      for (const processor of spanProcessors) processor.onEnd(span);
    },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => Promise.resolve(),
  };
  return {
    tracer,
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    worker: {
      sinks: { exporter: makeWorkflowExporter(workflowSpans, resource) },
      activityInterceptors: [
        (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
      ],
    },
    async shutdown() {
      await provider.shutdown();
      // The process may start tracing again (tests): leave no global behind.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
