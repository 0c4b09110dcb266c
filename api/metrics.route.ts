import { isIP } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Request, Response, Route, Server } from 'restify';
import type { CaseProblemRepository } from '../db/repositories/case-problem.repository';
import type { OperationsMetricsRepository, OutboxBacklog } from '../db/repositories/operations-metrics.repository';
import { OPERATOR_ROLES } from '../domain/actor';
import type { AuthenticatedRequest } from './auth-context';
import { actorWithRole } from './auth-context';

export interface MetricsDependencies {
  readonly problems: Pick<CaseProblemRepository, 'countCases'>;
  readonly readModel: Pick<OperationsMetricsRepository, 'casesByStatus' | 'outboxBacklog' | 'slaKpisByStatus'>;
}

/** The process's Prometheus registry and the HTTP metrics the server records into it. */
export interface AppMetrics {
  readonly registry: Registry;
  /** One answered request: its route's path template (never the raw URL), method, status and seconds taken. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** One bot turn (the bot's turn middleware, bot/turn-metrics.ts): its activity type (one of Bot Framework's, else `other`) and how it ended. */
  countBotTurn(activityType: string, outcome: 'ok' | 'failed'): void;
}

/**
 * Latency buckets in seconds: most answers take milliseconds; a case action waits for its workflow
 * (up to CASE_ANSWER_TIMEOUT_SECONDS, 10 s by default, then 503).
 */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The process's Prometheus registry: its own metrics and the Node.js defaults. The read-model
 * figures (cases by status, the outbox, cases needing attention) are queried at each scrape, so
 * every server process reports the same figures for them; HTTP metrics are per process.
 */
export function createMetrics(deps: MetricsDependencies): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'caseflow_' });
  new Gauge({
    name: 'caseflow_cases_needing_attention',
    help: 'Cases with a write the database refused for good or an activity that keeps failing (GET /operations/cases-needing-attention)',
    registers: [registry],
    async collect() {
      this.set(await deps.problems.countCases());
    },
  });
  new Gauge({
    name: 'caseflow_cases',
    help: 'Cases in the read model by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      for (const [status, count] of Object.entries(await deps.readModel.casesByStatus())) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'caseflow_sla_kpis',
    help: 'SLA KPI clocks of the cases in the read model (sla_kpi_instances) by KPI and status, every pair present',
    labelNames: ['kpi', 'status'],
    registers: [registry],
    async collect() {
      for (const [kpi, byStatus] of Object.entries(await deps.readModel.slaKpisByStatus())) {
        for (const [status, count] of Object.entries(byStatus)) this.set({ kpi, status }, count);
      }
    },
  });
  // The three outbox gauges share one query per scrape (prom-client collects them concurrently).
  let backlogInFlight: Promise<OutboxBacklog[]> | undefined;
  const backlog = (): Promise<OutboxBacklog[]> => (backlogInFlight ??= deps.readModel.outboxBacklog().finally(() => (backlogInFlight = undefined)));
  const outboxGauge = (name: string, help: string, value: (b: OutboxBacklog) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['channel'],
      registers: [registry],
      async collect() {
        for (const b of await backlog()) this.set({ channel: b.channel }, value(b));
      },
    });
  };
  outboxGauge('caseflow_outbox_pending', 'Notifications (email, chat) queued and not yet delivered, still to be tried', (b) => b.pending);
  outboxGauge('caseflow_outbox_given_up', 'Notifications the delivery loop gave up on (attempts used up or refused for good); they stay undelivered', (b) => b.givenUp);
  outboxGauge(
    'caseflow_outbox_oldest_pending_age_seconds',
    'Seconds since the oldest pending notification was queued (0 when none is pending): delivery is stuck when it keeps growing',
    (b) => b.oldestPendingAgeSeconds,
  );
  const requests = new Counter({
    name: 'caseflow_http_requests_total',
    help: 'HTTP requests answered, by route (path template), method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'caseflow_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its answer, by route (path template), method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const botTurns = new Counter({
    name: 'caseflow_bot_turns_total',
    help: 'Bot turns run (Bot Framework channels at /api/messages and Web Chat over Direct Line), by activity type and outcome (ok, failed)',
    labelNames: ['activity_type', 'outcome'],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(route, method, status, seconds) {
      const labels = { route, method, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    countBotTurn(activityType, outcome) {
      botTurns.inc({ activity_type: activityType, outcome });
    },
  };
}

/** The label for a request's route: its declared path template; one label for every unknown path. */
export function routeLabel(route: Pick<Route, 'path'> | undefined | null): string {
  if (!route) return 'unmatched';
  return typeof route.path === 'string' ? route.path : String(route.path);
}

const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (isIP(address) === 4 ? address.startsWith('127.') : address === '::1' || address.startsWith('::ffff:127.'));

/**
 * GET /metrics in the Prometheus text format, and the hook that records every answered request.
 * A scraper on the same host needs no token; anyone else needs an operator's, supervisor's or
 * admin's bearer token (the figures describe the whole desk, not one caller's rows).
 */
export function registerMetricsRoute(server: Server, metrics: AppMetrics): void {
  // 'after' fires once a response is finished, errors and unknown paths included.
  server.on('after', (req: Request, res: Response, route: Route | undefined) => {
    metrics.observeRequest(routeLabel(route), req.method ?? 'UNKNOWN', res.statusCode, Math.max(0, Date.now() - req.time()) / 1_000);
  });
  server.get('/metrics', async (req: Request, res: Response) => {
    if (!((req as AuthenticatedRequest).actor === undefined && isLoopback(req.socket.remoteAddress))) actorWithRole(req, OPERATOR_ROLES);
    const body = await metrics.registry.metrics();
    res.header('content-type', metrics.registry.contentType);
    res.header('cache-control', 'no-store');
    res.sendRaw(200, body);
  });
}
