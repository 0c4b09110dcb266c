import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING_ACTIVITY_ATTEMPTS, failingActivityWatch } from '../../activities/failing-activity.interceptor';
import { migrateToLatest } from '../../db/migrate';
import { createCaseProblemRepository } from '../../db/repositories/case-problem.repository';
import { openTestDatabase, type TestDatabase } from '../support/databases';

/**
 * The worker's watch on activities that keep failing, against a real database: the activity runs
 * through the interceptor exactly as the worker runs it, at the attempt numbers Temporal would give.
 */
describe('activities that keep failing put their case on the operators’ list', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  function run(caseNumber: string, attempt: number, outcome: () => Promise<unknown>, workflowId = `case-${caseNumber}`): Promise<unknown> {
    const ctx = { info: { attempt, activityType: 'recordKpiInstance', workflowExecution: { workflowId, runId: 'r' } } } as unknown as Context;
    const inbound = failingActivityWatch(database.db)(ctx).inbound as Required<ActivityInboundCallsInterceptor>;
    return inbound.execute({ args: [], headers: {} }, outcome);
  }
  const problems = () => createCaseProblemRepository(database.db).list(50);
  const stillDown = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));

  it('lists the case once the activity fails at attempt 5, counts repeats, and clears it when it succeeds', async () => {
    for (let attempt = 1; attempt < FAILING_ACTIVITY_ATTEMPTS; attempt++) await expect(run('CAS-07001', attempt, stillDown)).rejects.toThrow('ECONNREFUSED');
    expect(await problems()).toEqual([]);

    await expect(run('CAS-07001', FAILING_ACTIVITY_ATTEMPTS, stillDown)).rejects.toThrow('ECONNREFUSED');
    await expect(run('CAS-07001', FAILING_ACTIVITY_ATTEMPTS + 1, stillDown)).rejects.toThrow('ECONNREFUSED');
    expect(await problems()).toEqual([
      expect.objectContaining({ caseNumber: 'CAS-07001', effect: 'retrying recordKpiInstance', error: 'attempt 6 failed: connect ECONNREFUSED 127.0.0.1:5432', occurrences: 2 }),
    ]);
    expect(await createCaseProblemRepository(database.db).countCases()).toBe(1);

    await expect(run('CAS-07001', FAILING_ACTIVITY_ATTEMPTS + 2, () => Promise.resolve('done'))).resolves.toBe('done');
    expect(await problems()).toEqual([]);
  });

  it('leaves failures that will not be retried (the workflow handles them) and other workflows alone', async () => {
    const badData = () => Promise.reject(ApplicationFailure.nonRetryable('the database rejected the input', 'InvalidActivityInput'));
    await expect(run('CAS-07002', 9, badData)).rejects.toThrow('rejected the input');
    await expect(run('CAS-07003', 9, stillDown, 'some-other-workflow')).rejects.toThrow('ECONNREFUSED');
    expect(await problems()).toEqual([]);
  });
});
