/** Words for what the API spells as codes: a page never shows `in_progress` or `waiting_for_customer`. */
const STATUS: Record<string, string> = {
  active: 'Active',
  on_hold: 'On hold',
  waiting_for_customer: 'Waiting for customer',
  resolved: 'Resolved',
  cancelled: 'Cancelled',
  closed: 'Closed',
};
const PRIORITY: Record<string, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };
const STAGE: Record<string, string> = { identify: 'Identify', research: 'Research', resolve: 'Resolve' };
const SLA: Record<string, string> = {
  in_progress: 'On track',
  nearing_noncompliance: 'At risk',
  succeeded: 'Met',
  noncompliant: 'Missed',
  paused: 'Paused',
  cancelled: 'Not counted',
};
const KPI: Record<string, string> = { first_response: 'First response', resolve: 'Resolution' };
const ACTIVITY: Record<string, string> = { phone_call: 'Phone call', email: 'Email', task: 'Task', appointment: 'Appointment', note: 'Note', resolution: 'Resolution' };
const RESOLUTION: Record<string, string> = { problem_solved: 'Problem solved', information_provided: 'Information provided', workaround: 'Workaround' };
const CHANNEL: Record<string, string> = { phone: 'Phone', email: 'Email', web: 'Web', chat: 'Chat', facebook: 'Facebook', twitter: 'Twitter', iot: 'Device (IoT)' };
const ROLE: Record<string, string> = { customer: 'Customer', agent: 'Agent', supervisor: 'Supervisor', admin: 'Administrator', operator: 'Operator' };

const words = (table: Record<string, string>, code: string | null | undefined): string => (code ? (table[code] ?? code.replaceAll('_', ' ')) : '—');

export const statusWords = (code: string | null | undefined) => words(STATUS, code);
export const priorityWords = (code: string | null | undefined) => words(PRIORITY, code);
export const stageWords = (code: string | null | undefined) => words(STAGE, code);
export const slaWords = (code: string | null | undefined) => words(SLA, code);
export const kpiWords = (code: string | null | undefined) => words(KPI, code);
export const activityWords = (code: string | null | undefined) => words(ACTIVITY, code);
export const resolutionWords = (code: string | null | undefined) => words(RESOLUTION, code);
export const channelWords = (code: string | null | undefined) => words(CHANNEL, code);
export const roleWords = (code: string | null | undefined) => words(ROLE, code);

/** "1 h 05 min", "25 min": time spent, as people say it. */
export function minutesWords(minutes: number | null | undefined): string {
  if (!minutes) return '0 min';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours === 0 ? `${rest} min` : rest === 0 ? `${hours} h` : `${hours} h ${String(rest).padStart(2, '0')} min`;
}

/** The codes of a problem's details in words: "customer_confirmed" → "customer confirmed". */
export const codeWords = (code: string) => code.replaceAll('_', ' ');

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "in 12 min", "3 hr ago": relative to now, in the viewer's language. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const delta = new Date(iso).getTime() - now;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(delta) >= ms || unit === 'minute') return format.format(Math.round(delta / ms), unit);
  }
  return format.format(0, 'minute');
}

/** The instant in the viewer's own time zone, e.g. "29 Nov, 14:05". */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}
