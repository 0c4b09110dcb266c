import type { CaseUpdateHandler } from './case-update';
import { CUSTOMER_ACTIONS } from './customer';
import { PROCESS_FLOW } from './process-flow';
import { QUEUE_OPERATIONS } from './queue-operations';
import { RESOLUTION } from './resolution';
import { STATUS_CHANGES } from './status';
import { WORK_ITEMS } from './work-items';

/** Every case action the workflow registers as an Update, grouped by concern. */
export const CASE_UPDATE_HANDLERS: readonly CaseUpdateHandler[] = [...QUEUE_OPERATIONS, ...STATUS_CHANGES, ...WORK_ITEMS, ...PROCESS_FLOW, ...RESOLUTION, ...CUSTOMER_ACTIONS];

export type { CaseCommand, CaseUpdateHandler } from './case-update';
