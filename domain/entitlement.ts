/**
 * Entitlement check at case creation, and what a resolution charges (DOMAIN.md, steps 2 and 6).
 * Customers without a usable contract are still supported: 'none' runs under the no-contract SLA,
 * and 'exhausted' / 'expired' create the case as not entitled and flag it for a supervisor.
 */
import type { Channel } from './case';
import type { AllocationType, EntitlementTerms } from './case-context';

export type EntitlementDecision =
  | { readonly kind: 'entitled'; readonly entitlementId: string; readonly allocationType: AllocationType; readonly slaPolicyId: string | null }
  /** No entitlement covers this channel: still supported, under the no-contract SLA. */
  | { readonly kind: 'none' }
  /** A contract covers the channel but cannot be used: the case is created as not entitled and flagged for a supervisor. */
  | { readonly kind: 'exhausted' | 'expired'; readonly entitlementId: string; readonly slaPolicyId: string | null };

/**
 * Picks the entitlement that covers a new case on `channel` on `today` (YYYY-MM-DD; the dates are
 * inclusive and compare as strings).
 *
 * Draft and cancelled entitlements are ignored: they never gave the customer anything. An active
 * entitlement that has not started yet is ignored too, so on its own it gives 'none' (the customer
 * has no contract *yet*; 'expired' would wrongly tell the supervisor one ran out).
 */
export function chooseEntitlement(entitlements: readonly EntitlementTerms[], channel: Channel, today: string): EntitlementDecision {
  const candidates = entitlements.filter(
    (e) => e.status !== 'draft' && e.status !== 'cancelled' && e.channels.some((c) => c.channel === channel),
  );
  const inDate = (e: EntitlementTerms): boolean => e.startDate <= today && today <= e.endDate;
  const activeInDate = candidates.filter((e) => e.status === 'active' && inDate(e));

  const usable = activeInDate.filter((e) => hasAllowance(e, channel)).sort(preferred);
  const chosen = usable[0];
  if (chosen) return { kind: 'entitled', entitlementId: chosen.id, allocationType: chosen.allocationType, slaPolicyId: chosen.slaPolicyId };

  // Everything active and in date is used up by now: the same order as above picks the one to report.
  const exhausted = activeInDate.sort(preferred)[0];
  if (exhausted) return { kind: 'exhausted', entitlementId: exhausted.id, slaPolicyId: exhausted.slaPolicyId };

  // Report the contract that ended most recently: the one the customer is most likely thinking of.
  const expired = candidates
    .filter((e) => e.status === 'expired' || e.endDate < today)
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || compareStrings(b.endDate, a.endDate) || compareStrings(a.id, b.id))[0];
  if (expired) return { kind: 'expired', entitlementId: expired.id, slaPolicyId: expired.slaPolicyId };

  return { kind: 'none' };
}

/**
 * Whether the allowance for `channel` still covers a case: the channel's own remaining terms when it
 * has them, otherwise the entitlement's total. A case-based entitlement needs a whole case left;
 * a time-based one any time at all (the minutes are charged as worked, at resolution).
 */
function hasAllowance(entitlement: EntitlementTerms, channel: Channel): boolean {
  const own = entitlement.channels.find((c) => c.channel === channel)?.remainingTerms ?? null;
  const remaining = own ?? entitlement.remainingTerms;
  return entitlement.allocationType === 'cases' ? remaining >= 1 : remaining > 0;
}

/** The default entitlement first, then the one ending soonest (use it before it lapses), then by id. */
function preferred(a: EntitlementTerms, b: EntitlementTerms): number {
  return Number(b.isDefault) - Number(a.isDefault) || compareStrings(a.endDate, b.endDate) || compareStrings(a.id, b.id);
}

/**
 * The terms a resolution charges. `episode` counts resolutions of the same case (1 = first; a
 * reopened case resolved again is episode 2). A case-based entitlement is charged once per
 * incident, so only on the first episode. A time-based one is charged the minutes worked since the
 * last charge, on every episode, rounded up to whole minutes.
 */
export function termsToConsume(allocationType: AllocationType, episode: number, minutesNotYetCharged: number): number {
  if (!Number.isInteger(episode) || episode < 1) throw new Error(`episode must be a whole number from 1, got ${episode}`);
  if (allocationType === 'cases') return episode === 1 ? 1 : 0;
  if (!Number.isFinite(minutesNotYetCharged)) throw new Error(`minutesNotYetCharged must be a finite number, got ${minutesNotYetCharged}`);
  // Minutes summed from milliseconds can land a hair above a whole number (30.000000000004):
  // that float noise must not charge an extra minute.
  return Math.max(0, Math.ceil(minutesNotYetCharged - 1e-9));
}

/** Code-unit order, as `<` gives: locale-independent, so the same on every worker. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
