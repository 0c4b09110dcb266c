import type { Server } from 'restify';
import type { Connection } from '@temporalio/client';
import { z } from 'zod';
import type { RouteDeclaration } from './route';

export interface HealthDependencies {
  /** Resolves when the records database answers a trivial query. */
  readonly pingDatabase: () => Promise<unknown>;
  readonly temporal: Connection;
  readonly describe: { readonly database: string; readonly temporal: string };
}

type Check = { status: 'ok' } | { status: 'down'; error: string };

async function check(probe: () => Promise<unknown>): Promise<Check> {
  try {
    await probe();
    return { status: 'ok' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message.split('\n')[0] ?? 'unknown error' };
  }
}

const checkSchema = z.object({
  status: z.enum(['ok', 'down']),
  error: z.string().optional().describe('The first line of what went wrong'),
  target: z.string().describe('What was checked (an address, or the database kind)'),
});
const healthSchema = z.object({ status: z.enum(['ok', 'degraded']), checks: z.object({ temporal: checkSchema, database: checkSchema }) });

/** GET /health as the OpenAPI document and the authorization matrix see it (registered by hand below). */
export const healthRouteDeclaration: RouteDeclaration = {
  method: 'get',
  path: '/health',
  tag: 'Health',
  summary: 'Whether Temporal and the records database answer within 2 s',
  roles: 'public',
  responses: {
    200: { description: 'Both answer', schema: healthSchema },
    503: { description: 'One of them does not: the body names which', schema: healthSchema },
  },
};

/** GET /health: 200 when Temporal and the database both answer within 2 s, 503 naming what does not. */
export function registerHealthRoute(server: Server, deps: HealthDependencies): void {
  server.get('/health', async (_req, res) => {
    const [temporal, database] = await Promise.all([
      check(() => deps.temporal.withDeadline(Date.now() + 2_000, () => deps.temporal.workflowService.getSystemInfo({}))),
      check(() => Promise.race([
        deps.pingDatabase(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
      ])),
    ]);
    const healthy = temporal.status === 'ok' && database.status === 'ok';
    res.send(healthy ? 200 : 503, {
      status: healthy ? 'ok' : 'degraded',
      checks: {
        temporal: { ...temporal, target: deps.describe.temporal },
        database: { ...database, target: deps.describe.database },
      },
    });
  });
}
