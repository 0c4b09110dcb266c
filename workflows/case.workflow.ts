import { proxyActivities, setHandler, condition, workflowInfo } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import type { CaseOpening, CaseSnapshot } from '../domain/case';
import { getCaseStateQuery } from './messages';

const { recordCase } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** One workflow per case, from opening until it closes. */
export async function caseWorkflow(opening: CaseOpening): Promise<CaseSnapshot> {
  const state: CaseSnapshot = {
    caseNumber: opening.caseNumber,
    workflowId: workflowInfo().workflowId,
    requestId: opening.requestId,
    title: opening.title,
    description: opening.description,
    customer: opening.customer,
    channel: opening.channel,
    priority: opening.priority,
    productId: opening.productId,
    subject: opening.subject,
    status: 'active',
    statusReason: 'new',
    stage: 'identify',
    queueId: null,
    ownerUserId: null,
    createdByUserId: opening.openedByUserId,
    // Workflow time is deterministic: the SDK replays the recorded instant.
    openedAt: new Date(workflowInfo().startTime).toISOString(),
    version: 1,
  };
  setHandler(getCaseStateQuery, () => state);
  await recordCase(state);
  // The lifecycle (stages, queue operations, SLA clocks, resolution) closes the case: issue #3.
  await condition(() => state.status === 'closed');
  return state;
}
