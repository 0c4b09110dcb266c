import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { CaseWriteReader } from '../services/case-writes';
import { openCase, type OpenedCase } from './api-client';
import { measureValues } from './measure';
import { loadNow } from './process-bench';
import type { PhaseContext, PhaseResults } from './phases';
import { say, ticker } from './progress';
import { SLA_WARN_MINUTES } from './records';
import { BASELINE_TASK_QUEUE } from './servers';
import { timerThenActivityWorkflow } from './workflows';

/**
 * Benchmark 4: SLA timer lateness. Cases open in a burst under a policy that warns one minute later;
 * each warning's lateness is the time from its due instant (the case's own first-response clock) to
 * the workflow scheduling the notification (enqueueNotification in its history). The baseline: as
 * many bare workflows whose timers fall due in the same pattern (shifted to after the cases'), each
 * then scheduling a no-op activity, measured the same way.
 */
export async function slaTimers(context: PhaseContext, results: PhaseResults): Promise<void> {
  const { baseUrl, database, baseline, slaTokens: tokens } = context;
  const count = context.settings.slaCases;
  const benchmark = 'SLA warning lateness';
  if (Date.now() + SLA_WARN_MINUTES * 60_000 + 120_000 > context.settings.deadline) {
    results.skipped.push({ database, benchmark, concurrency: tokens.length, why: 'the --max-minutes budget was spent' });
    return;
  }
  say(`${database}: SLA timers: opening ${count} cases whose first-response warning falls due ${SLA_WARN_MINUTES} minute later`);
  const opened = await inParallel(count, tokens.length, (index) => openCase(baseUrl, tokens[index % tokens.length]!, `Timer case ${index + 1}`));
  // A customer's view of the state shows the SLA's due time but not its warning: read it as staff.
  const dueAt = await inParallel(count, tokens.length, (index) => warningAtOf(baseUrl, context.supervisorToken, opened[index]!));
  const first = Math.min(...dueAt);
  const last = Math.max(...dueAt);
  // The baselines fall due in the same pattern, after the cases' warnings have been handled.
  const shiftMs = last - first + 20_000;
  const bare = await inParallel(count, tokens.length, (index) =>
    baseline.workflow.start(timerThenActivityWorkflow, { taskQueue: BASELINE_TASK_QUEUE, workflowId: `timer-${database}-${Date.now().toString(36)}-${index}`, args: [new Date(dueAt[index]! + shiftMs).toISOString()] }),
  );
  say(`${database}: ${count} warnings due within ${((last - first) / 1_000).toFixed(1)} s of each other, the first in ${Math.round((first - Date.now()) / 1_000)} s; the bare timers ${Math.round(shiftMs / 1_000)} s later`);
  const waitUntil = last + shiftMs + 15_000;
  const progress = ticker(`${database} waiting for the timers`, waitUntil - Date.now());
  const waitStart = Date.now();
  while (Date.now() < waitUntil) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    progress(undefined, Date.now() - waitStart);
  }
  const appFired = await Promise.all(opened.map((opened) => scheduledAt(context.app, opened.workflowId, isSlaWarning)));
  const bareFired = await Promise.all(bare.map((handle) => scheduledAt(baseline, handle.workflowId, (type) => type === 'noop')));
  const lateness = (fired: readonly (number | undefined)[], due: (index: number) => number): { values: number[]; missing: number } => {
    const values = fired.flatMap((at, index) => (at === undefined ? [] : [at - due(index)]));
    return { values, missing: fired.length - values.length };
  };
  const app = lateness(appFired, (index) => dueAt[index]!);
  const base = lateness(bareFired, (index) => dueAt[index]! + shiftMs);
  const appMeasured = measureValues(app.values, app.missing, { 'not fired in time': app.missing });
  const bareMeasured = measureValues(base.values, base.missing, { 'not fired in time': base.missing });
  results.comparisons.push({
    database,
    benchmark,
    concurrency: count,
    app: { what: `${count} case SLA warnings: due → enqueueNotification scheduled`, measured: appMeasured },
    baseline: { what: `${count} bare workflow timers: due → no-op activity scheduled`, kind: 'timer', measured: bareMeasured },
    ratios: {
      throughput: Number.NaN,
      p50: appMeasured.latencyMs.p50 / bareMeasured.latencyMs.p50,
      p95: appMeasured.latencyMs.p95 / bareMeasured.latencyMs.p95,
      p99: appMeasured.latencyMs.p99 / bareMeasured.latencyMs.p99,
    },
    loadAverage: loadNow(),
    note: `"c" is the number of timers; their due instants spread over ${((last - first) / 1_000).toFixed(1)} s (the cases opened in a burst: the policy's minutes count from each opening); latencies are lateness after the due instant`,
  });
  await Promise.all(bare.map((handle) => handle.result().catch(() => undefined)));
}

/** Runs `count` calls, `concurrency` at a time, and keeps their answers in order. */
async function inParallel<T>(count: number, concurrency: number, call: (index: number) => Promise<T>): Promise<T[]> {
  const answers: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        answers[index] = await call(index);
      }
    }),
  );
  return answers;
}

/** The first-response warning instant from the case's live state (GET /cases/{n}/state). */
async function warningAtOf(baseUrl: string, token: string, opened: OpenedCase): Promise<number> {
  const response = await fetch(`${baseUrl}/cases/${opened.caseNumber}/state`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`the state of ${opened.caseNumber}: ${response.status} ${await response.text()}`);
  const found = findClock(await response.json());
  if (!found) throw new Error(`the state of ${opened.caseNumber} shows no first-response clock with a warningAt`);
  return Date.parse(found);
}

function findClock(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findClock(item);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record.kpi === 'first_response' && typeof record.warningAt === 'string') return record.warningAt;
  for (const child of Object.values(record)) {
    const found = findClock(child);
    if (found) return found;
  }
  return undefined;
}

function isSlaWarning(type: string, input: readonly unknown[]): boolean {
  return type === 'enqueueNotification' && input.some((item) => typeof item === 'object' && item !== null && (item as { kind?: unknown }).kind === 'sla_warning');
}

/**
 * When the workflow first asked for an activity that `matches`, from its history (server time, ms):
 * an activity scheduled, or (since the `local-effects` patch) a write of a local batch, whose marker
 * is recorded once the batch has run.
 */
async function scheduledAt(client: Client, workflowId: string, matches: (type: string, input: readonly unknown[]) => boolean): Promise<number | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const writes = new CaseWriteReader();
  for (const event of history.events ?? []) {
    for (const fact of writes.read(event)) {
      if (fact.phase === 'scheduled' && matches(fact.activity, [fact.input])) return optionalTsToMs(event.eventTime);
    }
  }
  return undefined;
}
