import { ApplicationFailure } from '@temporalio/common';
import type { CaseContextRepository, CaseRef } from '../db/repositories/case-context.repository';

/** Helpers the activity modules share; this module defines no activity itself. */

export { isUuid } from '../domain/ids';

/** Rejects input no retry can fix, before it reaches the database (where it would fail on every attempt). */
export function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, 'InvalidActivityInput');
}

/**
 * The recorded case. Missing is retryable: the workflow records the case before anything else, so
 * a missing row means that write has not landed yet, not that the case does not exist.
 */
export async function requireCase(repository: CaseContextRepository, caseNumber: string): Promise<CaseRef> {
  const found = await repository.findCase(caseNumber);
  if (!found) throw ApplicationFailure.retryable(`case ${caseNumber} has no row yet`, 'CaseNotRecorded');
  return found;
}

/**
 * PostgreSQL errors that repeat identically on every attempt (bad data: class 22; a missing
 * referenced row, a violated check or not-null: 23503, 23514, 23502) become non-retryable failures,
 * so the workflow sees them at once instead of after a retry storm. Everything else (connection
 * loss, deadlock, serialization failure) stays retryable.
 */
export async function failFastOnBadData<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (code.startsWith('22') || code === '23502' || code === '23503' || code === '23514')) {
      throw ApplicationFailure.create({
        message: `the database rejected the input: ${(error as Error).message}`,
        type: 'InvalidActivityInput',
        nonRetryable: true,
        details: [{ sqlState: code }],
        cause: error as Error,
      });
    }
    throw error;
  }
}
