/** Words for customer records: tiers, entitlement terms, contract dates. */
const TIER: Record<string, string> = { gold: 'Gold', silver: 'Silver', standard: 'Standard' };

export const tierWords = (tier: string): string => TIER[tier] ?? tier;

/** "3 cases", "1 case", "90 minutes". */
export function termsWords(terms: number, allocation: 'cases' | 'minutes'): string {
  const unit = allocation === 'cases' ? 'case' : 'minute';
  return `${terms} ${unit}${terms === 1 ? '' : 's'}`;
}

/** A contract date (YYYY-MM-DD, a calendar day: no time zone shift) as "31 Dec 2026". */
export function localDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, (m ?? 1) - 1, d ?? 1)));
}
