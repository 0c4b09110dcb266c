import { ApplicationFailure } from '@temporalio/workflow';
import type { RefusalType } from './messages';

/** Refuses an action from an Update validator: nothing reaches history, the caller learns why. */
export function refuse(type: RefusalType, message: string, details?: unknown): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}
