import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { caseMilestones, eventTime, idsIn, NO_NAMES, type CaseMilestone, type TimelineNames } from './case-timeline';
import { CaseWriteReader } from './case-writes';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

/** One line of a case's business timeline, read from its workflow history. */
export interface TimelineEntry {
  readonly eventId: number;
  readonly at: string;
  readonly kind: 'opened' | 'decided' | 'recorded' | 'failed' | 'timer-set' | 'timer-fired' | 'action' | 'action-done' | 'continued' | 'closed';
  readonly title: string;
  readonly details?: unknown;
}

const EventType = temporal.api.enums.v1.EventType;

function decode(payloads: Payloads): unknown[] {
  return (payloads?.payloads ?? []).map((payload) => {
    try {
      return defaultPayloadConverter.fromPayload(payload);
    } catch {
      return '(undecodable)';
    }
  });
}

function toIso(time: temporal.api.history.v1.IHistoryEvent['eventTime']): string {
  const seconds = Number(time?.seconds ?? 0);
  return new Date(seconds * 1000 + Math.floor((time?.nanos ?? 0) / 1e6)).toISOString();
}

function who(args: unknown[]): string {
  const actor = (args[0] as { actor?: { displayName?: string; role?: string } } | undefined)?.actor;
  return actor ? ` by ${actor.displayName ?? 'someone'} (${actor.role ?? 'unknown role'})` : '';
}

/** Strips the actor's queue list from update arguments: a timeline shows who, not their memberships. */
function argsWithoutActor(args: unknown[]): unknown {
  const first = args[0];
  if (first && typeof first === 'object' && 'actor' in first) {
    const { actor: _actor, ...rest } = first as Record<string, unknown>;
    return rest;
  }
  return first;
}

/**
 * A case's workflow history as a business timeline for operators: decisions (activities with
 * their inputs, local activities' writes as their results list them), actions (Updates with who asked), timers (SLA instants), skipping the engine's
 * bookkeeping (workflow tasks).
 */
export function toTimeline(events: readonly HistoryEvent[]): TimelineEntry[] {
  const activityNames = new Map<string, string>();
  const markers = new CaseWriteReader();
  const timeline: TimelineEntry[] = [];
  for (const event of events) {
    const eventId = Number(event.eventId ?? 0);
    const at = toIso(event.eventTime);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const input = decode(event.workflowExecutionStartedEventAttributes?.input)[0] as { kind?: string } | undefined;
        timeline.push({ eventId, at, kind: 'opened', title: input?.kind === 'continued' ? 'Case carried over to a new run' : 'Case opened', details: input });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const attributes = event.activityTaskScheduledEventAttributes;
        const name = attributes?.activityType?.name ?? 'activity';
        activityNames.set(String(eventId), name);
        timeline.push({ eventId, at, kind: 'decided', title: name, details: decode(attributes?.input)[0] });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const attributes = event.activityTaskCompletedEventAttributes;
        const name = activityNames.get(String(attributes?.scheduledEventId ?? '')) ?? 'activity';
        const result = withoutSecrets(decode(attributes?.result)[0]);
        timeline.push({ eventId, at, kind: 'recorded', title: `${name} done`, ...(result === undefined ? {} : { details: result }) });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const attributes = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
        const name = activityNames.get(String(attributes?.scheduledEventId ?? '')) ?? 'activity';
        timeline.push({ eventId, at, kind: 'failed', title: `${name} failed`, details: attributes?.failure?.message });
        break;
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        // Local activities (the context load; the writes pending at once, each listed with its input).
        for (const fact of markers.read(event)) {
          if (fact.phase === 'scheduled') timeline.push({ eventId, at, kind: 'decided', title: fact.activity, ...(fact.input === undefined ? {} : { details: fact.input }) });
          else if (fact.phase === 'done') {
            const result = withoutSecrets(fact.result);
            timeline.push({ eventId, at, kind: 'recorded', title: `${fact.activity} done`, ...(result === undefined ? {} : { details: result }) });
          } else timeline.push({ eventId, at, kind: 'failed', title: `${fact.activity} failed`, details: fact.error });
        }
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const timeout = event.timerStartedEventAttributes?.startToFireTimeout;
        const ms = Number(timeout?.seconds ?? 0) * 1000 + Math.floor((timeout?.nanos ?? 0) / 1e6);
        timeline.push({ eventId, at, kind: 'timer-set', title: `Waiting until ${new Date(Date.parse(at) + ms).toISOString()}` });
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED:
        timeline.push({ eventId, at, kind: 'timer-fired', title: 'Timer fired' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        const args = decode(request?.input?.args);
        timeline.push({ eventId, at, kind: 'action', title: `${request?.input?.name ?? 'update'}${who(args)}`, details: argsWithoutActor(args) });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        timeline.push({ eventId, at, kind: 'action-done', title: 'Action recorded' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        timeline.push({ eventId, at, kind: 'continued', title: 'Continued as a new run (history kept short)' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        timeline.push({ eventId, at, kind: 'closed', title: 'Case closed' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        timeline.push({ eventId, at, kind: 'failed', title: 'Workflow ended abnormally' });
        break;
      default:
        break;
    }
  }
  return timeline;
}

export interface CaseHistoryDependencies {
  readonly temporal: Client;
  readonly webUiUrl?: string;
  readonly namespace: string;
  /** Names for the ids in a history (queues, users, products); without it the timeline shows ids. */
  readonly names?: (ids: { queues: Set<string>; users: Set<string>; products: Set<string> }) => Promise<TimelineNames>;
}

/** One run of a case's workflow (continue-as-new starts a new one and keeps the history short). */
export interface CaseRun {
  readonly runId: string;
  /** When the run started (ISO 8601), from its first event. */
  readonly startedAt: string | null;
  /** The run in the Temporal Web UI (its event history), or null when no Web UI is configured. */
  readonly webUiUrl: string | null;
}

export interface CaseTimeline {
  readonly workflowId: string;
  /** The workflow in the Temporal Web UI, or null when no Web UI is configured (TEMPORAL_UI_URL). */
  readonly webUiUrl: string | null;
  /** Oldest first. */
  readonly runs: readonly CaseRun[];
  readonly entries: readonly CaseMilestone[];
}

export function createCaseHistoryService(deps: CaseHistoryDependencies) {
  const base = deps.webUiUrl?.replace(/\/+$/, '');
  const webUiLink = (workflowId: string, runId?: string): string | null =>
    base ? `${base}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${encodeURIComponent(runId)}/history` : ''}` : null;

  /** Every run of the case's workflow, oldest first (continue-as-new makes several); the current one if visibility has none yet. */
  async function runsOf(workflowId: string): Promise<{ runId: string; events: HistoryEvent[] }[]> {
    const runIds: { runId: string; startedAt: number }[] = [];
    for await (const execution of deps.temporal.workflow.list({ query: `WorkflowId = '${workflowId.replace(/'/g, "\\'")}'` })) {
      runIds.push({ runId: execution.runId, startedAt: execution.startTime.getTime() });
    }
    if (runIds.length === 0) {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
      return [{ runId: description.runId, events: history.events ?? [] }];
    }
    runIds.sort((a, b) => a.startedAt - b.startedAt);
    return Promise.all(runIds.map(async ({ runId }) => ({ runId, events: (await deps.temporal.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [] })));
  }

  return {
    /** The case's milestones in words across all its runs, each run with its Web UI link. */
    async timeline(workflowId: string): Promise<CaseTimeline> {
      const runs = await runsOf(workflowId);
      const allEvents = runs.flatMap((run) => run.events);
      const names = deps.names ? await deps.names(idsIn(allEvents)) : NO_NAMES;
      return {
        workflowId,
        webUiUrl: webUiLink(workflowId),
        runs: runs.map((run) => ({ runId: run.runId, startedAt: run.events[0] ? eventTime(run.events[0]) : null, webUiUrl: webUiLink(workflowId, run.runId) })),
        entries: runs.flatMap((run) => caseMilestones(run.events, run.runId, names)),
      };
    },

    /** The current run's events, nearly as recorded (activity inputs, Update arguments, timers): for digging deeper. */
    async rawEvents(workflowId: string): Promise<{ workflowId: string; webUiUrl: string | null; entries: TimelineEntry[] }> {
      const history = await deps.temporal.workflow.getHandle(workflowId).fetchHistory();
      return { workflowId, webUiUrl: webUiLink(workflowId), entries: toTimeline(history.events ?? []) };
    },
  };
}

export type CaseHistoryService = ReturnType<typeof createCaseHistoryService>;

/**
 * Histories recorded before sendSurvey stopped returning the survey link's token still hold it:
 * the timeline never shows it (the token answers the survey without signing in).
 */
function withoutSecrets(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !('token' in result)) return result;
  return { ...result, token: '(hidden)' };
}
