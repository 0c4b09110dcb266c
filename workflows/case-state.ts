import type { BusinessCalendar } from '../domain/business-calendar';
import type { CaseOpening, CaseSnapshot, CaseStatus, Priority, Stage } from '../domain/case';
import type { CaseActivityItem, ResolutionType } from '../domain/case-commands';
import type { CaseContext, CustomerFacts, SlaKpiName, SlaKpiTarget } from '../domain/case-context';
import type { CaseAccessFacts } from '../domain/case-permissions';
import { chooseEntitlement, type EntitlementDecision } from '../domain/entitlement';
import { CASE_PROCESS_FLOW, isStepComplete, type StepFacts, type StepId } from '../domain/process-flow';
import { routeCase, type RoutingDecision } from '../domain/routing';
import { elapsedMinutes, startClock, type KpiClock } from '../domain/sla-clock';
import { chooseSlaPolicy, kpiTarget } from '../domain/sla-policy';

/** Durations the workflow waits, chosen by the deployment (see README: configuration). */
export interface CaseSettings {
  /** How long a resolved or cancelled case may be reopened before it closes. */
  readonly reopenWindowMinutes: number;
  /** How long the survey waits for the customer's answer. */
  readonly surveyResponseMinutes: number;
  /** On an SLA failure, raise the priority one step (and re-plan the other KPI). */
  readonly bumpPriorityOnFailure: boolean;
  /**
   * Continue-as-new once the history holds this many events (or the server suggests it), well
   * before Temporal's limits (50k events / 50 MB); the state is carried over.
   */
  readonly continueAsNewAfterEvents: number;
  /**
   * The Temporal namespace has the case's search attributes registered (search-attributes.ts): the
   * workflow upserts them. Off unless the starter says so, since an upsert of an unregistered
   * attribute stalls the case; cases started before the setting existed carry none and stay off.
   */
  readonly searchAttributes?: boolean;
}

export const DEFAULT_CASE_SETTINGS: CaseSettings = {
  reopenWindowMinutes: 7 * 24 * 60,
  surveyResponseMinutes: 7 * 24 * 60,
  bumpPriorityOnFailure: true,
  continueAsNewAfterEvents: 5_000,
  searchAttributes: false,
};

export type { CaseActivityItem };

export interface SlaPlan {
  readonly policyId: string;
  readonly policyName: string;
  readonly calendar: BusinessCalendar | null;
  readonly pauseOn: readonly CaseStatus[];
  readonly targets: readonly SlaKpiTarget[];
}

export interface Resolution {
  readonly episode: number;
  readonly text: string;
  readonly type: ResolutionType;
  readonly resolvedAt: string;
  readonly byUserId: string;
  readonly totalMinutesSpent: number;
}

export interface SurveyState {
  readonly episode: number;
  readonly sentAt: string;
  readonly expiresAt: string;
  readonly answeredAt: string | null;
  readonly rating: number | null;
  readonly expired: boolean;
}

/** Everything the case workflow knows; carried across continue-as-new. */
export interface CaseState {
  readonly opening: CaseOpening;
  readonly settings: CaseSettings;
  readonly customer: CustomerFacts;
  readonly entitlement: EntitlementDecision;
  readonly routing: RoutingDecision;
  readonly sla: SlaPlan | null;
  readonly openedAt: string;
  status: CaseStatus;
  statusReason: string | null;
  stage: Stage;
  stageHistory: { stage: Stage; enteredAt: string; byUserId: string | null }[];
  tickedSteps: StepId[];
  knowledgeSearched: boolean;
  priority: Priority;
  productId: string | null;
  subject: string | null;
  queueId: string | null;
  ownerUserId: string | null;
  kpis: KpiClock[];
  activities: CaseActivityItem[];
  linkedArticles: { articleId: string; articleNumber: string; title: string; sentToCustomer: boolean }[];
  firstRespondedAt: string | null;
  /** Resolution episodes so far: 1 after the first resolution, 2 after a reopen and a second one. */
  episode: number;
  /** Minutes already charged to a time-based entitlement by earlier episodes. */
  chargedMinutes: number;
  resolution: Resolution | null;
  survey: SurveyState | null;
  /** When the case closes and the workflow completes (resolved or cancelled + the reopen window). */
  closesAt: string | null;
  version: number;
}

/** The decisions made when a case opens: entitlement, routing, SLA policy and its clocks. */
export function openCaseState(opening: CaseOpening, context: CaseContext, settings: CaseSettings, now: string): CaseState {
  const entitlement = chooseEntitlement(context.entitlements, opening.channel, context.today);
  const routing = routeCase(
    context.routingRules,
    {
      customerTier: context.customer.tier,
      channel: opening.channel,
      priority: opening.priority,
      productId: opening.productId,
      text: [opening.title, opening.description, opening.subject ?? ''].join('\n'),
    },
    context.defaultQueueId,
  );
  const policy = chooseSlaPolicy(context.slaPolicies, entitlement);
  const sla: SlaPlan | null = policy
    ? { policyId: policy.id, policyName: policy.name, calendar: policy.calendar, pauseOn: policy.pauseOn, targets: policy.kpis }
    : null;
  const state: CaseState = {
    opening,
    settings,
    customer: context.customer,
    entitlement,
    routing,
    sla,
    openedAt: now,
    status: 'active',
    statusReason: entitlement.kind === 'exhausted' || entitlement.kind === 'expired' ? `entitlement ${entitlement.kind}` : 'new',
    stage: 'identify',
    stageHistory: [{ stage: 'identify', enteredAt: now, byUserId: opening.openedByUserId }],
    tickedSteps: [],
    knowledgeSearched: false,
    priority: opening.priority,
    productId: opening.productId,
    subject: opening.subject,
    queueId: routing.queueId,
    ownerUserId: null,
    kpis: [],
    activities: [],
    linkedArticles: [],
    firstRespondedAt: null,
    episode: 0,
    chargedMinutes: 0,
    resolution: null,
    survey: null,
    closesAt: null,
    version: 1,
  };
  state.kpis = startKpiClocks(state, now);
  return state;
}

function startKpiClocks(state: CaseState, now: string): KpiClock[] {
  if (!state.sla) return [];
  const clocks: KpiClock[] = [];
  for (const kpi of ['first_response', 'resolve'] as const) {
    const target = kpiTarget({ id: state.sla.policyId, name: state.sla.policyName, appliesWhenNoEntitlement: false, calendar: state.sla.calendar, pauseOn: state.sla.pauseOn, kpis: state.sla.targets }, kpi, state.priority, state.customer.tier);
    if (target) clocks.push(startClock(kpi, target, state.sla.calendar, now));
  }
  return clocks;
}

export function targetFor(state: CaseState, kpi: SlaKpiName, priority: Priority) {
  if (!state.sla) return null;
  return kpiTarget(
    { id: state.sla.policyId, name: state.sla.policyName, appliesWhenNoEntitlement: false, calendar: state.sla.calendar, pauseOn: state.sla.pauseOn, kpis: state.sla.targets },
    kpi,
    priority,
    state.customer.tier,
  );
}

export function isEntitled(state: CaseState): boolean {
  return state.entitlement.kind === 'entitled';
}

export function accessFacts(state: CaseState): CaseAccessFacts {
  return {
    customer: state.opening.customer,
    customerAccountId: state.customer.accountId,
    queueId: state.queueId,
    ownerUserId: state.ownerUserId,
  };
}

export function stepFacts(state: CaseState): StepFacts {
  return {
    productId: state.productId,
    subject: state.subject,
    activityCount: state.activities.length,
    linkedArticleCount: state.linkedArticles.length,
    knowledgeSearched: state.knowledgeSearched,
  };
}

export function openActivities(state: CaseState): CaseActivityItem[] {
  return state.activities.filter((a) => a.state === 'open');
}

/** The SLA state shown in lists: the worst of the KPIs. */
export function slaState(state: CaseState): string | null {
  if (state.kpis.length === 0) return null;
  const order = ['noncompliant', 'nearing_noncompliance', 'paused', 'in_progress', 'succeeded', 'cancelled'] as const;
  for (const status of order) if (state.kpis.some((k) => k.status === status)) return status;
  return null;
}

function kpi(state: CaseState, name: SlaKpiName): KpiClock | undefined {
  return state.kpis.find((k) => k.kpi === name);
}

/** The read-model row. */
export function caseSnapshot(state: CaseState, workflowId: string): CaseSnapshot {
  const entitlementId = state.entitlement.kind === 'none' ? null : state.entitlement.entitlementId;
  return {
    caseNumber: state.opening.caseNumber,
    workflowId,
    requestId: state.opening.requestId,
    title: state.opening.title,
    description: state.opening.description,
    customer: state.opening.customer,
    channel: state.opening.channel,
    priority: state.priority,
    productId: state.productId,
    subject: state.subject,
    status: state.status,
    statusReason: state.statusReason,
    stage: state.stage,
    queueId: state.queueId,
    ownerUserId: state.ownerUserId,
    createdByUserId: state.opening.openedByUserId,
    entitlementId,
    isEntitled: isEntitled(state),
    slaPolicyId: state.sla?.policyId ?? null,
    routingRuleId: state.routing.ruleId,
    slaState: slaState(state),
    firstResponseBy: kpi(state, 'first_response')?.failureAt ?? null,
    resolveBy: kpi(state, 'resolve')?.failureAt ?? null,
    firstRespondedAt: state.firstRespondedAt,
    resolvedAt: state.resolution?.resolvedAt ?? null,
    openedAt: state.openedAt,
    version: state.version,
  };
}

/** What getCaseState answers: the state with the process flow and the SLA clocks spelled out. */
export function caseView(state: CaseState, workflowId: string, now: string) {
  const facts = stepFacts(state);
  return {
    ...caseSnapshot(state, workflowId),
    customerTier: state.customer.tier,
    entitlement: state.entitlement,
    routing: state.routing,
    slaPolicy: state.sla ? { id: state.sla.policyId, name: state.sla.policyName } : null,
    stages: CASE_PROCESS_FLOW.map((definition) => ({
      stage: definition.stage,
      label: definition.label,
      current: definition.stage === state.stage,
      steps: definition.steps.map((step) => ({
        id: step.id,
        label: step.label,
        completion: step.completion,
        done: step.completion === 'resolution' ? state.resolution !== null : isStepComplete(step, facts, state.tickedSteps),
      })),
    })),
    stageHistory: state.stageHistory,
    kpis: state.kpis.map((clock) => ({
      kpi: clock.kpi,
      status: clock.status,
      warnAfterMinutes: clock.warnAfterMinutes,
      failAfterMinutes: clock.failAfterMinutes,
      warningAt: clock.warningAt,
      failureAt: clock.failureAt,
      succeededAt: clock.succeededAt,
      pausedAt: clock.pausedAt,
      runningSince: clock.runningSince,
      elapsedBusinessMinutes: elapsedMinutes(clock, state.sla?.calendar ?? null, now),
      remainingBusinessMinutes: Math.max(0, clock.failAfterMinutes - elapsedMinutes(clock, state.sla?.calendar ?? null, now)),
    })),
    activities: state.activities,
    openActivities: openActivities(state),
    linkedArticles: state.linkedArticles,
    episode: state.episode,
    resolution: state.resolution,
    survey: state.survey,
    closesAt: state.closesAt,
  };
}

export type CaseView = ReturnType<typeof caseView>;
