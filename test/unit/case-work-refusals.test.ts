import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor';
import { createCaseWorkService, type CaseWorkDependencies } from '../../services/case-work.service';
import { ConflictError, UnavailableError } from '../../services/errors';

/** How the case-work service words a workflow's refusal of an action, whatever channel sent it. */
function serviceRefusing(type: string, message: string) {
  const refusal = new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message, nonRetryable: true }));
  const temporal = {
    connection: { withDeadline: <T>(_deadline: number, call: () => Promise<T>) => call() },
    workflow: { getHandle: () => ({ executeUpdate: () => Promise.reject(refusal) }) },
  } as unknown as Client;
  const deps: CaseWorkDependencies = {
    temporal,
    cases: { findVisible: () => Promise.resolve({ caseNumber: 'CAS-01000', workflowId: 'case-CAS-01000' }) } as unknown as CaseWorkDependencies['cases'],
    queues: {} as CaseWorkDependencies['queues'],
    users: {} as CaseWorkDependencies['users'],
    knowledge: {} as CaseWorkDependencies['knowledge'],
    products: { productExists: () => Promise.resolve(true) },
  };
  return createCaseWorkService(deps);
}

const gina = { userId: '00000000-0000-4000-8000-000000000001', role: 'agent', displayName: 'Gina', queueIds: [], contactId: null } as unknown as Actor;

describe('refusals of a case action', () => {
  it('"still being opened" is a moment to wait (503, Retry-After 1 s, nothing done), not a conflict a client gives up on', async () => {
    // Found by the soak: a worker killed while opening a case left its row written and its first
    // workflow task to be retried; the agent's accept in between answered 409 and was never retried.
    const refused = await serviceRefusing('NotReady', 'the case is still being opened; try again in a moment').act('CAS-01000', gina, 'accept', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnavailableError);
    expect(refused).toMatchObject({ retryAfterSeconds: 1, mayStillHappen: false, message: 'the case is still being opened: try again in a moment.' });
  });

  it('an action the case cannot take in its state stays a conflict (409)', async () => {
    const refused = await serviceRefusing('IllegalTransition', 'the case is already accepted').act('CAS-01000', gina, 'accept', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
  });
});
