import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getCaseStateQuery } from '../../workflows/messages';
import { startTimeSkippingCases, type CaseHarness } from '../support/case-harness';
import { eventually } from '../support/eventually';

/**
 * Defence in depth behind the door's validation: a value that reaches a workflow anyway (here a
 * product id that does not exist, sent straight to Temporal) is refused by the database for good.
 * The workflow neither retries it for ever nor stops: the case goes on the operators' "needing
 * attention" list, once per kind of write, and keeps answering.
 */
let env: TestWorkflowEnvironment;
let harness: CaseHarness;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ env, harness, stop } = await startTimeSkippingCases());
});

afterAll(async () => {
  await stop?.();
});

it('a case row the database refuses puts the case on the needing-attention list, and the case keeps answering', async () => {
  const handle = await harness.openCase({ productId: randomUUID() });
  const state = await harness.waitForState(handle, (s) => s.version >= 1);
  const problems = await eventually(
    () => harness.database.db('case_problems').where({ case_number: state.caseNumber }).select<{ effect: string; error: string; occurrences: number }[]>('effect', 'error', 'occurrences'),
    (rows) => rows.length > 0,
  );
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatchObject({ effect: 'record', occurrences: 1 });
  expect(problems[0]!.error).toContain('foreign key');
  // Not retried for ever: the refused write is in the history once, and the workflow still answers.
  expect((await handle.query(getCaseStateQuery)).caseNumber).toBe(state.caseNumber);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  void env;
});
