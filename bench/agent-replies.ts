import { benchStaffTokens, openCase, type OpenedCase } from './api-client';
import { runCalls, runHttp } from './measure';
import { compare, limitsFor, slotCycler, uniqueId, type PhaseContext, type PhaseResults } from './phases';
import { say } from './progress';
import { BASELINE_TASK_QUEUE } from './servers';
import { finish, touch, updatableWorkflow } from './workflows';

/**
 * Benchmark 2, the agent's side: a reply to the customer (`POST /cases/{n}/replies`, an Update that
 * records an outbound email activity, meets the first response and queues the customer's
 * notification), each staff member on a case of their own, against a bare Update round trip.
 */
export async function agentReplies(context: PhaseContext, results: PhaseResults): Promise<void> {
  const { baseUrl, tokens, baseline, database } = context;
  say(`${database}: agent replies (POST /cases/{n}/replies)`);
  // The API limits each signed-in user to 20 requests/s: one staff member per load connection.
  const staff = await benchStaffTokens(baseUrl, tokens.length, 'supervisor', `replier-${database}`);
  const cases: OpenedCase[] = [];
  for (const [index, token] of tokens.entries()) cases.push(await openCase(baseUrl, token, `Case for replies ${index + 1}`));
  const handles = await Promise.all(staff.map(() => baseline.workflow.start(updatableWorkflow, { taskQueue: BASELINE_TASK_QUEUE, workflowId: uniqueId('updatable-reply') })));
  let written = 0;
  const reply = (slot: number) => ({ path: `/cases/${cases[slot]!.caseNumber}/replies`, token: staff[slot]!, body: { text: `Bench reply ${(written += 1)}: please restart the scanner.` } });
  for (let index = 0; index < 3; index += 1) {
    const warm = reply(0);
    const response = await fetch(`${baseUrl}${warm.path}`, { method: 'POST', headers: { authorization: `Bearer ${warm.token}`, 'content-type': 'application/json' }, body: JSON.stringify(warm.body) });
    if (response.status !== 200) throw new Error(`a reply: ${response.status} ${await response.text()}`);
    await handles[0]!.executeUpdate(touch, { args: [1] });
  }
  for (const concurrency of context.settings.concurrencies) {
    const bareLimits = limitsFor(context, 'bare Update (replies)', concurrency);
    const appLimits = limitsFor(context, 'POST /cases/{n}/replies', concurrency);
    if (!bareLimits || !appLimits) {
      results.skipped.push({ database, benchmark: 'case action (agent reply)', concurrency, why: 'the --max-minutes budget was spent' });
      continue;
    }
    const bareSlot = slotCycler(handles.length, concurrency);
    const bare = await runCalls(bareLimits, (caller) => handles[bareSlot(caller)]!.executeUpdate(touch, { args: [1] }));
    const appSlot = slotCycler(cases.length, concurrency);
    const app = await runHttp(appLimits, { url: baseUrl, method: 'POST', expectStatus: 200, next: (connection) => reply(appSlot(connection)) });
    results.comparisons.push(
      compare(
        database,
        'case action (agent reply)',
        concurrency,
        { what: "POST /cases/{n}/replies by a supervisor (an Update: the reply's activity, the first response, the customer's notification; 200 with the case)", measured: app },
        { what: 'bare handle.executeUpdate on a no-op workflow', kind: 'update', measured: bare },
      ),
    );
  }
  await Promise.all(handles.map((handle) => handle.signal(finish)));
}
