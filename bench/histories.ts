import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const EventType = temporal.api.enums.v1.EventType;

/** What a workflow's history cost the server and the worker: its tasks and events. */
export interface TaskCounts {
  readonly workflowTasks: number;
  readonly activityTasks: number;
  readonly events: number;
}

export async function countTasks(client: Client, workflowId: string): Promise<TaskCounts> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const count = (type: temporal.api.enums.v1.EventType): number => events.filter((event) => event.eventType === type).length;
  return {
    workflowTasks: count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    activityTasks: count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    events: events.length,
  };
}

/** The mean over several workflows. */
export async function meanTasks(client: Client, workflowIds: readonly string[]): Promise<TaskCounts> {
  const all = await Promise.all(workflowIds.map((id) => countTasks(client, id)));
  const mean = (pick: (counts: TaskCounts) => number): number => all.reduce((sum, counts) => sum + pick(counts), 0) / Math.max(1, all.length);
  return { workflowTasks: mean((c) => c.workflowTasks), activityTasks: mean((c) => c.activityTasks), events: mean((c) => c.events) };
}

/** What `times` more of something added to a workflow's history, per time. */
export function perTime(before: TaskCounts, after: TaskCounts, times: number): TaskCounts {
  return {
    workflowTasks: (after.workflowTasks - before.workflowTasks) / times,
    activityTasks: (after.activityTasks - before.activityTasks) / times,
    events: (after.events - before.events) / times,
  };
}
