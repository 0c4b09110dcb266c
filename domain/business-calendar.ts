/**
 * Business-hours calendar maths for SLA clocks ("first response within 15 business minutes").
 *
 * Imported by Temporal workflow code, so everything here is a pure function of its arguments:
 * no clock reads, no randomness, no I/O; instants come in as Date objects and go out as new ones.
 *
 * Conventions:
 * - A `null` calendar means always open (24x7): business minutes are plain elapsed minutes.
 * - Working time is a set of half-open intervals [opening, closing): 09:00 is inside, 18:00 is not.
 * - Business minutes are real elapsed minutes inside working hours, so a 00:00-24:00 day lasts
 *   23 or 25 hours on a DST change day. Shift times that fall in a DST gap or overlap are resolved
 *   as `fromWallClockMs` documents (transition instant; earlier of the two instants).
 * - The SLA clock starts at `start` if that is within hours, otherwise at the next opening.
 *   `addBusinessMinutes` returns the first instant at which `minutes` business minutes have run
 *   on that clock. So 0 minutes gives the clock's start (the next opening when closed), and a
 *   deadline that uses up a shift exactly is that shift's closing instant, not the next opening.
 * - Both functions give exact millisecond results; minutes may be fractional.
 */
import { MS_PER_DAY, MS_PER_MINUTE, fromWallClockMs, isValidTimeZone, toWallClockMs } from './time-zone';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A local 'HH:MM' opening and closing time; '24:00' may close a shift at midnight. */
export type Shift = readonly [start: string, end: string];

export interface BusinessCalendar {
  /** IANA zone the hours and holidays are local to, e.g. 'Europe/London'. */
  readonly timeZone: string;
  /** Working shifts per weekday; a missing or empty day is closed. */
  readonly weeklyHours: Readonly<Partial<Record<Weekday, ReadonlyArray<Shift>>>>;
  /** Local dates 'YYYY-MM-DD' with no working hours at all. */
  readonly holidays: ReadonlyArray<string>;
}

/** Index = JavaScript's getUTCDay(): Sunday first. */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * How many consecutive closed days to scan before giving up on finding an opening. Three years
 * covers any plausible holiday list; the bound exists so a bad calendar fails instead of hanging.
 */
const MAX_CLOSED_DAYS = 3 * 366;

const FIELDS = new Set(['timeZone', 'weeklyHours', 'holidays']);
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Checks untrusted input (e.g. from the database or an API) and returns a normalised copy. */
export function validateBusinessCalendar(input: unknown): BusinessCalendar {
  const fail = (field: string, problem: string): never => {
    throw new Error(`Invalid business calendar: ${field} ${problem}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('calendar', 'must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) fail(key, 'is not a calendar field');

  const timeZone = raw.timeZone;
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) {
    fail('timeZone', `must be an IANA time zone such as 'Europe/London', got ${JSON.stringify(timeZone)}`);
  }

  if (typeof raw.weeklyHours !== 'object' || raw.weeklyHours === null || Array.isArray(raw.weeklyHours)) {
    fail('weeklyHours', 'must be an object keyed by mon..sun');
  }
  const weeklyHours: Partial<Record<Weekday, Shift[]>> = {};
  let openMinutesPerWeek = 0;
  for (const [day, value] of Object.entries(raw.weeklyHours as object)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) fail(`weeklyHours.${day}`, 'is not a weekday (mon..sun)');
    if (value === undefined) continue;
    if (!Array.isArray(value)) fail(`weeklyHours.${day}`, "must be a list of ['HH:MM', 'HH:MM'] shifts");
    const shifts = (value as unknown[]).map((shift, i): Shift => {
      const field = `weeklyHours.${day}[${i}]`;
      if (!Array.isArray(shift) || shift.length !== 2) fail(field, "must be a pair ['HH:MM', 'HH:MM']");
      const [start, end] = shift as unknown[];
      if (typeof start !== 'string' || !HH_MM.test(start)) fail(field, `start must be 'HH:MM', got ${JSON.stringify(start)}`);
      if (typeof end !== 'string' || !(HH_MM.test(end) || end === '24:00')) {
        fail(field, `end must be 'HH:MM' or '24:00', got ${JSON.stringify(end)}`);
      }
      if (minutesOfDay(end as string) <= minutesOfDay(start as string)) fail(field, `end ${String(end)} must be after start ${String(start)}`);
      return [start as string, end as string];
    });
    // 'HH:MM' strings sort in time order.
    shifts.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    shifts.forEach((shift, i) => {
      const previous = shifts[i - 1];
      if (previous && minutesOfDay(shift[0]) < minutesOfDay(previous[1])) {
        fail(`weeklyHours.${day}`, `has overlapping shifts ${previous.join('-')} and ${shift.join('-')}`);
      }
      openMinutesPerWeek += minutesOfDay(shift[1]) - minutesOfDay(shift[0]);
    });
    weeklyHours[day as Weekday] = shifts;
  }
  if (openMinutesPerWeek === 0) fail('weeklyHours', 'has no working hours on any day');

  const holidays = raw.holidays ?? [];
  if (!Array.isArray(holidays)) fail('holidays', "must be a list of 'YYYY-MM-DD' dates");
  (holidays as unknown[]).forEach((date, i) => {
    if (typeof date !== 'string' || !Number.isInteger(dayNumber(date))) {
      fail(`holidays[${i}]`, `must be a real date 'YYYY-MM-DD', got ${JSON.stringify(date)}`);
    }
  });

  return {
    timeZone: timeZone as string,
    weeklyHours,
    holidays: [...new Set(holidays as string[])].sort(),
  };
}

/** Whether the calendar is open at an instant (a null calendar always is). */
export function isWithinBusinessHours(calendar: BusinessCalendar | null, at: Date): boolean {
  const atMs = instantMs(at, 'at');
  if (calendar === null) return true;
  // Only the local day of `at` can hold an interval containing it (see openIntervals).
  for (const [open] of openIntervals(calendar, atMs, atMs + 1)) return open === atMs;
  return false;
}

/** The instant at which `minutes` business minutes have elapsed from `start` (see conventions above). */
export function addBusinessMinutes(calendar: BusinessCalendar | null, start: Date, minutes: number): Date {
  const startMs = instantMs(start, 'start');
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`addBusinessMinutes: minutes must be a finite number >= 0, got ${minutes}`);
  }
  let remaining = Math.round(minutes * MS_PER_MINUTE);
  if (calendar === null) return new Date(startMs + remaining);
  for (const [open, close] of openIntervals(calendar, startMs, Infinity)) {
    if (remaining <= close - open) return new Date(open + remaining);
    remaining -= close - open;
  }
  throw new Error('unreachable: openIntervals without an end bound never finishes normally');
}

/** Business minutes elapsed between two instants; 0 if `to` is not after `from`. */
export function businessMinutesBetween(calendar: BusinessCalendar | null, from: Date, to: Date): number {
  const fromMs = instantMs(from, 'from');
  const toMs = instantMs(to, 'to');
  if (toMs <= fromMs) return 0;
  if (calendar === null) return (toMs - fromMs) / MS_PER_MINUTE;
  let total = 0;
  for (const [open, close] of openIntervals(calendar, fromMs, toMs)) {
    if (open >= toMs) break;
    total += Math.min(close, toMs) - open;
  }
  return total / MS_PER_MINUTE;
}

/** Shift bounds as minutes after local midnight, per getUTCDay() index, plus holiday day numbers. */
interface CompiledCalendar {
  readonly timeZone: string;
  readonly shifts: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  readonly holidays: ReadonlySet<number>;
}

// Workflows evaluate the same calendar object many times; validating it once per object is enough.
const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(calendar: BusinessCalendar): CompiledCalendar {
  let result = compiled.get(calendar);
  if (!result) {
    const valid = validateBusinessCalendar(calendar);
    result = {
      timeZone: valid.timeZone,
      shifts: WEEKDAYS.map((day) => (valid.weeklyHours[day] ?? []).map(([s, e]) => [minutesOfDay(s), minutesOfDay(e)] as const)),
      holidays: new Set(valid.holidays.map(dayNumber)),
    };
    compiled.set(calendar, result);
  }
  return result;
}

/**
 * The calendar's open intervals [open, close) in epoch ms, in time order, clipped to start at
 * `fromMs`, scanning local days up to the one containing `untilMs`. Scanning starts on the local
 * day of `fromMs`: earlier days close by that day's midnight, which is never after `fromMs`.
 * Without an end bound, throws if MAX_CLOSED_DAYS pass in a row without an opening.
 */
function* openIntervals(calendar: BusinessCalendar, fromMs: number, untilMs: number): Generator<readonly [number, number]> {
  const { timeZone, shifts, holidays } = compile(calendar);
  const localDay = (ms: number): number => Math.floor(toWallClockMs(timeZone, ms) / MS_PER_DAY);
  const lastDay = untilMs === Infinity ? Infinity : localDay(untilMs);
  let closedDays = 0;
  for (let day = localDay(fromMs); day <= lastDay; day++) {
    let opened = false;
    // Day 0 (1970-01-01) was a Thursday, getUTCDay() 4.
    const dayShifts = holidays.has(day) ? [] : (shifts[(((day + 4) % 7) + 7) % 7] ?? []);
    for (const [startMinute, endMinute] of dayShifts) {
      const open = Math.max(fromMs, fromWallClockMs(timeZone, day * MS_PER_DAY + startMinute * MS_PER_MINUTE));
      const close = fromWallClockMs(timeZone, day * MS_PER_DAY + endMinute * MS_PER_MINUTE);
      if (close > open) {
        opened = true;
        yield [open, close];
      }
    }
    closedDays = opened ? 0 : closedDays + 1;
    // With an end bound the scan stops there anyway, and a long closure is then just zero minutes.
    if (closedDays > MAX_CLOSED_DAYS && lastDay === Infinity) {
      throw new Error(`Business calendar (${timeZone}) has no working hours for ${MAX_CLOSED_DAYS} days in a row; check its holidays`);
    }
  }
}

function minutesOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Days since 1970-01-01 for a 'YYYY-MM-DD' date, or NaN if it is not a real date. */
function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls over (Feb 30 -> Mar 2) and maps years 0-99 to 19xx; a round trip catches both.
  const back = new Date(ms);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms / MS_PER_DAY : NaN;
}

function instantMs(date: Date, name: string): number {
  // Duck-typed: a Date from another realm (e.g. the workflow sandbox) fails instanceof.
  const ms = typeof (date as Partial<Date> | null)?.getTime === 'function' ? date.getTime() : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}
