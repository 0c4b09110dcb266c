import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../app/telemetry/tracing';
import { caseWorkflowId } from '../../domain/case-number';
import { bundleCaseWorkflows } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startApp, type RunningApp } from '../support/http-app';
import { startLocalTemporal } from '../support/temporal';

/** One span as an OTLP/HTTP collector receives it (JSON encoding: ids in hex). */
interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, unknown>;
  readonly service: unknown;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: OtlpAttribute[] }[] }[];
  }[];
}

const valueOf = (value: OtlpValue): unknown => value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue));
const attributesOf = (list: OtlpAttribute[] = []): Record<string, unknown> => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** A tiny OTLP/HTTP (JSON) trace receiver on loopback: what a collector (Jaeger, the OpenTelemetry Collector) would get. */
async function startCollector() {
  const spans: ReceivedSpan[] = [];
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = attributesOf(resourceSpans.resource?.attributes)['service.name'];
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, kind: span.kind, attributes: attributesOf(span.attributes), service });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, requests, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let temporal: TestWorkflowEnvironment;
let bundle: { code: string };

beforeAll(async () => {
  [temporal, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
});

afterAll(async () => {
  await temporal?.teardown();
});

/**
 * The headers a case's workflow was started with, its Updates were sent with and its activities were
 * scheduled with, and how many local activities it ran (since `local-effects` the opening's context
 * load and writes are local activities: markers, which keep no headers).
 */
async function headersOf(app: RunningApp, caseNumber: string) {
  const history = await app.client.workflow.getHandle(caseWorkflowId(caseNumber)).fetchHistory();
  const events = history.events ?? [];
  return {
    history,
    start: Object.keys(events[0]?.workflowExecutionStartedEventAttributes?.header?.fields ?? {}),
    updates: events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => Object.keys(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.header?.fields ?? {})),
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => Object.keys(e.activityTaskScheduledEventAttributes?.header?.fields ?? {})),
    localActivities: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
  };
}

async function openCase(app: RunningApp, headers: Record<string, string> = {}): Promise<string> {
  const opened = await app.request('POST', '/cases', { token: await app.login('alice'), headers, body: { title: 'Traced printer', description: 'Offline since this morning', channel: 'web' } });
  expect(opened.status).toBe(201);
  return ((await opened.json()) as { caseNumber: string }).caseNumber;
}

describe('tracing with no OTEL_* variable set', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp(temporal, 'pglite', bundle);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('stays off: no tracer, no trace header on the case workflow or its activities', async () => {
    expect(startTracing({ serviceName: 'caseflow', env: {} })).toBeUndefined();
    expect(startTracing({ serviceName: 'caseflow', env: { OTEL_SERVICE_NAME: 'caseflow', OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' } })).toBeUndefined();
    const caseNumber = await openCase(app, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const { start, updates, activities } = await eventually(() => headersOf(app, caseNumber), (h) => h.localActivities >= 2 && h.updates.length >= 1, 30_000);
    expect(start).not.toContain('_tracer-data');
    expect(updates.flat()).not.toContain('_tracer-data');
    expect(activities.flat()).not.toContain('_tracer-data');
    // Nothing registered: a span made anywhere in the process records nothing.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });
});

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let tracing: Tracing;
  let app: RunningApp;
  const saved = { ...process.env };

  beforeAll(async () => {
    collector = await startCollector();
    // What an operator sets (README, Tracing); the exporter and the batch processor read them from the environment.
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'caseflow-tracing-test',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    tracing = startTracing({ serviceName: 'caseflow' })!;
    expect(tracing).toBeDefined();
    // A cancelled case closes at once, so its workflow run (and the run's span) ends within the test.
    app = await startApp(temporal, 'pglite', bundle, { CASE_REOPEN_WINDOW_MINUTES: '0' }, { tracing });
  });

  afterAll(async () => {
    await app?.stop();
    await tracing?.shutdown();
    process.env = saved;
    await collector?.stop();
  });

  const named = (prefix: string, traceId: string) => collector.spans.filter((s) => s.traceId === traceId && s.name.startsWith(prefix));
  const one = (name: string, traceId: string) => {
    const found = collector.spans.filter((s) => s.traceId === traceId && s.name === name);
    expect(found.map((s) => s.name), `${name} among ${JSON.stringify(collector.spans.map((s) => [s.name, s.traceId, s.spanId, s.parentSpanId]))}`).toEqual([name]);
    return found[0]!;
  };

  it('follows one case from POST /cases through the Temporal client, the workflow run and its activities, in one trace', async () => {
    // The caller's own trace: the request's span joins it.
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const caseNumber = await openCase(app, { traceparent: `00-${callerTrace}-${callerSpan}-01` });
    // Spans arrive in batches, each when it ends: wait for the request's and for every activity's pair.
    const complete = () => {
      const runs = named('RunActivity:', callerTrace);
      const starts = new Set(named('StartActivity:', callerTrace).map((s) => s.spanId));
      return named('POST /cases', callerTrace).length === 1 && runs.length >= 2 && runs.every((run) => starts.has(run.parentSpanId ?? ''));
    };
    await eventually(() => Promise.resolve(complete()), (done) => done, 30_000);

    const http = one('POST /cases', callerTrace);
    expect(http).toMatchObject({ parentSpanId: callerSpan, kind: 2, service: 'caseflow-tracing-test' });
    expect(http.attributes).toMatchObject({ 'http.route': '/cases', 'http.request.method': 'POST', 'http.response.status_code': 201 });
    // The case opens by Update-with-Start: one client span starts the run and sends its caseRecorded Update.
    const start = one('UpdateWithStartWorkflow:caseRecorded', callerTrace);
    expect(start.parentSpanId).toBe(http.spanId);
    expect(one('HandleUpdate:caseRecorded', callerTrace).parentSpanId).toBe(start.spanId);

    // The workflow's spans come out of the sandbox through the worker's sink; the run's span ends with the run.
    const scheduled = named('StartActivity:', callerTrace);
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    const runIds = new Set(scheduled.map((s) => s.parentSpanId));
    expect(runIds.size, 'every activity is scheduled from the one workflow run').toBe(1);
    for (const run of named('RunActivity:', callerTrace)) {
      const parent = scheduled.find((s) => s.spanId === run.parentSpanId);
      expect(parent?.name, run.name).toBe(run.name.replace('RunActivity:', 'StartActivity:'));
      expect(run.attributes.temporalWorkflowId).toBe(caseWorkflowId(caseNumber));
    }

    // Cancelled: an update from another request, its own trace; the run then ends and its span arrives.
    const cancelled = await app.request('POST', `/cases/${caseNumber}/cancel`, { token: await app.login('alice'), body: { reason: 'Bought a new printer' } });
    expect(cancelled.status).toBe(200);
    const runSpan = await eventually(
      () => Promise.resolve(collector.spans.find((s) => s.name === 'RunWorkflow:caseWorkflow' && s.traceId === callerTrace)),
      (span) => span !== undefined,
      30_000,
    );
    expect(runSpan!.parentSpanId).toBe(start.spanId);
    expect([...runIds]).toEqual([runSpan!.spanId]);

    // The request's spans are exported in the API's own batch, which may come after the run's: wait for them too.
    const cancelRequest = (await eventually(
      () => Promise.resolve(collector.spans.find((s) => s.name === 'POST /cases/:caseNumber/cancel')),
      (span) => span !== undefined,
      30_000,
    ))!;
    expect(cancelRequest.traceId).not.toBe(callerTrace);
    const update = (await eventually(
      () => Promise.resolve(collector.spans.find((s) => s.traceId === cancelRequest.traceId && s.name.startsWith('StartWorkflowUpdate:'))),
      (span) => span !== undefined,
      30_000,
    ))!;
    expect(update.parentSpanId).toBe(cancelRequest.spanId);
    const handled = await eventually(
      () => Promise.resolve(collector.spans.find((s) => s.traceId === cancelRequest.traceId && s.name.startsWith('HandleUpdate:'))),
      (span) => span !== undefined,
    );
    expect(handled!.parentSpanId).toBe(update.spanId);
    // Every span went to the collector as OTLP/HTTP JSON.
    expect(new Set(collector.requests)).toEqual(new Set(['POST /v1/traces application/json']));

    // The traced run replays against the same code without a determinism error.
    const { history, start: startHeaders } = await headersOf(app, caseNumber);
    expect(startHeaders).toContain('_tracer-data');
    await Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'traced-case', sinks: { exporter: { export: { fn: () => undefined } } } }, history, caseWorkflowId(caseNumber));
  });
});
