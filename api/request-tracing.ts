import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Request, Response, Route, Server } from 'restify';
import { routeLabel } from './metrics.route';

const REQUEST_SPAN = Symbol('caseflow.requestSpan');
type TracedRequest = Request & { [REQUEST_SPAN]?: Span };

/**
 * One server span per HTTP request, named `METHOD /path/template` as the OpenTelemetry HTTP
 * conventions ask (`http.route` is the declared template, as the request metrics label it). The
 * raw URL is never recorded: paths and queries may carry tokens (survey links, Direct Line). A
 * caller's `traceparent` header makes the span its child. Everything the request does (the
 * Temporal client's calls, hence the case workflow and its activities) runs inside the span.
 */
export function registerRequestTracing(server: Server, tracer: Tracer): void {
  server.pre((req: Request, res: Response, next: () => void) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      req.method ?? 'HTTP',
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'UNKNOWN', 'url.scheme': 'http' } },
      parent,
    );
    (req as TracedRequest)[REQUEST_SPAN] = span;
    const active = trace.setSpan(parent, span);
    // Body parsing and the handlers after it run from the request's own events: bind them too.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  });
  // 'after' fires once the answer is finished, errors and unknown paths included (as for the metrics).
  server.on('after', (req: Request, res: Response, route: Route | undefined) => {
    const span = (req as TracedRequest)[REQUEST_SPAN];
    if (!span) return;
    if (route) {
      const template = routeLabel(route);
      span.updateName(`${req.method ?? 'HTTP'} ${template}`);
      span.setAttribute('http.route', template);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
