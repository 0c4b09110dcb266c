import { proxyActivities, sleep } from '@temporalio/workflow';

/**
 * A deliberately changed case workflow for the replay check's test: it waits before loading the
 * case's context, where the real one loads it at once, so a real history does not replay on it.
 */
const { loadCaseContext } = proxyActivities<{ loadCaseContext(input: unknown): Promise<unknown> }>({ startToCloseTimeout: '10 seconds' });

export async function caseWorkflow(input: { opening: { customer: unknown } }): Promise<void> {
  await sleep('1 minute');
  await loadCaseContext({ customer: input.opening.customer, today: '2026-01-01' });
}
