import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PrometheusFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../../domain/case';
import { createCaseProblemRepository } from '../../db/repositories/case-problem.repository';
import { SLA_KPI_STATUSES } from '../../db/repositories/sla-kpi-instance.repository';
import { eventually } from '../support/eventually';
import { bundleCaseWorkflows } from '../support/case-harness';
import { startApp, type RunningApp } from '../support/http-app';
import { histogramSeries, metricFamilies } from '../support/prometheus';
import { startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let app: RunningApp;
let connector: Awaited<ReturnType<typeof startConnector>>;

/**
 * A stand-in for a channel's Connector service that the bot's replies reach: it accepts them, or,
 * while `refusing`, answers 403 (the reply, hence the turn, fails).
 */
async function startConnector() {
  const state = { refusing: false, replies: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.replies++;
      res.writeHead(state.refusing ? 403 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(state.refusing ? { error: { code: 'Forbidden', message: 'refused' } } : { id: `reply-${state.replies}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, state, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
  temporal = environment;
  connector = await startConnector();
  app = await startApp(temporal, 'pglite', bundle, { BOT_ALLOWED_SERVICE_URLS: connector.url });
});

afterAll(async () => {
  await app?.stop();
  await connector?.stop();
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

describe('GET /metrics: the bot and the SLA clocks', () => {
  /** Posts one activity to /api/messages as a Bot Framework channel would (no app credentials in test). */
  async function postActivity(activity: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${app.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `act-${randomUUID()}`,
        timestamp: new Date().toISOString(),
        channelId: 'emulator',
        serviceUrl: connector.url,
        from: { id: 'metrics-user', name: 'metrics user', role: 'user' },
        conversation: { id: `conv-${randomUUID()}` },
        recipient: { id: 'caseflow-bot', name: 'caseflow', role: 'bot' },
        locale: 'en-US',
        ...activity,
      }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('counts bot turns by activity type and outcome; a type Bot Framework does not know is "other"', async () => {
    const turns = async () => {
      const found = family(await scrape(), 'caseflow_bot_turns_total', 'COUNTER');
      const of = (labels: Record<string, string>) => (sample(found, labels) ? valueOf(found, labels) : 0);
      return {
        messageOk: of({ activity_type: 'message', outcome: 'ok' }),
        messageFailed: of({ activity_type: 'message', outcome: 'failed' }),
        updateOk: of({ activity_type: 'conversationUpdate', outcome: 'ok' }),
        otherOk: of({ activity_type: 'other', outcome: 'ok' }),
      };
    };
    const before = await turns();
    expect(await postActivity({ text: 'help' })).toBe(200);
    expect(await postActivity({ text: 'help' })).toBe(200);
    expect(await postActivity({ type: 'conversationUpdate', membersAdded: [{ id: 'metrics-user', name: 'metrics user' }] })).toBe(200);
    expect(await postActivity({ type: 'madeUpType' })).toBe(200);
    // The channel refuses the bot's reply: the turn fails (the adapter apologises, which fails too).
    connector.state.refusing = true;
    try {
      await postActivity({ text: 'help' });
    } finally {
      connector.state.refusing = false;
    }

    const after = await turns();
    expect(after).toEqual({
      messageOk: before.messageOk + 2,
      messageFailed: before.messageFailed + 1,
      updateOk: before.updateOk + 1,
      otherOk: before.otherOk + 1,
    });
    // The raw type a caller chose never becomes a label.
    expect(await scrapeText()).not.toContain('madeUpType');
  });

  it('gives the SLA KPI clocks per KPI and status from the read model, every pair present', async () => {
    const db = app.database.db;
    const counts = async () => {
      const rows = await db('sla_kpi_instances').groupBy('kpi', 'status').select<{ kpi: string; status: string; count: string }[]>('kpi', 'status', db.raw('count(*) as count'));
      return Object.fromEntries(
        ['first_response', 'resolve'].flatMap((kpi) => SLA_KPI_STATUSES.map((status) => [`${kpi}/${status}`, Number(rows.find((r) => r.kpi === kpi && r.status === status)?.count ?? 0)])),
      );
    };
    const exported = async () => {
      const found = family(await scrape(), 'caseflow_sla_kpis', 'GAUGE');
      return Object.fromEntries(['first_response', 'resolve'].flatMap((kpi) => SLA_KPI_STATUSES.map((status) => [`${kpi}/${status}`, valueOf(found, { kpi, status })])));
    };

    // A gold customer's case runs both clocks (the demo's gold SLA).
    const token = await app.login('alice');
    const opened = await app.request('POST', '/cases', { token, body: { title: 'SLA metrics printer', description: 'Offline', channel: 'web' } });
    expect(opened.status).toBe(201);
    const { caseNumber } = (await opened.json()) as { caseNumber: string };
    const caseId = await eventually(
      async () => (await db('sla_kpi_instances').join('cases', 'cases.id', 'sla_kpi_instances.case_id').where('cases.case_number', caseNumber).select<{ id: string }[]>('cases.id')).map((r) => r.id),
      (ids) => ids.length === 2,
    );
    const before = await exported();
    expect(before).toEqual(await counts());
    expect(before['first_response/in_progress']).toBeGreaterThanOrEqual(1);

    // The first response clock fails (as the workflow would write it): it moves from in progress to noncompliant.
    await db('sla_kpi_instances').where({ case_id: caseId[0], kpi: 'first_response' }).update({ status: 'noncompliant', version: db.raw('version + 1') });
    const after = await exported();
    expect(after['first_response/noncompliant']).toBe(before['first_response/noncompliant']! + 1);
    expect(after['first_response/in_progress']).toBe(before['first_response/in_progress']! - 1);
    expect(after['resolve/in_progress']).toBe(before['resolve/in_progress']);
  });
});
