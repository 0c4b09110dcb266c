import { isIP } from 'node:net';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import type { CaseProblemRepository } from '../db/repositories/case-problem.repository';
import { OPERATOR_ROLES } from '../domain/actor';
import type { AuthenticatedRequest } from './auth-context';
import { actorWithRole } from './auth-context';

export interface MetricsDependencies {
  readonly problems: Pick<CaseProblemRepository, 'countCases'>;
}

/** The process's Prometheus registry: its own metrics and the Node.js defaults, read at each scrape. */
export function createMetricsRegistry(deps: MetricsDependencies): Registry {
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
  return registry;
}

const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (isIP(address) === 4 ? address.startsWith('127.') : address === '::1' || address.startsWith('::ffff:127.'));

/**
 * GET /metrics in the Prometheus text format. A scraper on the same host needs no token; anyone
 * else needs an operator's, supervisor's or admin's bearer token (the figures describe the whole
 * desk, not one caller's rows).
 */
export function registerMetricsRoute(server: Server, registry: Registry): void {
  server.get('/metrics', async (req: Request, res: Response) => {
    if (!((req as AuthenticatedRequest).actor === undefined && isLoopback(req.socket.remoteAddress))) actorWithRole(req, OPERATOR_ROLES);
    const body = await registry.metrics();
    res.header('content-type', registry.contentType);
    res.header('cache-control', 'no-store');
    res.sendRaw(200, body);
  });
}
