import type { Client } from '@temporalio/client';
import type { Database } from '../db/connection';
import type { AppConfig } from './config';
import { createCaseRepository } from '../db/repositories/case.repository';
import { createCustomerRepository } from '../db/repositories/customer.repository';
import { createCaseService } from '../services/case.service';

/** The services the channels (API, bot) share, wired once from the database and the Temporal client. */
export function createServices(db: Database, temporal: Client, config: Pick<AppConfig, 'temporal' | 'caseSettings'>) {
  return {
    cases: createCaseService({
      temporal,
      taskQueue: config.temporal.taskQueue,
      caseSettings: config.caseSettings,
      cases: createCaseRepository(db),
      customers: createCustomerRepository(db),
    }),
  };
}
