import { isStaff, type Actor } from '../../domain/actor';
import type { QueueCounts, QueueItemRecord, QueueMemberRecord, QueueRecord } from '../../db/repositories/queue.repository';
import { ForbiddenError } from '../errors';
import { mayWorkQueue, visibleQueue } from './record-access';
import type { Page, Paged, RecordsServiceDependencies } from './types';

export interface QueueView extends QueueRecord {
  /** Whether the caller belongs to the queue. */
  readonly isMember: boolean;
  /** Null for a queue whose work the caller may not see (an agent outside it). */
  readonly counts: QueueCounts | null;
}

/** Queues, their waiting cases and their members. */
export function queueRecords(deps: Pick<RecordsServiceDependencies, 'queues'>) {
  const { queues } = deps;
  return {
    /** Every queue (agents dispatch and transfer to any); work counts only where the caller may work. */
    async listQueues(actor: Actor): Promise<QueueView[]> {
      if (!isStaff(actor)) throw new ForbiddenError('queues are for agents, supervisors and administrators');
      const [all, counts] = await Promise.all([queues.list(), queues.counts()]);
      return all.map((queue) => ({
        ...queue,
        isMember: actor.queueIds.includes(queue.id),
        counts: mayWorkQueue(actor, queue.id) ? (counts.get(queue.id) ?? { waiting: 0, inProgress: 0, slaAtRisk: 0 }) : null,
      }));
    },

    async queueItems(actor: Actor, id: string, page: Page): Promise<Paged<QueueItemRecord> & { queueId: string }> {
      await visibleQueue(queues, actor, id);
      const result = await queues.waitingItems(id, page.limit, page.offset);
      return { queueId: id, ...result, ...page };
    },

    async queueMembers(actor: Actor, id: string): Promise<{ queueId: string; items: readonly QueueMemberRecord[] }> {
      await visibleQueue(queues, actor, id);
      return { queueId: id, items: await queues.members(id) };
    },
  };
}
