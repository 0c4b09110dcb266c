import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO } from '../../db/seeds/demo';
import type { Actor } from '../../domain/actor';
import * as messages from '../../workflows/messages';
import { actorFor } from '../support/actors';
import { bundleCaseWorkflows, createCaseHarness, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';
import { startTimeSkippingTemporal } from '../support/temporal';

// A file of its own: the time-skipping server keeps time locked for the activity attempt the
// killed worker never reports, which would stall the time-skipping tests that follow.
let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let gina: Actor;

beforeAll(async () => {
  const [environment, bundle] = await Promise.all([startTimeSkippingTemporal(), bundleCaseWorkflows()]);
  env = environment;
  harness = await createCaseHarness(env, bundle);
  gina = await actorFor(harness.database.db, 'gina');
});

afterAll(async () => {
  await harness?.close();
  await env?.teardown();
});

async function goldRemaining(): Promise<number> {
  const row = await harness.database.db('entitlements').where({ id: DEMO.goldEntitlementId }).first<{ remaining_terms: string }>('remaining_terms');
  return Number(row.remaining_terms);
}

it('decrements the entitlement 15 → 14 exactly once under an activity retry and a worker restart', async () => {
  expect(await goldRemaining()).toBe(15);
  let attempts = 0;
  // Worker A: its resolution activity commits and then fails (attempt 1, retried), then commits
  // again and never reports (attempt 2): the worker is shut down under it.
  const workerA = await harness.startWorker(
    {
      applyResolution: async (input) => {
        attempts += 1;
        await harness.activities.applyResolution(input);
        if (attempts === 1) throw new Error('injected: failed after the transaction committed');
        await Context.current().cancelled;
        throw new Error('unreachable: the worker was shut down');
      },
    },
    { sticky: false },
  );
  const handle = await harness.openCase();
  await harness.waitForState(handle, (s) => s.version >= 1);
  await handle.executeUpdate(messages.acceptCaseUpdate, { args: [{ actor: gina }] });
  await handle.executeUpdate(messages.completeStepUpdate, { args: [{ actor: gina, stepId: 'customer_confirmed' }] });
  const product = await harness.database.db('products').first<{ id: string }>('id');
  await handle.executeUpdate(messages.updateCaseDetailsUpdate, { args: [{ actor: gina, productId: product.id, subject: 'Printing' }] });
  await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });
  await handle.executeUpdate(messages.recordKnowledgeSearchUpdate, { args: [{ actor: gina, query: 'printer offline' }] });
  await handle.executeUpdate(messages.advanceStageUpdate, { args: [{ actor: gina }] });

  const resolving = handle.executeUpdate(messages.resolveCaseUpdate, { args: [{ actor: gina, resolutionText: 'Restarted the spooler', resolutionType: 'problem_solved' }] });
  await eventually(() => Promise.resolve(attempts), (n) => n >= 2, 30_000);
  await workerA.stop();
  // Worker B takes over; the lost attempt is retried on it.
  const workerB = await harness.startWorker();
  await env.sleep(31_000);
  const resolved = await resolving;
  await workerB.stop();

  expect(resolved.status).toBe('resolved');
  // Worker A committed the charge at least twice (a local activity's attempt that hangs is timed out
  // and retried on the same worker until it stops); it counts once all the same.
  expect(attempts).toBeGreaterThanOrEqual(2);
  expect(await goldRemaining()).toBe(14);
  const db = harness.database.db;
  const usages = await db('entitlement_usages as u').join('cases as c', 'c.id', 'u.case_id').where({ 'c.case_number': resolved.caseNumber });
  expect(usages).toHaveLength(1);
  const resolutions = await db('activities as a').join('cases as c', 'c.id', 'a.case_id').where({ 'c.case_number': resolved.caseNumber, 'a.type': 'resolution' });
  expect(resolutions).toHaveLength(1);
  const surveys = await eventually(
    () => db('surveys as s').join('cases as c', 'c.id', 's.case_id').where({ 'c.case_number': resolved.caseNumber }),
    (rows) => rows.length > 0,
  );
  expect(surveys).toHaveLength(1);
});
