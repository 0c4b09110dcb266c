import { caseWorkflowId } from '../../domain/case-number';
import { DEMO } from '../../db/seeds/demo';
import { check, range, type SoakContext } from './context';
import { sleep, waitFor } from './processes';
import { latencyStats, ms } from './report';
import { CaseWriteReader } from '../../services/case-writes';

/**
 * Phase 2: SLA timers falling due while no worker runs. Cases are opened under a policy whose
 * first-response warning and failure come 1 and 2 minutes after opening (the shortest the
 * minute-grained sla_kpis allow); every worker is SIGKILLed before the first warning is due and
 * none runs until the last failure has passed. Then one worker starts: each case must get its
 * warning and its failure exactly once — one notification (per recipient and channel) and one
 * enqueueNotification activity in the workflow's history per kind — and the report says how late.
 */

const POLICY_NAME = 'Soak: first response in 2 minutes';
const WARN_MINUTES = 1;
const FAIL_MINUTES = 2;
type Kind = 'sla_warning' | 'sla_failure';
const KINDS: readonly Kind[] = ['sla_warning', 'sla_failure'];

export async function slaTimersWithoutWorker(ctx: SoakContext, phase: string, count: number): Promise<void> {
  const db = ctx.db;
  // A 24x7 policy that nothing pauses; the gold entitlement points at it while the phase's cases open.
  const [policy] = await db('sla_policies')
    .insert({ name: POLICY_NAME, description: 'Opened by the soak: warnings and failures within minutes.', pause_on: JSON.stringify([]) })
    .returning<{ id: string }[]>('id');
  await db('sla_kpis').insert({ sla_policy_id: policy!.id, kpi: 'first_response', warn_after_minutes: WARN_MINUTES, fail_after_minutes: FAIL_MINUTES });
  const gold = await db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ sla_policy_id: string }>('sla_policy_id');
  await db('entitlements').where({ id: DEMO.goldEntitlementId }).update({ sla_policy_id: policy!.id });
  let caseNumbers: string[];
  try {
    caseNumbers = await Promise.all(
      range(count).map((i) => ctx.openCase(phase, ctx.customers[i % ctx.customers.length]!, `${ctx.runId}-sla-${i}`, `Soak SLA ${i}: nobody has answered yet`)),
    );
  } finally {
    await db('entitlements').where({ id: DEMO.goldEntitlementId }).update({ sla_policy_id: gold.sla_policy_id });
  }

  // The clocks as the workflows recorded them: the warning and failure instants of each case.
  const clocks = await waitFor(`the first-response clocks of the ${count} SLA cases`, Math.min(60_000, ctx.remainingMs()), async () => {
    const rows = await db('sla_kpi_instances as k')
      .join('cases as c', 'c.id', 'k.case_id')
      .whereIn('c.case_number', caseNumbers)
      .where('k.kpi', 'first_response')
      .whereNotNull('k.warning_at')
      .select<{ case_number: string; warning_at: Date; failure_at: Date }[]>('c.case_number', 'k.warning_at', 'k.failure_at');
    return rows.length === count ? rows : undefined;
  }, 500);
  const firstWarning = Math.min(...clocks.map((c) => c.warning_at.getTime()));
  const lastFailure = Math.max(...clocks.map((c) => c.failure_at.getTime()));

  await ctx.workers.killAndHold();
  const stoppedAt = Date.now();
  ctx.say(`${phase}: worker SIGKILLed, none runs; first warning due in ${Math.round((firstWarning - stoppedAt) / 1000)} s, last failure in ${Math.round((lastFailure - stoppedAt) / 1000)} s`);
  ctx.addCheck(check(`${phase}: every worker stopped before the first warning was due`, 'yes', stoppedAt < firstWarning ? 'yes' : `no (${ms(stoppedAt - firstWarning)} after)`));
  await sleep(Math.max(0, Math.min(lastFailure + 5_000 - Date.now(), ctx.remainingMs() - 60_000)));

  const before = await notificationKeys(ctx, caseNumbers);
  ctx.addCheck(check(`${phase}: nothing fired while no worker ran`, '0 notifications', `${before.length} notifications`));

  const restartedAt = Date.now();
  const worker = ctx.workers.start();
  await worker.waitForOutput(/worker polling/, Math.max(5_000, Math.min(90_000, ctx.remainingMs())));
  const pollingMs = Date.now() - restartedAt;
  ctx.say(`${phase}: a worker polls again after ${ms(pollingMs)}`);

  // Every case's warning and failure, as notifications (one key per case and kind, however many recipients).
  let keys = before;
  await waitFor(`the SLA warnings and failures of the ${count} cases`, Math.max(5_000, Math.min(180_000, ctx.remainingMs() - 60_000)), async () => {
    keys = await notificationKeys(ctx, caseNumbers);
    return KINDS.every((kind) => new Set(keys.filter((k) => k.kind === kind).map((k) => k.caseNumber)).size === count) ? true : undefined;
  }, 1_000).catch(() => undefined);
  // A second firing would add nothing more here: wait a little, then count.
  await sleep(3_000);
  keys = await notificationKeys(ctx, caseNumbers);
  for (const kind of KINDS) {
    const perCase = new Map<string, Set<string>>();
    for (const k of keys.filter((k) => k.kind === kind)) perCase.set(k.caseNumber, (perCase.get(k.caseNumber) ?? new Set()).add(k.key));
    const once = caseNumbers.filter((n) => perCase.get(n)?.size === 1).length;
    const missing = caseNumbers.filter((n) => !perCase.has(n)).length;
    const more = count - once - missing;
    ctx.addCheck(check(`${phase}: ${kind} notified once per case (outbox keys)`, `${count} once, 0 never, 0 more`, `${once} once, ${missing} never, ${more} more`));
  }
  const fired = await firingsInHistory(ctx, caseNumbers);
  for (const kind of KINDS) {
    const shape = summarizeCounts(caseNumbers.map((n) => fired.get(n)?.[kind] ?? 0));
    ctx.addCheck(check(`${phase}: ${kind} enqueued once per case (workflow histories)`, `${count} × 1`, shape));
  }
  const states = await db('sla_kpi_instances as k')
    .join('cases as c', 'c.id', 'k.case_id')
    .whereIn('c.case_number', caseNumbers)
    .where('k.kpi', 'first_response')
    .select<{ status: string }[]>('k.status');
  ctx.addCheck(check(`${phase}: first-response clocks noncompliant`, `${count} noncompliant`, summarizeLabels(states.map((s) => s.status))));

  // How late: from the worker's restart to each notification, and from the instant it was due.
  const lateness = (kind: Kind, from: (k: NotificationKey) => number): string => {
    const stats = latencyStats(firstPerCase(keys, kind).map((k) => k.createdAt - from(k)));
    return stats.count === 0 ? 'none' : `p50 ${ms(stats.p50)}, max ${ms(stats.max)}`;
  };
  const dueOf = new Map(clocks.map((c) => [c.case_number, c] as const));
  const note = [
    `worker down ${ms(restartedAt - stoppedAt)}, polling ${ms(pollingMs)} after restart`,
    `after restart: warnings ${lateness('sla_warning', () => restartedAt)}, failures ${lateness('sla_failure', () => restartedAt)}`,
    `after due: failures ${lateness('sla_failure', (k) => dueOf.get(k.caseNumber)!.failure_at.getTime())}`,
  ].join('; ');
  ctx.say(`${phase}: ${note}`);
  ctx.note(phase, note);

  // The cases end like every other: resolved, so that they close and the final checks hold.
  await Promise.all(caseNumbers.map((n, i) => ctx.resolveCase(phase, ctx.agents[i % ctx.agents.length]!, n, `${ctx.runId}-sla-${i}-work`)));
}

interface NotificationKey {
  readonly caseNumber: string;
  readonly kind: Kind;
  /** The outbox key without its `:channel:recipient` suffix: one per firing. */
  readonly key: string;
  readonly createdAt: number;
}

async function notificationKeys(ctx: SoakContext, caseNumbers: readonly string[]): Promise<NotificationKey[]> {
  const rows = await ctx
    .db('notifications as n')
    .join('cases as c', 'c.id', 'n.case_id')
    .whereIn('c.case_number', caseNumbers)
    .whereIn('n.kind', KINDS)
    .select<{ case_number: string; kind: Kind; idempotency_key: string; created_at: Date }[]>('c.case_number', 'n.kind', 'n.idempotency_key', 'n.created_at');
  return rows.map((r) => ({ caseNumber: r.case_number, kind: r.kind, key: r.idempotency_key.replace(/:(email|bot):[^:]+$/, ''), createdAt: r.created_at.getTime() }));
}

function firstPerCase(keys: readonly NotificationKey[], kind: Kind): NotificationKey[] {
  const first = new Map<string, NotificationKey>();
  for (const k of keys) if (k.kind === kind && (!first.has(k.caseNumber) || k.createdAt < first.get(k.caseNumber)!.createdAt)) first.set(k.caseNumber, k);
  return [...first.values()];
}

/** Per case, how many enqueueNotification activities for an SLA warning / failure its workflow scheduled. */
async function firingsInHistory(ctx: SoakContext, caseNumbers: readonly string[]): Promise<Map<string, Record<Kind, number>>> {
  const fired = new Map<string, Record<Kind, number>>();
  for (const caseNumber of caseNumbers) {
    const counts: Record<Kind, number> = { sla_warning: 0, sla_failure: 0 };
    fired.set(caseNumber, counts);
    const history = await ctx.temporal.workflow.getHandle(caseWorkflowId(caseNumber)).fetchHistory();
    // An activity of its own in older histories, one write of a local activity's batch since `local-effects`.
    const writes = new CaseWriteReader();
    for (const event of history.events ?? []) {
      for (const fact of writes.read(event)) {
        if (fact.phase !== 'scheduled' || fact.activity !== 'enqueueNotification') continue;
        const kind = (fact.input as { kind?: string } | undefined)?.kind;
        if (kind === 'sla_warning' || kind === 'sla_failure') counts[kind] += 1;
      }
    }
  }
  return fired;
}

function summarizeCounts(values: readonly number[]): string {
  return summarizeLabels(values.map(String), (label) => `× ${label}`);
}

function summarizeLabels(values: readonly string[], format: (label: string) => string = (label) => label): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort().map(([label, n]) => `${n} ${format(label)}`).join(', ') || 'none';
}
