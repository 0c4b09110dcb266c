import pg from 'pg';
import { check, type SoakContext } from './context';
import { caseWorkflowId } from '../../domain/case-number';
import { sleep, waitFor } from './processes';

/**
 * Phase 4: PostgreSQL connections terminated under load. While `cases` lifecycles run, a loop
 * terminates every backend of the soak's database but the soak's own (its checks must keep
 * reading) every few seconds, for a bounded number of rounds. The server and the worker must
 * survive (no exit, the server still healthy), the lifecycles all complete, and the API answer
 * nothing but 2xx, real 409s and 503 with Retry-After (the soak's client counts anything else).
 * The per-case database checks and the reconciliation at the end of the soak cover these cases too.
 */

export interface PgTerminationOptions {
  readonly name: string;
  readonly cases: number;
  readonly everyMs: readonly [number, number];
  readonly rounds: number;
}

/** Must match the application_name the soak's own database handle connects with (runner.ts). */
const SOAK_OWN_CONNECTIONS = 'caseflow-soak';

export async function pgTerminations(ctx: SoakContext, options: PgTerminationOptions): Promise<void> {
  const { name } = options;
  const exitsBefore = ctx.workers.unexpectedExits.length;
  const admin = new pg.Client({ connectionString: ctx.adminUrl, application_name: SOAK_OWN_CONNECTIONS });
  await admin.connect();
  const terminated: number[] = [];
  const errors: string[] = [];
  let stopped = false;
  const loop = (async () => {
    const [min, max] = options.everyMs;
    while (!stopped && terminated.length + errors.length < options.rounds) {
      // The first round right after the lifecycles start, so that even a short phase sees one.
      const pause = terminated.length + errors.length === 0 ? 1_000 : min + Math.random() * (max - min);
      const until = Date.now() + pause;
      while (!stopped && Date.now() < until) await sleep(100);
      if (stopped) break;
      try {
        const result = await admin.query<{ n: string }>(
          `select count(*) filter (where pg_terminate_backend(pid)) as n
             from pg_stat_activity
            where datname = $1 and pid <> pg_backend_pid() and coalesce(application_name, '') <> $2`,
          [ctx.databaseName, SOAK_OWN_CONNECTIONS],
        );
        terminated.push(Number(result.rows[0]!.n));
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  })();
  try {
    await ctx.lifecyclePhase(name, options.cases);
  } finally {
    stopped = true;
    await loop;
    await admin.end().catch(() => undefined);
  }
  const total = terminated.reduce((a, b) => a + b, 0);
  // The phase's cases (runner.ts titles them `Soak <phase> <i>: …`), as the soak's final checks see every case.
  const caseNumbers = await ctx.db('cases').whereLike('title', `Soak ${name} %`).pluck<string[]>('case_number');
  let shape = '';
  await waitFor(`the ${name} cases' resolution, usage and survey rows`, Math.max(1_000, Math.min(30_000, ctx.remainingMs() - 60_000)), async () => {
    shape = await episodeShape(ctx, caseNumbers);
    return shape === `${options.cases} × 1/1/1` ? true : undefined;
  }, 1_000).catch(() => undefined);
  ctx.addCheck(check(`${name}: every case resolution/usage/survey rows`, `${options.cases} × 1/1/1`, shape));
  const retried = await retriedActivities(ctx, caseNumbers);
  const note =
    `${terminated.length} termination rounds, ${total} connections terminated (${terminated.join('/') || '-'})${errors.length ? `; ${errors.length} rounds failed: ${errors[0]}` : ''}` +
    `; ${retried} activities took more than one attempt`;
  ctx.say(`${name}: ${note}`);
  ctx.note(name, note);
  ctx.addCheck(check(`${name}: connections of the server and worker terminated`, 'at least 1', String(total), total >= 1));

  const exits = ctx.workers.unexpectedExits.slice(exitsBefore);
  const health = await fetch(`${ctx.client.baseUrl}/health`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 0);
  ctx.addCheck(
    check(
      `${name}: the server and the worker survived (no exit, /health 200)`,
      'server running, 0 worker exits, 200',
      `server ${ctx.server.running ? 'running' : 'exited'}, ${exits.length} worker exits${exits.length ? ` (${exits.map((e) => e.signal ?? `code ${e.code}`).join(', ')})` : ''}, ${health}`,
    ),
  );
  const violations = ctx.client.traffic.violations.filter((v) => v.phase === name);
  ctx.addCheck(check(`${name}: responses only 2xx/409/503+Retry-After`, '0 others', `${violations.length} others${violations.length ? ` (${violations[0]!.request}: ${violations[0]!.problem.slice(0, 120)})` : ''}`));
}

async function episodeShape(ctx: SoakContext, caseNumbers: readonly string[]): Promise<string> {
  const rows = await ctx.db.raw<{ rows: { resolutions: string; usages: string; surveys: string; n: string }[] }>(
    `select r.n as resolutions, u.n as usages, s.n as surveys, count(*) as n
       from cases c
       cross join lateral (select count(*) as n from activities a where a.case_id = c.id and a.type = 'resolution') r
       cross join lateral (select count(*) as n from entitlement_usages e where e.case_id = c.id) u
       cross join lateral (select count(*) as n from surveys v where v.case_id = c.id) s
      where c.case_number = any(?)
      group by 1, 2, 3 order by 4 desc`,
    [[...caseNumbers]],
  );
  return rows.rows.map((r) => `${r.n} × ${r.resolutions}/${r.usages}/${r.surveys}`).join(', ') || 'none';
}

/** Activities of these cases' workflows that started more than once (a retry after a database error). */
async function retriedActivities(ctx: SoakContext, caseNumbers: readonly string[]): Promise<number> {
  let retried = 0;
  for (const caseNumber of caseNumbers) {
    const history = await ctx.temporal.workflow.getHandle(caseWorkflowId(caseNumber)).fetchHistory();
    for (const event of history.events ?? []) if ((event.activityTaskStartedEventAttributes?.attempt ?? 0) > 1) retried += 1;
  }
  return retried;
}
