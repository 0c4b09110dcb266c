import { condition, defineSignal, defineUpdate, proxyActivities, setHandler, sleep } from '@temporalio/workflow';

/**
 * The baselines' workflows: the least a workflow can do, so the bench can say how much a case costs
 * beyond what Temporal itself costs on the same server.
 */

export const touch = defineUpdate<number, [number]>('touch');
export const touchAfterActivity = defineUpdate<number, [number]>('touchAfterActivity');
export const finish = defineSignal('finish');

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

/** Does nothing: one workflow task, then it completes. */
export async function emptyWorkflow(): Promise<void> {
  // Nothing to do: the start itself is what is measured.
}

/** Accepts `touch` Updates (each answers at once) and `touchAfterActivity` Updates until `finish`. */
export async function updatableWorkflow(): Promise<number> {
  let touches = 0;
  let finished = false;
  setHandler(touch, (by) => (touches += by));
  // An Update that answers once one activity has run: the shape of a case action writing its effect.
  setHandler(touchAfterActivity, async (by) => {
    await noop();
    return (touches += by);
  });
  setHandler(finish, () => {
    finished = true;
  });
  await condition(() => finished);
  return touches;
}

/** Sleeps until `dueAt` (an ISO instant), then schedules a no-op activity: an SLA warning's shape, bare. */
export async function timerThenActivityWorkflow(dueAt: string): Promise<void> {
  await sleep(Math.max(1, Date.parse(dueAt) - Date.now()));
  await noop();
}
