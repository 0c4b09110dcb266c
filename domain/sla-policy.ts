/**
 * Which SLA a case runs under, and its warning / failure targets (DOMAIN.md, "SLA"): e.g. a gold
 * customer is promised first contact within 15 minutes. Pure, for the case workflow.
 */
import type { Priority } from './case';
import type { SlaKpiName, SlaKpiTarget, SlaPolicyTerms } from './case-context';
import type { CustomerTier } from './customer';
import type { EntitlementDecision } from './entitlement';

/**
 * The entitlement's own policy when the case is entitled to it; otherwise the no-contract policy.
 * An exhausted or expired contract no longer applies, so those cases get the no-contract policy
 * too, as does an entitled case whose policy is unset or missing from `policies`.
 * Null when there is no policy to apply: the case then runs without an SLA clock.
 */
export function chooseSlaPolicy(policies: readonly SlaPolicyTerms[], decision: EntitlementDecision): SlaPolicyTerms | null {
  if (decision.kind === 'entitled' && decision.slaPolicyId !== null) {
    const own = policies.find((p) => p.id === decision.slaPolicyId);
    if (own) return own;
  }
  // Several no-contract policies is a configuration mistake; the lowest id keeps the choice stable.
  const fallbacks = policies.filter((p) => p.appliesWhenNoEntitlement);
  return fallbacks.reduce<SlaPolicyTerms | null>((best, p) => (best === null || p.id < best.id ? p : best), null);
}

/**
 * The target for one KPI of a case with this priority and customer tier. A row applies when its
 * priority and tier are null (any) or equal; the most specific applicable row wins: priority and
 * tier > priority only > tier only > neither. Null when no row applies (the KPI is not tracked).
 */
export function kpiTarget(
  policy: SlaPolicyTerms,
  kpi: SlaKpiName,
  priority: Priority,
  tier: CustomerTier,
): { readonly warnAfterMinutes: number; readonly failAfterMinutes: number } | null {
  const applies = (row: SlaKpiTarget): boolean =>
    row.kpi === kpi && (row.priority === null || row.priority === priority) && (row.customerTier === null || row.customerTier === tier);
  const best = policy.kpis.filter(applies).reduce<SlaKpiTarget | null>((a, b) => (a === null || beats(b, a) ? b : a), null);
  return best && { warnAfterMinutes: best.warnAfterMinutes, failAfterMinutes: best.failAfterMinutes };
}

/**
 * Whether `row` should be used rather than `other`. Two equally specific rows is a configuration
 * mistake: the stricter one keeps the promise to the customer whatever order the rows came in.
 */
function beats(row: SlaKpiTarget, other: SlaKpiTarget): boolean {
  return (
    specificity(row) - specificity(other) ||
    other.failAfterMinutes - row.failAfterMinutes ||
    other.warnAfterMinutes - row.warnAfterMinutes
  ) > 0;
}

/** Priority weighs more than tier: an urgent case's target beats a gold customer's general one. */
function specificity(row: SlaKpiTarget): number {
  return (row.priority !== null ? 2 : 0) + (row.customerTier !== null ? 1 : 0);
}
