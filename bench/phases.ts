import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { openCase, type OpenedCase } from './api-client';
import { countTasks, meanTasks, perTime, type TaskCounts } from './histories';
import { runCalls, runHttp, type LoadLimits, type Measurement } from './measure';
import { say, ticker } from './progress';
import { BASELINE_TASK_QUEUE } from './servers';
import type { Connector } from './connector';
import type { BaselineKind } from './targets';
import { loadNow } from './process-bench';
import { emptyWorkflow, finish, touch, touchAfterActivity, updatableWorkflow } from './workflows';

/** The bench's measurements on one database: each app figure beside a bare-Temporal baseline measured just before it. */

export interface Settings {
  readonly durationMs: number;
  readonly maxCount: number;
  readonly concurrencies: readonly number[];
  /** Cases whose histories are counted. */
  readonly sampleCases: number;
  /** Cases (and bare timers) in the SLA timer benchmark. */
  readonly slaCases: number;
  readonly deadline: number;
}

export interface PhaseContext {
  readonly database: string;
  readonly baseUrl: string;
  /** One signed-in customer per load connection (the API's rate limit is per user). */
  readonly tokens: readonly string[];
  /** Customers of the account whose SLA policy warns a minute after opening. */
  readonly slaTokens: readonly string[];
  /** The demo supervisor, who sees every case's whole state. */
  readonly supervisorToken: string;
  /** A client in the baselines' namespace. */
  readonly baseline: Client;
  /** A client in the app's namespace (to read case histories). */
  readonly app: Client;
  readonly settings: Settings;
  /** The loopback Connector the bots reply to, and the echo bot baseline's base URL. */
  readonly bot: { readonly connector: Connector; readonly echoUrl: string };
}

export interface Comparison {
  readonly database: string;
  readonly benchmark: string;
  readonly concurrency: number;
  readonly app: { readonly what: string; readonly measured: Measurement };
  readonly baseline: { readonly what: string; readonly kind: BaselineKind; readonly measured: Measurement };
  readonly ratios: { readonly throughput: number; readonly p50: number; readonly p95: number; readonly p99: number };
  /** Anything that qualifies the figures (e.g. a paced load). */
  readonly note?: string;
  /** The machine's 1-minute load average when the app's load ended (the machine is shared). */
  readonly loadAverage?: number;
}

export interface TaskReport {
  readonly database: string;
  readonly what: string;
  readonly app: TaskCounts;
  readonly baseline: TaskCounts;
}

export interface Skipped {
  readonly database: string;
  readonly benchmark: string;
  readonly concurrency: number;
  readonly why: string;
}

export interface PhaseResults {
  readonly comparisons: Comparison[];
  readonly tasks: TaskReport[];
  readonly skipped: Skipped[];
}

export function compare(database: string, benchmark: string, concurrency: number, app: Comparison['app'], baseline: Comparison['baseline'], note?: string): Comparison {
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);
  return {
    database,
    benchmark,
    concurrency,
    app,
    baseline,
    ratios: {
      throughput: ratio(app.measured.perSecond, baseline.measured.perSecond),
      p50: ratio(app.measured.latencyMs.p50, baseline.measured.latencyMs.p50),
      p95: ratio(app.measured.latencyMs.p95, baseline.measured.latencyMs.p95),
      p99: ratio(app.measured.latencyMs.p99, baseline.measured.latencyMs.p99),
    },
    ...(note ? { note } : {}),
    loadAverage: loadNow(),
  };
}

/** The users (or cases, or workflows) a load connection takes turns with: 8 slots on 1 connection, 1 each on 8. */
export function slotCycler(slots: number, concurrency: number): (connection: number) => number {
  const turns = new Map<number, number>();
  return (connection) => {
    const mine = Array.from({ length: slots }, (_, slot) => slot).filter((slot) => slot % concurrency === connection);
    const turn = turns.get(connection) ?? 0;
    turns.set(connection, turn + 1);
    return mine[turn % mine.length] ?? connection % slots;
  };
}

export function limitsFor(context: PhaseContext, label: string, concurrency: number, ratePerSecond?: number): LoadLimits | undefined {
  const { durationMs, maxCount, deadline } = context.settings;
  if (Date.now() + durationMs > deadline) return undefined;
  return { concurrency, durationMs, maxCount, ...(ratePerSecond ? { ratePerSecond } : {}), onProgress: ticker(`${context.database} ${label} c=${concurrency}`, durationMs) };
}

let sequence = 0;
export const uniqueId = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${(sequence += 1)}`;

/**
 * A start that answers once the workflow's first activity has run (the shape of POST /cases, which
 * answers once the workflow has recorded the case): Update-with-Start, whose Update runs a no-op
 * activity. (workflow.execute would wait on the history's long poll instead, which costs more than
 * the activity here.)
 */
function startWithOneActivity(client: Client): Promise<number> {
  return client.workflow.executeUpdateWithStart(touchAfterActivity, {
    args: [1],
    startWorkflowOperation: new WithStartWorkflowOperation(updatableWorkflow, {
      taskQueue: BASELINE_TASK_QUEUE,
      workflowId: uniqueId('first-activity'),
      workflowIdConflictPolicy: 'FAIL',
    }),
  });
}

/**
 * Waits (at most a minute) until no empty workflow is left running: a timed load of bare starts
 * leaves a backlog of workflow tasks, which would otherwise queue ahead of the next baseline's
 * tasks and take the CPU from the next app measurement (the first full run had p95s of 10–15 s).
 */
async function drainEmptyWorkflows(client: Client): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { count } = await client.workflow.count(`WorkflowType = 'emptyWorkflow' AND ExecutionStatus = 'Running'`);
    if (count === 0) return;
    if (Date.now() > deadline) {
      say(`  ${count} empty workflows still running after a minute; measuring on`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Bare `workflow.start` calls of the empty workflow under `limits`. A start answers before its
 * workflow runs: the worker's backlog is run off before anything else is measured.
 */
export async function measureBareStarts(baseline: Client, limits: LoadLimits): Promise<Measurement> {
  const measured = await runCalls(limits, () => baseline.workflow.start(emptyWorkflow, { taskQueue: BASELINE_TASK_QUEUE, workflowId: uniqueId('empty') }));
  await drainEmptyWorkflows(baseline);
  return measured;
}

/** Benchmark 1: POST /cases as customers, against a bare workflow start (and start + one activity). */
export async function caseOpening(context: PhaseContext, results: PhaseResults): Promise<void> {
  const { baseUrl, tokens, baseline, database } = context;
  say(`${database}: case opening`);
  // Warm-up, not measured: the first requests pay for connections, JIT and caches.
  for (let index = 0; index < 3; index += 1) {
    await openCase(baseUrl, tokens[index % tokens.length]!, `Warm-up case ${index + 1}`);
    await baseline.workflow.start(emptyWorkflow, { taskQueue: BASELINE_TASK_QUEUE, workflowId: uniqueId('warm') });
    await startWithOneActivity(baseline);
  }
  for (const concurrency of context.settings.concurrencies) {
    const startLimits = limitsFor(context, 'bare workflow.start', concurrency);
    const executeLimits = limitsFor(context, 'bare start + Update running one activity', concurrency);
    const appLimits = limitsFor(context, 'POST /cases', concurrency);
    if (!startLimits || !executeLimits || !appLimits) {
      results.skipped.push({ database, benchmark: 'case opening', concurrency, why: 'the --max-minutes budget was spent' });
      continue;
    }
    const bareStart = await measureBareStarts(baseline, startLimits);
    const bareExecute = await runCalls(executeLimits, () => startWithOneActivity(baseline));
    const tokenFor = slotCycler(tokens.length, concurrency);
    let opened = 0;
    const app = await runHttp(appLimits, {
      url: baseUrl,
      method: 'POST',
      expectStatus: 201,
      next: (connection) => {
        opened += 1;
        return { path: '/cases', token: tokens[tokenFor(connection)]!, body: { title: `Bench case ${opened}`, description: 'Opened by npm run bench', channel: 'web' } };
      },
    });
    const appSide = { what: 'POST /cases (201, the case recorded)', measured: app };
    results.comparisons.push(compare(database, 'case opening', concurrency, appSide, { what: 'bare client.workflow.start (empty workflow)', kind: 'start', measured: bareStart }));
    results.comparisons.push(compare(database, 'case opening', concurrency, appSide, { what: 'bare executeUpdateWithStart: start + an Update that runs one no-op activity', kind: 'start+activity', measured: bareExecute }));
  }

  // Tasks per case: a few fresh cases, once their opening has settled.
  const cases: OpenedCase[] = [];
  for (let index = 0; index < context.settings.sampleCases; index += 1) {
    cases.push(await openCase(baseUrl, tokens[index % tokens.length]!, `Counted case ${index + 1}`));
  }
  const empty = await baseline.workflow.start(emptyWorkflow, { taskQueue: BASELINE_TASK_QUEUE, workflowId: uniqueId('counted-empty') });
  await empty.result();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  results.tasks.push({
    database,
    what: 'opening a case (history of a new case, 2 s after POST /cases answered), vs an empty workflow',
    app: await meanTasks(context.app, cases.map((opened) => opened.workflowId)),
    baseline: await countTasks(baseline, empty.workflowId),
  });
}

/** Benchmark 2: a customer's note (an Update on the case's workflow) through the API, against a bare Update round trip. */
export async function agentActions(context: PhaseContext, results: PhaseResults): Promise<void> {
  const { baseUrl, tokens, baseline, database } = context;
  say(`${database}: case actions (POST /cases/{n}/notes)`);
  // One case and one bare workflow per customer: a connection acts on its own cases only.
  const cases: OpenedCase[] = [];
  for (const [index, token] of tokens.entries()) cases.push(await openCase(baseUrl, token, `Case for notes ${index + 1}`));
  const handles = await Promise.all(
    tokens.map(() => baseline.workflow.start(updatableWorkflow, { taskQueue: BASELINE_TASK_QUEUE, workflowId: uniqueId('updatable') })),
  );
  const note = (slot: number, text: string): Promise<Response> =>
    fetch(`${baseUrl}/cases/${cases[slot]!.caseNumber}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[slot]!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  // Warm-up, and the tasks one note costs (from the history before and after).
  const counted = 5;
  const caseBefore = await countTasks(context.app, cases[0]!.workflowId);
  const bareBefore = await countTasks(baseline, handles[0]!.workflowId);
  for (let index = 0; index < counted; index += 1) {
    const response = await note(0, `Warm-up note ${index + 1}`);
    if (response.status !== 200) throw new Error(`a note: ${response.status} ${await response.text()}`);
    await handles[0]!.executeUpdate(touch, { args: [1] });
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  results.tasks.push({
    database,
    what: "one customer's note (POST /cases/{n}/notes), vs one bare Update",
    app: perTime(caseBefore, await countTasks(context.app, cases[0]!.workflowId), counted),
    baseline: perTime(bareBefore, await countTasks(baseline, handles[0]!.workflowId), counted),
  });

  for (const concurrency of context.settings.concurrencies) {
    const bareLimits = limitsFor(context, 'bare Update', concurrency);
    const activityLimits = limitsFor(context, 'bare Update running one activity', concurrency);
    const appLimits = limitsFor(context, 'POST /cases/{n}/notes', concurrency);
    if (!bareLimits || !activityLimits || !appLimits) {
      results.skipped.push({ database, benchmark: 'case action (customer note)', concurrency, why: 'the --max-minutes budget was spent' });
      continue;
    }
    const bareSlot = slotCycler(handles.length, concurrency);
    const bare = await runCalls(bareLimits, (caller) => handles[bareSlot(caller)]!.executeUpdate(touch, { args: [1] }));
    const activitySlot = slotCycler(handles.length, concurrency);
    const bareWithActivity = await runCalls(activityLimits, (caller) => handles[activitySlot(caller)]!.executeUpdate(touchAfterActivity, { args: [1] }));
    const appSlot = slotCycler(cases.length, concurrency);
    let written = 0;
    const app = await runHttp(appLimits, {
      url: baseUrl,
      method: 'POST',
      expectStatus: 200,
      next: (connection) => {
        const slot = appSlot(connection);
        written += 1;
        return { path: `/cases/${cases[slot]!.caseNumber}/notes`, token: tokens[slot]!, body: { text: `Bench note ${written}` } };
      },
    });
    const appSide = { what: 'POST /cases/{n}/notes (an Update, 200 with the case)', measured: app };
    results.comparisons.push(compare(database, 'case action (customer note)', concurrency, appSide, { what: 'bare handle.executeUpdate on a no-op workflow', kind: 'update', measured: bare }));
    results.comparisons.push(
      compare(database, 'case action (customer note)', concurrency, appSide, { what: 'bare executeUpdate whose handler runs one no-op activity', kind: 'update+activity', measured: bareWithActivity }),
    );
  }
  await Promise.all(handles.map((handle) => handle.signal(finish)));
}

/**
 * Bot turns are offered at this rate, on both sides: createRateLimiter() gives requests without a
 * signed-in user (as /api/messages is) one bucket per client IP, 20/s with a burst of 50.
 */
const BOT_TURNS_PER_SECOND = 15;

/** Benchmark 3: a bot turn ("status CAS-…" through /api/messages), against an echo bot on the same server, adapter and route. */
export async function botTurns(context: PhaseContext, results: PhaseResults): Promise<void> {
  const { baseUrl, tokens, database } = context;
  const { connector, echoUrl } = context.bot;
  say(`${database}: bot turns (status CAS-… through /api/messages)`);
  let activityId = 0;
  // One channel conversation per bench customer, linked to them, asking about a case of theirs.
  const activity = (slot: number, text: string): Record<string, unknown> => ({
    type: 'message',
    id: `bench-${(activityId += 1)}`,
    timestamp: new Date().toISOString(),
    channelId: 'emulator',
    serviceUrl: connector.url,
    from: { id: `bench-user-${database}-${slot}`, name: `bench-customer-${slot + 1}`, role: 'user' },
    conversation: { id: `bench-conversation-${database}-${slot}` },
    recipient: { id: 'caseflow-bot', name: 'caseflow', role: 'bot' },
    locale: 'en-US',
    text,
  });
  const turn = async (url: string, body: Record<string, unknown>): Promise<number> => {
    const before = connector.replies();
    const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`a bot turn (${String(body.text)}): ${response.status} ${await response.text()}`);
    return connector.replies() - before;
  };
  const cases: OpenedCase[] = [];
  for (const [slot, token] of tokens.entries()) {
    cases.push(await openCase(baseUrl, token, `Case for the bot ${slot + 1}`));
    await turn(baseUrl, activity(slot, `link bench-customer-${slot + 1}`));
  }
  // Warm-up, and proof that each side answers its turn with a reply.
  for (let index = 0; index < 3; index += 1) {
    if ((await turn(baseUrl, activity(0, `status ${cases[0]!.caseNumber}`))) < 1) throw new Error('the caseflow bot sent no reply to "status"');
    if ((await turn(echoUrl, activity(0, `status ${cases[0]!.caseNumber}`))) < 1) throw new Error('the echo bot sent no reply');
  }
  for (const concurrency of context.settings.concurrencies) {
    const bareLimits = limitsFor(context, 'echo bot turn', concurrency, BOT_TURNS_PER_SECOND);
    const appLimits = limitsFor(context, 'bot status turn', concurrency, BOT_TURNS_PER_SECOND);
    if (!bareLimits || !appLimits) {
      results.skipped.push({ database, benchmark: 'bot turn (status)', concurrency, why: 'the --max-minutes budget was spent' });
      continue;
    }
    const load = (url: string): Parameters<typeof runHttp>[1] => {
      const slotOf = slotCycler(tokens.length, concurrency);
      return {
        url,
        method: 'POST',
        expectStatus: 200,
        next: (connection) => {
          const slot = slotOf(connection);
          return { path: '/api/messages', token: '', body: activity(slot, `status ${cases[slot]!.caseNumber}`) };
        },
      };
    };
    const bare = await runHttp(bareLimits, load(echoUrl));
    const app = await runHttp(appLimits, load(baseUrl));
    results.comparisons.push(
      compare(
        database,
        'bot turn (status)',
        concurrency,
        { what: '"status CAS-…" to the caseflow bot at /api/messages (200 once the reply card is sent)', measured: app },
        { what: 'echo ActivityHandler behind the same restify server, adapter and route', kind: 'echo', measured: bare },
        `both paced at ${BOT_TURNS_PER_SECOND} turns/s: the API rate-limits /api/messages per client IP (20/s, burst 50) and every turn here comes from 127.0.0.1, so compare latencies, not rates`,
      ),
    );
  }
}
