import type { Server } from 'restify';
import type { Connection } from '@temporalio/client';

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
