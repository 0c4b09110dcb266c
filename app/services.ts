import type { Client } from '@temporalio/client';
import type { Database } from '../db/connection';
import { createCaseRepository } from '../db/repositories/case.repository';
import { createCustomerRepository } from '../db/repositories/customer.repository';
import { createCaseService } from '../services/case.service';

/** The services the channels (API, bot) share, wired once from the database and the Temporal client. */
export function createServices(db: Database, temporal: Client, taskQueue: string) {
  return {
    cases: createCaseService({
      temporal,
      taskQueue,
      cases: createCaseRepository(db),
      customers: createCustomerRepository(db),
    }),
  };
}
