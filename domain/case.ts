/** The Case and the vocabulary around it (DOMAIN.md). Pure: imported by workflows, activities, api and bot. */

export const CHANNELS = ['phone', 'email', 'web', 'chat', 'facebook', 'twitter', 'iot'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CASE_STATUSES = ['active', 'on_hold', 'waiting_for_customer', 'resolved', 'cancelled', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** The statuses of a case someone still has to work on (counted in queues, goals and "my cases"). */
export const OPEN_CASE_STATUSES = ['active', 'on_hold', 'waiting_for_customer'] as const satisfies readonly CaseStatus[];

export const STAGES = ['identify', 'research', 'resolve'] as const;
export type Stage = (typeof STAGES)[number];

/** A case's customer is a contact or an account. */
export type CustomerRef = { readonly type: 'contact'; readonly id: string } | { readonly type: 'account'; readonly id: string };

/** What a channel asks for when it opens a case; the workflow's input. */
export interface CaseOpening {
  readonly caseNumber: string;
  readonly requestId: string;
  readonly title: string;
  readonly description: string;
  readonly customer: CustomerRef;
  readonly channel: Channel;
  readonly priority: Priority;
  readonly productId: string | null;
  readonly subject: string | null;
  /** The user who opened it (a customer user, or an agent logging a call); null for the email listener. */
  readonly openedByUserId: string | null;
}

/**
 * The case as the read model stores it. `version` grows with every decision of the workflow,
 * so a late or retried write of an older snapshot never moves the row backwards.
 */
export interface CaseSnapshot extends Omit<CaseOpening, 'openedByUserId'> {
  readonly workflowId: string;
  readonly status: CaseStatus;
  readonly statusReason: string | null;
  readonly stage: Stage;
  readonly queueId: string | null;
  readonly ownerUserId: string | null;
  readonly createdByUserId: string | null;
  readonly entitlementId: string | null;
  readonly isEntitled: boolean;
  readonly slaPolicyId: string | null;
  readonly routingRuleId: string | null;
  /** The worst KPI status (noncompliant first), null without an SLA. */
  readonly slaState: string | null;
  readonly firstResponseBy: string | null;
  readonly resolveBy: string | null;
  readonly firstRespondedAt: string | null;
  readonly resolvedAt: string | null;
  readonly openedAt: string;
  readonly version: number;
}
