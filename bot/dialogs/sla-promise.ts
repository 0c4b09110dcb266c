import type { SlaPolicyRepository } from '../../db/repositories/sla-policy.repository';
import type { CaseView } from '../../workflows/case-state';

/** "1 hour 30 minutes", "15 minutes". */
export function humanMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  const parts = [h ? `${h} hour${h === 1 ? '' : 's'}` : '', m ? `${m} minute${m === 1 ? '' : 's'}` : ''].filter(Boolean);
  return parts.join(' ') || 'a moment';
}

/**
 * The first-response promise from the case's first-response KPI: "within 15 minutes" when the
 * deadline is that many wall-clock minutes away (a 24x7 policy, or inside business hours), else
 * "by Monday 09:10" in the policy calendar's time zone (the clock stops outside business hours).
 */
export function promiseText(view: CaseView, timeZone: string | null): string {
  const kpi = view.kpis.find((k) => k.kpi === 'first_response');
  if (!kpi?.failureAt) return 'An agent will contact you as soon as possible.';
  const start = Date.parse(kpi.runningSince ?? view.stageHistory[0]?.enteredAt ?? view.openedAt);
  const wallMinutes = (Date.parse(kpi.failureAt) - start) / 60_000;
  if (Number.isFinite(wallMinutes) && Math.abs(wallMinutes - kpi.failAfterMinutes) <= 1) {
    return `An agent will contact you within ${humanMinutes(kpi.failAfterMinutes)}.`;
  }
  const zone = timeZone ?? 'UTC';
  const when = new Intl.DateTimeFormat('en-GB', { weekday: 'long', hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date(kpi.failureAt));
  return `An agent will contact you by ${when}${zone === 'UTC' ? ' UTC' : ` (${zone})`}.`;
}

export async function slaPromise(slaPolicies: Pick<SlaPolicyRepository, 'calendarTimeZone'>, view: CaseView): Promise<string> {
  const timeZone = view.slaPolicy ? await slaPolicies.calendarTimeZone(view.slaPolicy.id) : null;
  return promiseText(view, timeZone);
}
