import type { BusinessCalendar } from './business-calendar';
import type { CaseStatus, Channel, Priority } from './case';
import type { CustomerTier } from './customer';

/**
 * Everything the case workflow needs from the records to decide entitlement, routing and SLA at
 * creation. An activity loads it; the workflow decides with pure domain functions, so each decision
 * and the facts behind it are in the workflow's history.
 */
export interface CaseContext {
  readonly customer: CustomerFacts;
  /** The customer's entitlements (an account's own, or for a contact its own and its account's), any status. */
  readonly entitlements: readonly EntitlementTerms[];
  /** Active routing rules ordered by position. */
  readonly routingRules: readonly RoutingRule[];
  readonly defaultQueueId: string | null;
  readonly slaPolicies: readonly SlaPolicyTerms[];
  /** The date (YYYY-MM-DD, in UTC) entitlement start and end dates are compared with, taken when loaded. */
  readonly today: string;
}

export interface CustomerFacts {
  readonly contactId: string | null;
  readonly accountId: string | null;
  readonly displayName: string;
  readonly email: string | null;
  /** The account's tier; standard for a contact without an account. */
  readonly tier: CustomerTier;
}

export type AllocationType = 'cases' | 'minutes';
export type EntitlementStatus = 'draft' | 'active' | 'expired' | 'cancelled';

export interface EntitlementTerms {
  readonly id: string;
  readonly name: string;
  readonly allocationType: AllocationType;
  readonly remainingTerms: number;
  /** YYYY-MM-DD, inclusive. */
  readonly startDate: string;
  /** YYYY-MM-DD, inclusive. */
  readonly endDate: string;
  readonly status: EntitlementStatus;
  readonly slaPolicyId: string | null;
  readonly isDefault: boolean;
  /** Channels covered; a channel may carry its own remaining allowance (null = shares the total). */
  readonly channels: readonly { readonly channel: Channel; readonly remainingTerms: number | null }[];
}

/** Conditions of a routing rule: every listed field must match one of its values; `{}` matches everything. */
export interface RoutingConditions {
  readonly customerTier?: readonly CustomerTier[];
  readonly channel?: readonly Channel[];
  readonly priority?: readonly Priority[];
  readonly productId?: readonly string[];
  /** Any of these words (case-insensitive, whole word) in the title, description or subject. */
  readonly subjectKeywords?: readonly string[];
}

export interface RoutingRule {
  readonly id: string;
  readonly name: string;
  readonly position: number;
  readonly conditions: RoutingConditions;
  readonly queueId: string;
}

export type SlaKpiName = 'first_response' | 'resolve';

export interface SlaKpiTarget {
  readonly kpi: SlaKpiName;
  /** Null = any priority / any tier; a specific row wins over a null one. */
  readonly priority: Priority | null;
  readonly customerTier: CustomerTier | null;
  readonly warnAfterMinutes: number;
  readonly failAfterMinutes: number;
}

export interface SlaPolicyTerms {
  readonly id: string;
  readonly name: string;
  readonly appliesWhenNoEntitlement: boolean;
  /** Null: the clock runs 24x7. */
  readonly calendar: BusinessCalendar | null;
  /** Statuses that pause the clock. */
  readonly pauseOn: readonly CaseStatus[];
  readonly kpis: readonly SlaKpiTarget[];
}
