import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/connection';
import { createCaseContextRepository } from '../db/repositories/case-context.repository';
import type { CustomerRef } from '../domain/case';
import type { CaseContext } from '../domain/case-context';
import { failFastOnBadData, invalidInput, isUuid } from './support.activities';

export interface LoadCaseContextInput {
  readonly customer: CustomerRef;
  /** YYYY-MM-DD, chosen by the workflow: the date entitlement periods are compared with. */
  readonly today: string;
}

export function createCaseContextActivities(db: Database) {
  const repository = createCaseContextRepository(db);
  return {
    /**
     * The records the workflow decides entitlement, routing and SLA from. Read-only, so a retry is
     * harmless; the result lands in the workflow history, which is what makes the decisions replayable.
     */
    async loadCaseContext(input: LoadCaseContextInput): Promise<CaseContext> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.today)) throw invalidInput(`today must be YYYY-MM-DD, got ${JSON.stringify(input.today)}`);
      const { type, id } = input.customer;
      if ((type !== 'contact' && type !== 'account') || !isUuid(id)) {
        throw ApplicationFailure.nonRetryable(`no customer ${JSON.stringify(input.customer)}`, 'CustomerNotFound');
      }
      const context = await failFastOnBadData(() => repository.loadContext(input.customer));
      if (!context) throw ApplicationFailure.nonRetryable(`no ${type} with id ${id}`, 'CustomerNotFound');
      return { ...context, today: input.today };
    },
  };
}
