import { relativeTime } from './format';

/** "29 Nov 2026, 14:05:12" in the viewer's own time zone and language: exact enough to line up with the Temporal Web UI. */
export function fullLocalTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

/** The viewer's time zone, e.g. "Europe/Paris", to say what the times are in. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Within a day of now, "12 min ago" or "in 3 hr" helps; further away the date says it better. */
export function relativeIfNear(iso: string, now = Date.now()): string | null {
  return Math.abs(new Date(iso).getTime() - now) < 86_400_000 ? relativeTime(iso, now) : null;
}
