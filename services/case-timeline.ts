import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CASE_PROCESS_FLOW } from '../domain/process-flow';
import { CaseWriteReader, type WriteFact } from './case-writes';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;
const EventType = temporal.api.enums.v1.EventType;

/** Who can see what an entry describes: the customer too, staff only, or nobody but operators (the engine's own decisions). */
export type TimelineVisibility = 'customer' | 'internal' | 'system';

/** An instant a milestone names ("first response by …"): left out of `text` so a page can show it in the viewer's time zone. */
export interface MilestoneTime {
  /** What the instant is, in words: "first response by", "due at", "open until". */
  readonly label: string;
  /** ISO 8601, UTC. */
  readonly at: string;
}

/** One milestone of a case, in words, from its workflow history. */
export interface CaseMilestone {
  readonly at: string;
  /** Who did it: a person (name and role), or "caseflow" for what the workflow decided itself. */
  readonly actor: string;
  readonly kind: string;
  /** What happened, in words: no codes, no timestamps (those are in `times`). */
  readonly text: string;
  /** The instants the text refers to, for the reader to show in their own time zone; empty when none. */
  readonly times: readonly MilestoneTime[];
  readonly visibility: TimelineVisibility;
  /** The history events it was read from (in its run). */
  readonly eventIds: readonly number[];
  readonly runId: string;
}

/** Names for the ids a history holds (queues, users, products), looked up by the service. */
export interface TimelineNames {
  readonly queues: Readonly<Record<string, string>>;
  readonly users: Readonly<Record<string, string>>;
  readonly products: Readonly<Record<string, string>>;
}

export const NO_NAMES: TimelineNames = { queues: {}, users: {}, products: {} };

type Json = Record<string, unknown>;

function decode(payloads: Payloads): unknown[] {
  return (payloads?.payloads ?? []).map((payload) => {
    try {
      return defaultPayloadConverter.fromPayload(payload);
    } catch {
      return undefined;
    }
  });
}

export function eventTime(event: HistoryEvent): string {
  const time = event.eventTime;
  return new Date(Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6)).toISOString();
}

const SYSTEM = 'caseflow';
/** A value from a payload as text: strings as they are, numbers and booleans written out, nothing else guessed at. */
const str = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? `${value}` : value === null || value === undefined ? '' : JSON.stringify(value);
const STATUS_WORDS: Record<string, string> = {
  active: 'active',
  on_hold: 'on hold',
  waiting_for_customer: 'waiting for the customer',
  resolved: 'resolved',
  cancelled: 'cancelled',
  closed: 'closed',
};
const KPI_WORDS: Record<string, string> = { first_response: 'First response', resolve: 'Resolve-by' };
/** How a case came in: "Opened by email", "Opened in the web portal". */
const CHANNEL_WORDS: Record<string, string> = { phone: 'by phone', email: 'by email', web: 'in the web portal', chat: 'in chat', facebook: 'on Facebook', twitter: 'on Twitter', iot: 'by a connected device' };
const RESOLUTION_WORDS: Record<string, string> = { problem_solved: 'problem solved', information_provided: 'information provided', workaround: 'workaround' };
const ACTIVITY_WORDS: Record<string, string> = { phone_call: 'phone call', email: 'email', task: 'task', appointment: 'appointment', note: 'note', resolution: 'resolution' };
const ALLOCATION_WORDS: Record<string, string> = { cases: 'cases', hours: 'hours' };
const STEP_WORDS = new Map(CASE_PROCESS_FLOW.flatMap((stage) => stage.steps.map((step) => [step.id, step.label] as const)));
const STAGE_WORDS = new Map(CASE_PROCESS_FLOW.map((stage) => [stage.stage, stage.label] as const));
/** A code in words: from its table, else with its underscores as spaces (never `problem_solved`). */
const words = (value: unknown, table: Record<string, string> = {}): string => table[str(value)] ?? str(value).replace(/_/g, ' ');
const minutes = (n: unknown): string => (typeof n === 'number' && n > 0 ? ` (${n} min)` : '');
const quoted = (text: unknown, max = 160): string => {
  const s = str(text).replace(/\s+/g, ' ').trim();
  return `“${s.length > max ? `${s.slice(0, max - 1)}…` : s}”`;
};

/** The ids a history refers to, so the service can look their names up before building the timeline. */
export function idsIn(events: readonly HistoryEvent[]): { queues: Set<string>; users: Set<string>; products: Set<string> } {
  const found = { queues: new Set<string>(), users: new Set<string>(), products: new Set<string>() };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value as Json)) {
      if (typeof inner === 'string') {
        if (key === 'queueId' || key === 'defaultQueueId') found.queues.add(inner);
        else if (key === 'ownerUserId' || key === 'userId' || key === 'openedByUserId' || key === 'createdByUserId') found.users.add(inner);
        else if (key === 'productId') found.products.add(inner);
      } else visit(inner);
    }
  };
  const writes = new CaseWriteReader();
  for (const event of events) {
    visit(decode(event.workflowExecutionStartedEventAttributes?.input));
    for (const fact of writes.read(event)) if (fact.phase === 'scheduled') visit(fact.input);
    visit(decode(event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args));
  }
  return found;
}

/** Who asked for an action: "Gina Agent (agent)"; the survey link's answer is the customer's, by that link. */
function actorWords(actor: Json | undefined): string {
  if (!actor) return 'someone';
  if (str(actor['userId']).startsWith('survey-link:')) return 'The customer, by the survey link';
  return `${str(actor['displayName'] ?? 'someone')} (${str(actor['role'] ?? 'unknown role')})`;
}

interface PendingUpdate {
  readonly name: string;
  readonly args: Json;
  readonly actor: string;
  readonly at: string;
  readonly eventId: number;
}

/**
 * The business timeline of one run of a case workflow: opened, entitlement, routing and SLA
 * clocks, what people did (from the Updates that succeeded), SLA warnings and failures, the
 * resolution and the charge, the survey, closing. The engine's bookkeeping (workflow tasks,
 * the read-model writes themselves, timers) is left out. Never shows a secret: inputs are
 * summarised in words, not dumped.
 */
export function caseMilestones(events: readonly HistoryEvent[], runId: string, names: TimelineNames = NO_NAMES): CaseMilestone[] {
  const out: CaseMilestone[] = [];
  const push = (at: string, actor: string, kind: string, text: string, visibility: TimelineVisibility, eventIds: number[], times: readonly MilestoneTime[] = []): void => {
    out.push({ at, actor, kind, text, times, visibility, eventIds, runId });
  };
  const queueName = (id: unknown) => names.queues[str(id)] ?? `queue ${str(id)}`;
  const userName = (id: unknown) => names.users[str(id)] ?? `user ${str(id)}`;
  const productName = (id: unknown) => names.products[str(id)] ?? `product ${str(id)}`;

  const updates = new Map<string, PendingUpdate>();
  let current: PendingUpdate | null = null;
  let context: Json | undefined;
  let snapshot: Json | undefined;
  const kpiStatus = new Map<string, string>();
  const writes = new CaseWriteReader();
  /** The event each activity was asked for in (its write's first event), by scheduled event id. */
  const askedIn = new Map<string, number>();

  /** A write asked for (an activity scheduled, or one write of a local activity's batch). */
  const onWrite = (fact: WriteFact, at: string, eventIds: number[]): void => {
    const name = fact.activity;
    const input = (fact.input ?? {}) as Json;
    if (fact.phase === 'scheduled') {
      if (name === 'recordCase') {
        const first = snapshot === undefined;
        if (first && context) describeOpening(input, context, { queueName }).forEach((e) => push(at, SYSTEM, e.kind, e.text, 'internal', eventIds, e.times));
        // Changes no person asked for: an SLA failure raising the priority, the case closing.
        else if (!first && current === null) describeSystemChange(snapshot!, input, { queueName }).forEach((e) => push(at, SYSTEM, e.kind, e.text, e.visibility, eventIds));
        snapshot = input;
      } else if (name === 'recordKpiInstance') {
        const kpi = str(input['kpi']);
        const status = str(input['status']);
        const before = kpiStatus.get(kpi);
        kpiStatus.set(kpi, status);
        const entry = describeKpi(kpi, before, status, input);
        if (entry) push(at, SYSTEM, entry.kind, entry.text, 'internal', eventIds, entry.times);
      } else if (name === 'sendSurvey') {
        const until = typeof input['expiresAt'] === 'string' ? [{ label: 'open until', at: input['expiresAt'] }] : [];
        push(at, SYSTEM, 'survey-sent', `Satisfaction survey sent by ${input['channel'] === 'email' ? 'email' : 'email and chat'}`, 'customer', eventIds, until);
      }
    } else if (fact.phase === 'done') {
      const result = fact.result as Json | undefined;
      if (name === 'loadCaseContext') context = result;
      if (name === 'applyResolution') {
        const remaining = result?.['remainingTerms'];
        push(
          at,
          SYSTEM,
          'charged',
          result?.['charged'] ? `Entitlement charged once${typeof remaining === 'number' ? `: ${remaining} left` : ''}` : 'Entitlement not charged (not entitled, or already charged for this resolution)',
          'internal',
          eventIds,
        );
      }
    } else {
      // A driver's message starts with the whole statement: keep what the database said.
      const said = fact.error.split(' - ').pop();
      push(at, SYSTEM, 'refused-write', `The database refused a ${name} for good: ${said} (the case is on the operators' list)`, 'system', eventIds);
    }
  };

  for (const event of events) {
    const eventId = Number(event.eventId ?? 0);
    const at = eventTime(event);
    for (const fact of writes.read(event)) {
      const scheduledId = String(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? event.activityTaskFailedEventAttributes?.scheduledEventId ?? '');
      if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) askedIn.set(String(eventId), eventId);
      const asked = fact.phase === 'done' && askedIn.get(scheduledId);
      onWrite(fact, at, asked ? [asked, eventId] : [eventId]);
    }
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const input = decode(event.workflowExecutionStartedEventAttributes?.input)[0] as Json | undefined;
        if (input?.['kind'] === 'open') {
          const opening = (input['opening'] ?? {}) as Json;
          const by = opening['openedByUserId'] ? userName(opening['openedByUserId']) : 'the customer';
          push(at, by, 'opened', `Opened ${words(opening['channel'], CHANNEL_WORDS)}: ${quoted(opening['title'])}, priority ${words(opening['priority'])}`, 'customer', [eventId]);
        } else {
          const state = (input?.['state'] ?? {}) as Json;
          snapshot = { status: state['status'], stage: state['stage'], queueId: state['queueId'], ownerUserId: state['ownerUserId'], priority: state['priority'] };
          for (const clock of (state['kpis'] ?? []) as Json[]) kpiStatus.set(str(clock['kpi']), str(clock['status']));
          push(at, SYSTEM, 'continued', 'Carried over to a new run of its workflow (history kept short)', 'system', [eventId]);
        }
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        const args = (decode(request?.input?.args)[0] ?? {}) as Json;
        const actor = args['actor'] as Json | undefined;
        const pending: PendingUpdate = {
          name: request?.input?.name ?? 'update',
          args,
          actor: actorWords(actor),
          at,
          eventId,
        };
        updates.set(event.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId ?? String(eventId), pending);
        current = pending;
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
        const attributes = event.workflowExecutionUpdateCompletedEventAttributes;
        const pending = updates.get(attributes?.meta?.updateId ?? '') ?? current;
        if (pending && !attributes?.outcome?.failure) {
          const view = decode(attributes?.outcome?.success)[0] as Json | undefined;
          const entry = describeUpdate(pending, view, { queueName, userName, productName });
          if (entry) push(pending.at, pending.actor, entry.kind, entry.text, entry.visibility, [pending.eventId, eventId]);
        }
        current = null;
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        push(at, SYSTEM, 'workflow-completed', 'Workflow completed: the case is closed for good', 'system', [eventId]);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        push(at, SYSTEM, 'workflow-ended', 'Workflow ended abnormally (failed or terminated)', 'system', [eventId]);
        break;
      default:
        break;
    }
  }
  // An action is known to have succeeded only when its Update completes, after the effects it
  // caused: order by the event each milestone starts from (the Update's acceptance).
  return out.sort((a, b) => (a.eventIds[0] ?? 0) - (b.eventIds[0] ?? 0));
}

type Namer = (id: unknown) => string;
type Described = { kind: string; text: string; visibility: TimelineVisibility; times?: readonly MilestoneTime[] };
/** The instant under `key` of a payload as a labelled time, or nothing when it has none. */
const timeOf = (label: string, value: unknown): MilestoneTime[] => (typeof value === 'string' && value !== '' ? [{ label, at: value }] : []);

function describeOpening(snapshot: Json, context: Json, names: { queueName: Namer }): Omit<Described, 'visibility'>[] {
  const entries: Omit<Described, 'visibility'>[] = [];
  const entitlements = (context['entitlements'] ?? []) as Json[];
  const entitlement = entitlements.find((e) => e['id'] === snapshot['entitlementId']);
  if (snapshot['isEntitled'] && entitlement) {
    const remaining = entitlement['remainingTerms'];
    entries.push({ kind: 'entitlement', text: `Entitled: ${str(entitlement['name'])}${remaining === null || remaining === undefined ? '' : ` (${str(remaining)} ${words(entitlement['allocationType'], ALLOCATION_WORDS)} left)`}` });
  } else entries.push({ kind: 'entitlement', text: entitlement ? `Not entitled: ${str(entitlement['name'])} has nothing left or has expired` : 'Not entitled: no active entitlement' });
  const rule = ((context['routingRules'] ?? []) as Json[]).find((r) => r['id'] === snapshot['routingRuleId']);
  entries.push({ kind: 'routed', text: `Routed to ${names.queueName(snapshot['queueId'])}${rule ? ` by the rule “${str(rule['name'])}”` : ' (the default queue)'}` });
  const policy = ((context['slaPolicies'] ?? []) as Json[]).find((p) => p['id'] === snapshot['slaPolicyId']);
  const due = [...timeOf('first response by', snapshot['firstResponseBy']), ...timeOf('resolve by', snapshot['resolveBy'])];
  entries.push({ kind: 'sla-started', text: `SLA ${policy ? `“${str(policy['name'])}” ` : ''}clocks started${due.length > 0 ? '' : ': no deadline'}`, times: due });
  return entries;
}

function describeSystemChange(before: Json, after: Json, names: { queueName: Namer }): Described[] {
  const entries: Described[] = [];
  if (before['priority'] !== after['priority']) entries.push({ kind: 'priority', text: `Priority raised to ${words(after['priority'])} (SLA failure)`, visibility: 'internal' });
  if (before['queueId'] !== after['queueId']) entries.push({ kind: 'routed', text: `Moved to ${names.queueName(after['queueId'])}`, visibility: 'internal' });
  if (before['status'] !== after['status']) {
    const status = str(after['status']);
    entries.push(status === 'closed' ? { kind: 'closed', text: 'Closed', visibility: 'customer' } : { kind: 'status', text: `Now ${STATUS_WORDS[status] ?? words(status)}`, visibility: 'customer' });
  }
  return entries;
}

function describeKpi(kpi: string, before: string | undefined, status: string, input: Json): Omit<Described, 'visibility'> | null {
  if (before === status) return null;
  const name = KPI_WORDS[kpi] ?? words(kpi);
  switch (status) {
    case 'nearing_noncompliance':
      return { kind: 'sla-warning', text: `${name} SLA warning`, times: timeOf('due at', input['failureAt']) };
    case 'noncompliant':
      return { kind: 'sla-failure', text: `${name} SLA failed`, times: timeOf('it was due at', input['failureAt']) };
    case 'succeeded':
      return before === 'noncompliant' ? { kind: 'sla-met-late', text: `${name} done, after its SLA failed` } : { kind: 'sla-met', text: `${name} SLA met` };
    case 'paused':
      return { kind: 'sla-paused', text: `${name} SLA clock paused` };
    case 'in_progress':
      return before === undefined ? null : { kind: 'sla-resumed', text: `${name} SLA clock running again`, times: timeOf('due at', input['failureAt']) };
    case 'cancelled':
      return { kind: 'sla-cancelled', text: `${name} SLA clock stopped` };
    default:
      return null;
  }
}

/** `view`: the case as the Update left it (its result). */
function describeUpdate(update: PendingUpdate, view: Json | undefined, names: { queueName: Namer; userName: Namer; productName: Namer }): Described | null {
  const a = update.args;
  switch (update.name) {
    case 'acceptCase':
      return { kind: 'accepted', text: 'Took the case', visibility: 'customer' };
    case 'dispatchCase':
      return { kind: 'dispatched', text: `Dispatched to ${names.queueName(a['queueId'])}`, visibility: 'internal' };
    case 'rejectCase':
      return { kind: 'rejected', text: `Handed the case back to its queue: ${quoted(a['reason'])}`, visibility: 'internal' };
    case 'transferCase':
      return { kind: 'transferred', text: `Transferred to ${names.queueName(a['queueId'])}`, visibility: 'customer' };
    case 'assignCase':
      return { kind: 'assigned', text: `Assigned to ${names.userName(a['userId'])}`, visibility: 'internal' };
    case 'yankCase':
      return { kind: 'yanked', text: 'Took the case over from its owner', visibility: 'internal' };
    case 'holdCase':
      return { kind: 'hold', text: `Put ${STATUS_WORDS[str(a['status'])] ?? words(a['status'])}: ${quoted(a['reason'])}`, visibility: 'customer' };
    case 'resumeCase':
      return { kind: 'resumed', text: 'Resumed work', visibility: 'customer' };
    case 'changePriority':
      return { kind: 'priority', text: `Priority set to ${words(a['priority'])}`, visibility: 'internal' };
    case 'updateCaseDetails': {
      const parts = [a['productId'] !== undefined ? `product ${a['productId'] === null ? 'cleared' : names.productName(a['productId'])}` : null, a['subject'] !== undefined ? `subject ${a['subject'] === null ? 'cleared' : quoted(a['subject'])}` : null].filter(Boolean);
      return { kind: 'details', text: `Details: ${parts.join(', ') || 'unchanged'}`, visibility: 'internal' };
    }
    case 'addActivity':
      return { kind: a['type'] === 'note' ? 'note' : 'activity', text: `${a['open'] ? 'Planned' : 'Logged'} ${words(a['type'], ACTIVITY_WORDS)}: ${quoted(a['subject'])}${minutes(a['minutesSpent'])}`, visibility: 'internal' };
    case 'completeActivity':
      return { kind: 'activity-done', text: `Completed an activity${minutes(a['minutesSpent'])}`, visibility: 'internal' };
    case 'linkArticle':
      return { kind: 'article', text: `${a['sendToCustomer'] ? 'Sent' : 'Linked'} article ${str(a['articleNumber'])} ${quoted(a['title'])}`, visibility: a['sendToCustomer'] ? 'customer' : 'internal' };
    case 'recordKnowledgeSearch':
      return { kind: 'knowledge-search', text: `Searched the knowledge base for ${quoted(a['query'])}`, visibility: 'internal' };
    case 'replyToCustomer':
      return { kind: 'reply', text: `Replied to the customer: ${quoted(a['text'])}${minutes(a['minutesSpent'])}`, visibility: 'customer' };
    case 'completeStep':
      return { kind: 'step', text: `Step done: ${STEP_WORDS.get(str(a['stepId']) as never) ?? words(a['stepId'])}`, visibility: 'internal' };
    case 'advanceStage':
      return { kind: 'stage', text: `Advanced to ${STAGE_WORDS.get(view?.['stage'] as never) ?? 'the next stage'}`, visibility: 'internal' };
    case 'resolveCase':
      return { kind: 'resolved', text: `Resolved (${words(a['resolutionType'], RESOLUTION_WORDS)}): ${quoted(a['resolutionText'])}`, visibility: 'customer' };
    case 'cancelCase':
      return { kind: 'cancelled', text: `Cancelled: ${quoted(a['reason'])}`, visibility: 'customer' };
    case 'reopenCase':
      return { kind: 'reopened', text: `Reopened: ${quoted(a['reason'])}`, visibility: 'customer' };
    case 'addCustomerNote':
      return { kind: 'customer-note', text: `Added information: ${quoted(a['text'])}`, visibility: 'customer' };
    case 'answerSurvey':
      return { kind: 'survey-answered', text: `Answered the survey: ${str(a['rating'])}/5${a['comment'] ? ` ${quoted(a['comment'])}` : ''}`, visibility: 'customer' };
    case 'caseRecorded':
      // The opener waiting for the case to be recorded: nothing happened that the opening did not say.
      return null;
    default:
      // An action this version does not describe yet: its name split into words ("changeSomething" → "change something").
      return { kind: 'action', text: `Action: ${update.name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`, visibility: 'internal' };
  }
}

