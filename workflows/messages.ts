import { defineQuery } from '@temporalio/workflow';
import type { CaseSnapshot } from '../domain/case';

/** Every signal, update and query of the case workflow; clients import these definitions. */
export const getCaseStateQuery = defineQuery<CaseSnapshot>('getCaseState');
