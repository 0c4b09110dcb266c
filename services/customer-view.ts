import type { CaseActivityRecord } from '../db/repositories/case-activity.repository';
import type { CaseRecord } from '../db/repositories/case.repository';
import type { Actor } from '../domain/actor';
import type { CaseView } from '../workflows/case-state';

/**
 * What a customer sees of their case: what was asked and answered, where it stands and when it is
 * due. Never the internals: agents' notes and tasks, minutes spent, routing, SLA policy and
 * entitlement ids, queue and owner, or any staff user's id (a forged token needs nothing more).
 * Every channel that shows a case to a customer goes through these.
 */

/**
 * The activities a customer takes part in: the replies sent to them, what they added, and the
 * resolution. Calls, tasks and notes an agent logs are the team's working record.
 */
const sharedWithCustomer = (a: { readonly direction: string | null; readonly type: string }) =>
  (a.type === 'email' && a.direction === 'outbound') || (a.type === 'note' && a.direction === 'inbound') || a.type === 'resolution';

export function customerCaseRecord(record: CaseRecord) {
  return {
    id: record.id,
    caseNumber: record.caseNumber,
    title: record.title,
    description: record.description,
    customer: record.customer,
    channel: record.channel,
    priority: record.priority,
    productId: record.productId,
    subject: record.subject,
    status: record.status,
    stage: record.stage,
    slaState: record.slaState,
    firstResponseBy: record.firstResponseBy,
    resolveBy: record.resolveBy,
    firstRespondedAt: record.firstRespondedAt,
    resolvedAt: record.resolvedAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function customerActivities(items: readonly CaseActivityRecord[]) {
  return items.filter(sharedWithCustomer).map((a) => ({
    id: a.id,
    type: a.type,
    subject: a.subject,
    body: a.body,
    direction: a.direction,
    createdAt: a.createdAt,
    byCustomer: a.direction === 'inbound',
  }));
}

export function customerCaseState(view: CaseView) {
  return {
    caseNumber: view.caseNumber,
    title: view.title,
    description: view.description,
    channel: view.channel,
    priority: view.priority,
    productId: view.productId,
    subject: view.subject,
    status: view.status,
    stage: view.stage,
    stages: view.stages.map((s) => ({ stage: s.stage, label: s.label, current: s.current })),
    slaState: view.slaState,
    kpis: view.kpis.map((k) => ({ kpi: k.kpi, status: k.status, dueAt: k.failureAt, succeededAt: k.succeededAt })),
    activities: view.activities.filter(sharedWithCustomer).map((a) => ({ id: a.id, type: a.type, subject: a.subject, body: a.body, direction: a.direction, createdAt: a.createdAt, byCustomer: a.direction === 'inbound' })),
    articlesSent: view.linkedArticles.filter((a) => a.sentToCustomer).map((a) => ({ articleNumber: a.articleNumber, title: a.title })),
    resolution: view.resolution && { text: view.resolution.text, type: view.resolution.type, resolvedAt: view.resolution.resolvedAt },
    survey: view.survey && { episode: view.survey.episode, expiresAt: view.survey.expiresAt, answeredAt: view.survey.answeredAt, rating: view.survey.rating, expired: view.survey.expired },
    openedAt: view.openedAt,
    closesAt: view.closesAt,
  };
}

/** A case's row or state as `actor` may see it: whole for staff, the customer view for a customer. */
export function recordFor(actor: Actor, record: CaseRecord) {
  return actor.role === 'customer' ? customerCaseRecord(record) : record;
}

export function stateFor(actor: Actor, view: CaseView) {
  return actor.role === 'customer' ? customerCaseState(view) : view;
}

export function activitiesFor(actor: Actor, items: readonly CaseActivityRecord[]) {
  return actor.role === 'customer' ? customerActivities(items) : items;
}
