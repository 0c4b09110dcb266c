import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PrometheusFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../../domain/case';
import { createCaseProblemRepository } from '../../db/repositories/case-problem.repository';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { histogramSeries, metricFamilies } from '../support/prometheus';
import { startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let app: RunningApp;

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  app = await startApp(temporal, 'pglite', bundle);
});

afterAll(async () => {
  await app?.stop();
  await temporal?.teardown();
});

const gauge = (text: string): number => Number(/^caseflow_cases_needing_attention (\d+)$/m.exec(text)?.[1]);

describe('GET /metrics (Prometheus text format)', () => {
  it('counts the cases needing attention, as the operators’ list does', async () => {
    const before = await app.request('GET', '/metrics');
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await before.text();
    expect(text).toContain('# TYPE caseflow_cases_needing_attention gauge');
    expect(gauge(text)).toBe(0);

    const problems = createCaseProblemRepository(app.database.db);
    await problems.report('CAS-09001', 'retrying recordKpiInstance', 'attempt 5 failed: connection refused');
    await problems.report('CAS-09001', 'kpi', 'invalid byte sequence');
    await problems.report('CAS-09002', 'record', 'invalid byte sequence');
    expect(gauge(await (await app.request('GET', '/metrics')).text())).toBe(2);

    await problems.clear('CAS-09002', 'record');
    expect(gauge(await (await app.request('GET', '/metrics')).text())).toBe(1);
  });

  it('is for operators: a customer’s or an agent’s token is refused', async () => {
    for (const user of ['alice', 'gina']) {
      const response = await app.request('GET', '/metrics', { token: await app.login(user) });
      expect(response.status, user).toBe(403);
      expect(await response.text()).not.toContain('caseflow_');
    }
    expect((await app.request('GET', '/metrics', { token: await app.login('adam') })).status).toBe(200);
  });
});

async function scrapeText(): Promise<string> {
  const response = await app.request('GET', '/metrics');
  expect(response.status).toBe(200);
  return response.text();
}

/** GET /metrics from this host, parsed as Prometheus does: name → family. */
const scrape = async (): Promise<Map<string, PrometheusFamily>> => metricFamilies(await scrapeText());

function family(families: Map<string, PrometheusFamily>, name: string, type: PrometheusFamily['type']): PrometheusFamily {
  const found = families.get(name);
  expect(found, `${name} is exported`).toBeDefined();
  expect(found!.type, name).toBe(type);
  return found!;
}

/** The sample whose labels include `labels`. */
function sample(found: PrometheusFamily, labels: Record<string, string>) {
  return found.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

const valueOf = (found: PrometheusFamily, labels: Record<string, string>): number => Number(sample(found, labels)?.value ?? NaN);

describe('GET /metrics: requests, cases and the outbox', () => {
  it('counts HTTP requests by route template, method and status, with their latency', async () => {
    const token = await app.login('alice');
    const opened = await app.request('POST', '/cases', { token, body: { title: 'Metrics printer', description: 'Offline', channel: 'web' } });
    expect(opened.status).toBe(201);
    const { caseNumber } = (await opened.json()) as { caseNumber: string };
    expect((await app.request('GET', `/cases/${caseNumber}`, { token })).status).toBe(200);
    expect((await app.request('GET', '/cases/CAS-99999', { token })).status).toBe(404);
    expect((await app.request('GET', '/no/such/path')).status).toBe(404);
    for (let i = 0; i < 3; i++) expect((await app.request('GET', '/health')).status).toBe(200);

    const text = await scrapeText();
    const families = metricFamilies(text);
    const requests = family(families, 'caseflow_http_requests_total', 'COUNTER');
    family(families, 'caseflow_http_request_duration_seconds', 'HISTOGRAM');
    const latency = histogramSeries(text, 'caseflow_http_request_duration_seconds');

    expect(valueOf(requests, { route: '/health', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(valueOf(requests, { route: '/cases', method: 'POST', status: '201' })).toBe(1);
    expect(valueOf(requests, { route: '/cases/:caseNumber', method: 'GET', status: '200' })).toBe(1);
    expect(valueOf(requests, { route: '/cases/:caseNumber', method: 'GET', status: '404' })).toBe(1);
    expect(valueOf(requests, { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    // The path template, never the raw URL: no label carries a case number.
    const labelValues = [...requests.metrics.map((m) => m.labels ?? {}), ...latency.map((series) => series.labels)].flatMap((labels) => Object.values(labels));
    expect(labelValues.filter((v) => /CAS-\d+|no\/such/.test(v))).toEqual([]);

    const series = (labels: Record<string, string>) => latency.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    const opening = series({ route: '/cases', method: 'POST', status: '201' });
    expect(opening).toMatchObject({ count: 1, buckets: { '+Inf': 1 } });
    expect(opening!.sum).toBeGreaterThan(0);
    const health = series({ route: '/health', method: 'GET', status: '200' });
    expect(health!.count).toBe(valueOf(requests, { route: '/health', method: 'GET', status: '200' }));
    // Cumulative buckets: never fewer requests under a larger bound.
    const bounds = Object.entries(health!.buckets).sort(([a], [b]) => (a === '+Inf' ? 1 : b === '+Inf' ? -1 : Number(a) - Number(b)));
    expect(bounds.map(([, n]) => n)).toEqual([...bounds.map(([, n]) => n)].sort((a, b) => a - b));
  });

  it('gives the cases per status from the read model, every status present', async () => {
    const counts = async () => {
      const rows = await app.database.db('cases').groupBy('status').select<{ status: string; count: string }[]>('status', app.database.db.raw('count(*) as count'));
      return Object.fromEntries(CASE_STATUSES.map((status) => [status, Number(rows.find((r) => r.status === status)?.count ?? 0)]));
    };
    const before = family(await scrape(), 'caseflow_cases', 'GAUGE');
    expect(Object.fromEntries(CASE_STATUSES.map((status) => [status, valueOf(before, { status })]))).toEqual(await counts());

    const token = await app.login('alice');
    expect((await app.request('POST', '/cases', { token, body: { title: 'Another printer', description: 'Offline', channel: 'web' } })).status).toBe(201);
    const after = family(await scrape(), 'caseflow_cases', 'GAUGE');
    expect(valueOf(after, { status: 'active' })).toBe(valueOf(before, { status: 'active' }) + 1);
  });

  it('shows the outbox backlog, what was given up, and the age of the oldest pending notification', async () => {
    const db = app.database.db;
    const row = (attempts: number, createdMinutesAgo: number) => ({
      idempotency_key: `metrics-test:${randomUUID()}`,
      kind: 'status_change',
      channel: 'email',
      recipient_email: 'nobody@example.test',
      payload: JSON.stringify({}),
      attempts,
      // Not due for an hour: the delivery loop leaves them alone during the test.
      next_attempt_at: db.raw("now() + interval '1 hour'"),
      created_at: db.raw(`now() - interval '${createdMinutesAgo} minutes'`),
    });
    const outbox = async () => {
      const families = await scrape();
      return {
        pending: valueOf(family(families, 'caseflow_outbox_pending', 'GAUGE'), { channel: 'email' }),
        givenUp: valueOf(family(families, 'caseflow_outbox_given_up', 'GAUGE'), { channel: 'email' }),
        oldest: valueOf(family(families, 'caseflow_outbox_oldest_pending_age_seconds', 'GAUGE'), { channel: 'email' }),
        bot: valueOf(family(families, 'caseflow_outbox_pending', 'GAUGE'), { channel: 'bot' }),
      };
    };
    const before = await outbox();
    expect(before.bot).toBeGreaterThanOrEqual(0);
    await db('notifications').insert([row(0, 5), row(3, 90), row(10, 600)]);

    const after = await outbox();
    expect(after.pending).toBe(before.pending + 2);
    expect(after.givenUp).toBe(before.givenUp + 1);
    // The oldest pending is the one queued 90 minutes ago (the given-up one, older, does not count).
    expect(after.oldest).toBeGreaterThanOrEqual(90 * 60);
    expect(after.oldest).toBeLessThan(100 * 60);
  });
});
