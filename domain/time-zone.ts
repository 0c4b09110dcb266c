/**
 * IANA time-zone arithmetic built only on Intl.DateTimeFormat, so that Temporal workflow code can
 * use it: no clock reads, no I/O, no packages. Results depend on the tz data of the runtime's ICU;
 * a Node upgrade that changes a zone's rules can change them (as it would for any tz library).
 *
 * "Wall-clock ms" below means a local date and time encoded as if it were UTC:
 * Date.UTC(year, month - 1, day, hour, minute). It is a number for local calendar maths, not an instant.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

// Building a formatter is far slower than using one; caching them per zone is still deterministic.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows this time zone (e.g. 'Europe/London'; 'Mars/Base' is false). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in ms (London in summer: +3_600_000). */
export function timeZoneOffsetMs(timeZone: string, epochMs: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? NaN,
    (fields.month ?? NaN) - 1,
    fields.day ?? NaN,
    (fields.hour ?? NaN) % 24, // some engines print midnight as 24 even with h23
    fields.minute ?? NaN,
    fields.second ?? NaN,
  );
  // The formatter drops milliseconds, so compare with the instant truncated to its second.
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** Local wall-clock ms of an instant in the zone. */
export function toWallClockMs(timeZone: string, epochMs: number): number {
  return epochMs + timeZoneOffsetMs(timeZone, epochMs);
}

/**
 * The instant at which the zone's clocks show a wall-clock time. DST makes this partial, so:
 * - a time that happens twice (clocks go back) gives the earlier instant;
 * - a time that never happens (clocks go forward) gives the transition instant, the first one
 *   after the skipped stretch.
 * Both choices keep the mapping non-decreasing, so a local interval never turns into a negative one.
 * Assumes at most one offset change within a day either side, true of every real zone today.
 */
export function fromWallClockMs(timeZone: string, wallMs: number): number {
  const before = timeZoneOffsetMs(timeZone, wallMs - MS_PER_DAY);
  const after = timeZoneOffsetMs(timeZone, wallMs + MS_PER_DAY);
  const matches = [wallMs - before, wallMs - after].filter(
    (instant, index) => timeZoneOffsetMs(timeZone, instant) === (index === 0 ? before : after),
  );
  if (matches.length > 0) return Math.min(...matches);
  // A gap: the transition lies between the instant read with the new offset and with the old one.
  let lo = wallMs - Math.max(before, after);
  let hi = wallMs - Math.min(before, after);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (timeZoneOffsetMs(timeZone, mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}
