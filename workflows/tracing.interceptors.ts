import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInterceptors } from '@temporalio/workflow';

/** The start header in which the Temporal client interceptor carries the caller's trace context. */
const TRACE_HEADER = '_tracer-data';

/**
 * Workflow interceptors for OpenTelemetry tracing (registered in the bundle: app/temporal/bundle-workflows.ts).
 *
 * Only a run that a traced client started is traced: the decision is the start header, which the
 * history holds, so every replay decides the same way. Runs started without it, including every
 * case started before tracing existed, never reach OpenTelemetry: their replay is the code they
 * ran (no span is made, no randomness drawn, no await added), and an untraced deployment pays one
 * header look-up per run.
 *
 * In a traced run: the run, its signals and updates, and every activity it schedules get spans;
 * activities get the context in their headers. Queries and update validators get none: they run
 * outside the history, and the span ids a span draws from the workflow's random source would shift
 * the ids (uuid4) the workflow draws next, so a replay would compute other ids than the live run.
 */
export const interceptors = (): WorkflowInterceptors => {
  let traced: { inbound: OpenTelemetryInboundInterceptor; outbound: OpenTelemetryOutboundInterceptor; internals: OpenTelemetryInternalsInterceptor } | undefined;
  return {
    inbound: [
      {
        execute(input, next) {
          if (!(TRACE_HEADER in input.headers)) return next(input);
          traced = { inbound: new OpenTelemetryInboundInterceptor(), outbound: new OpenTelemetryOutboundInterceptor(), internals: new OpenTelemetryInternalsInterceptor() };
          return traced.inbound.execute(input, next);
        },
        handleSignal: (input, next) => (traced ? traced.inbound.handleSignal(input, next) : next(input)),
        handleUpdate: (input, next) => (traced ? traced.inbound.handleUpdate(input, next) : next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => (traced ? traced.outbound.scheduleActivity(input, next) : next(input)),
        scheduleLocalActivity: (input, next) => (traced ? traced.outbound.scheduleLocalActivity(input, next) : next(input)),
        startChildWorkflowExecution: (input, next) => (traced ? traced.outbound.startChildWorkflowExecution(input, next) : next(input)),
        continueAsNew: (input, next) => (traced ? traced.outbound.continueAsNew(input, next) : next(input)),
        signalWorkflow: (input, next) => (traced ? traced.outbound.signalWorkflow(input, next) : next(input)),
        getLogAttributes: (input, next) => (traced ? traced.outbound.getLogAttributes(input, next) : next(input)),
      },
    ],
    internals: [
      {
        dispose(input, next) {
          // OpenTelemetry's returns a promise, yet calls next at once: nothing to wait for.
          if (traced) void traced.internals.dispose(input, next);
          else next(input);
        },
      },
    ],
  };
};
