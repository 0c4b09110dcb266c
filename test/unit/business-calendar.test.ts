import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isWithinBusinessHours,
  validateBusinessCalendar,
  type BusinessCalendar,
  type Shift,
} from '../../domain/business-calendar';
import { fromWallClockMs, timeZoneOffsetMs } from '../../domain/time-zone';

const officeHours = (timeZone: string, shifts: Shift[] = [['09:00', '18:00']], holidays: string[] = []): BusinessCalendar =>
  validateBusinessCalendar({
    timeZone,
    weeklyHours: { mon: shifts, tue: shifts, wed: shifts, thu: shifts, fri: shifts },
    holidays,
  });

const london = officeHours('Europe/London');
const newYork = officeHours('America/New_York');
const at = (iso: string): Date => new Date(iso);
const add = (calendar: BusinessCalendar | null, start: string, minutes: number): string =>
  addBusinessMinutes(calendar, at(start), minutes).toISOString();

describe('time zone helpers', () => {
  it('reads offsets either side of a DST change', () => {
    expect(timeZoneOffsetMs('Europe/London', Date.parse('2026-07-01T12:00:00Z'))).toBe(3_600_000);
    expect(timeZoneOffsetMs('Europe/London', Date.parse('2026-12-01T12:00:00Z'))).toBe(0);
    expect(timeZoneOffsetMs('Asia/Kolkata', Date.parse('2026-12-01T12:00:00Z'))).toBe(19_800_000);
  });

  it('maps a skipped local time to the transition and a repeated one to its first occurrence', () => {
    // New York 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00Z, so 02:30 never happens.
    expect(new Date(fromWallClockMs('America/New_York', Date.UTC(2026, 2, 8, 2, 30))).toISOString()).toBe('2026-03-08T07:00:00.000Z');
    // New York 2026-11-01: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(new Date(fromWallClockMs('America/New_York', Date.UTC(2026, 10, 1, 1, 30))).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('addBusinessMinutes', () => {
  it('carries a Friday 17:55 case over the weekend in London', () => {
    // 2026-11-27 is a Friday; London is on GMT, so local time equals UTC.
    expect(add(london, '2026-11-27T17:55:00Z', 15)).toBe('2026-11-30T09:10:00.000Z');
  });

  it('carries a Friday 17:55 case over the DST change weekend in New York', () => {
    // Fri 2026-03-06 17:55 EST (22:55Z) -> Mon 2026-03-09 09:10 EDT (13:10Z); clocks changed on Sunday.
    expect(add(newYork, '2026-03-06T22:55:00Z', 15)).toBe('2026-03-09T13:10:00.000Z');
  });

  it('skips the lunch break of a split shift', () => {
    const split = officeHours('Europe/London', [['09:00', '12:00'], ['13:00', '18:00']]);
    expect(add(split, '2026-11-30T11:50:00Z', 20)).toBe('2026-11-30T13:10:00.000Z');
  });

  it('skips holidays', () => {
    const christmas = officeHours('Europe/London', undefined, ['2026-12-25']);
    // Thu 24th 17:50 + 20 -> Fri 25th is a holiday -> Mon 28th 09:10.
    expect(add(christmas, '2026-12-24T17:50:00Z', 20)).toBe('2026-12-28T09:10:00.000Z');
  });

  it('treats a null calendar as always open', () => {
    expect(add(null, '2026-11-28T23:55:00Z', 15)).toBe('2026-11-29T00:10:00.000Z');
  });

  it('starts the clock at the opening when the case arrives before it', () => {
    expect(add(london, '2026-11-30T07:00:00Z', 30)).toBe('2026-11-30T09:30:00.000Z');
  });

  it('keeps a deadline that uses up a shift exactly at the closing instant', () => {
    expect(add(london, '2026-11-30T17:30:00Z', 30)).toBe('2026-11-30T18:00:00.000Z');
    expect(add(london, '2026-11-30T17:30:00Z', 31)).toBe('2026-12-01T09:01:00.000Z');
  });

  it('adds 0 minutes as the start of the clock: the instant itself when open, else the next opening', () => {
    expect(add(london, '2026-11-30T10:00:00Z', 0)).toBe('2026-11-30T10:00:00.000Z');
    expect(add(london, '2026-11-28T10:00:00Z', 0)).toBe('2026-11-30T09:00:00.000Z');
    expect(add(london, '2026-11-30T18:00:00Z', 0)).toBe('2026-12-01T09:00:00.000Z');
  });

  it('counts real elapsed time across DST changes in a 24x7 zoned calendar', () => {
    const allDay: Shift[] = [['00:00', '24:00']];
    const always = validateBusinessCalendar({
      timeZone: 'Europe/London',
      weeklyHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
      holidays: [],
    });
    // Sun 2026-03-29 has 23 hours, Sun 2026-10-25 has 25.
    expect(add(always, '2026-03-28T00:00:00Z', 48 * 60)).toBe(add(null, '2026-03-28T00:00:00Z', 48 * 60));
    expect(add(always, '2026-10-24T00:00:00+01:00', 48 * 60)).toBe(add(null, '2026-10-24T00:00:00+01:00', 48 * 60));
    expect(isWithinBusinessHours(always, at('2026-10-25T01:30:00Z'))).toBe(true); // the repeated hour, second time
  });

  it('shortens a shift that starts inside a DST gap', () => {
    // Sundays 02:30-04:00 in New York; on 2026-03-08 02:30 does not exist, so the shift is 03:00-04:00 EDT.
    const night = validateBusinessCalendar({ timeZone: 'America/New_York', weeklyHours: { sun: [['02:30', '04:00']] }, holidays: [] });
    expect(businessMinutesBetween(night, at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toBe(60);
    expect(businessMinutesBetween(night, at('2026-03-01T00:00:00Z'), at('2026-03-02T00:00:00Z'))).toBe(90);
  });

  it('fails instead of searching forever when holidays close the calendar for years', () => {
    const mondaysOnly = { timeZone: 'UTC', weeklyHours: { mon: [['09:00', '17:00']] as Shift[] } };
    const mondays: string[] = [];
    for (let ms = Date.UTC(2027, 0, 4); ms < Date.UTC(2031, 0, 1); ms += 7 * 86_400_000) {
      mondays.push(new Date(ms).toISOString().slice(0, 10));
    }
    const closed = validateBusinessCalendar({ ...mondaysOnly, holidays: mondays });
    expect(() => addBusinessMinutes(closed, at('2027-01-01T00:00:00Z'), 1)).toThrow(/no working hours for \d+ days/);
    // Counting over a bounded range is fine: just zero.
    expect(businessMinutesBetween(closed, at('2027-01-01T00:00:00Z'), at('2030-12-31T00:00:00Z'))).toBe(0);
  });

  it('rejects negative or non-finite minutes and invalid dates', () => {
    expect(() => addBusinessMinutes(london, at('2026-11-30T10:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessMinutes(london, at('2026-11-30T10:00:00Z'), Infinity)).toThrow(RangeError);
    expect(() => addBusinessMinutes(london, new Date(NaN), 1)).toThrow(/start/);
  });
});

describe('businessMinutesBetween and isWithinBusinessHours', () => {
  it('counts only working minutes and returns 0 for an empty or reversed range', () => {
    expect(businessMinutesBetween(london, at('2026-11-27T17:55:00Z'), at('2026-11-30T09:10:00Z'))).toBe(15);
    expect(businessMinutesBetween(london, at('2026-11-30T09:10:00Z'), at('2026-11-27T17:55:00Z'))).toBe(0);
    expect(businessMinutesBetween(london, at('2026-11-28T10:00:00Z'), at('2026-11-28T12:00:00Z'))).toBe(0);
    expect(businessMinutesBetween(null, at('2026-11-28T10:00:00Z'), at('2026-11-28T12:00:00Z'))).toBe(120);
  });

  it('treats opening as inside and closing as outside', () => {
    expect(isWithinBusinessHours(london, at('2026-11-30T09:00:00Z'))).toBe(true);
    expect(isWithinBusinessHours(london, at('2026-11-30T17:59:59.999Z'))).toBe(true);
    expect(isWithinBusinessHours(london, at('2026-11-30T18:00:00Z'))).toBe(false);
    expect(isWithinBusinessHours(london, at('2026-11-30T08:59:59.999Z'))).toBe(false);
    expect(isWithinBusinessHours(london, at('2026-11-28T12:00:00Z'))).toBe(false); // Saturday
    expect(isWithinBusinessHours(officeHours('Europe/London', undefined, ['2026-11-30']), at('2026-11-30T12:00:00Z'))).toBe(false);
    expect(isWithinBusinessHours(newYork, at('2026-07-01T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(isWithinBusinessHours(null, at('2026-11-28T03:00:00Z'))).toBe(true);
  });
});

describe('properties', () => {
  const allDay: Shift[] = [['00:00', '24:00']];
  const calendars: BusinessCalendar[] = [
    london,
    officeHours('America/New_York', [['09:00', '12:00'], ['13:00', '17:30']], ['2026-07-03', '2026-12-25', '2027-01-01']),
    // Lord Howe moves its clocks by 30 minutes; Kolkata sits on a half-hour offset.
    officeHours('Australia/Lord_Howe', [['01:00', '03:00'], ['08:00', '24:00']]),
    validateBusinessCalendar({ timeZone: 'Asia/Kolkata', weeklyHours: { sat: allDay, sun: [['10:00', '14:00']] }, holidays: [] }),
  ];
  const arbitraries = {
    calendar: fc.constantFrom(...calendars),
    start: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
    minutes: fc.integer({ min: 0, max: 20_000 }),
  };

  it('businessMinutesBetween(start, addBusinessMinutes(start, m)) === m', () => {
    fc.assert(
      fc.property(arbitraries.calendar, arbitraries.start, arbitraries.minutes, (calendar, start, minutes) => {
        const deadline = addBusinessMinutes(calendar, start, minutes);
        expect(deadline.getTime()).toBeGreaterThanOrEqual(start.getTime());
        expect(businessMinutesBetween(calendar, start, deadline)).toBe(minutes);
      }),
    );
  });

  it('the last millisecond before a positive deadline is working time', () => {
    fc.assert(
      fc.property(arbitraries.calendar, arbitraries.start, fc.integer({ min: 1, max: 20_000 }), (calendar, start, minutes) => {
        const deadline = addBusinessMinutes(calendar, start, minutes);
        expect(isWithinBusinessHours(calendar, new Date(deadline.getTime() - 1))).toBe(true);
      }),
    );
  });
});

describe('validateBusinessCalendar', () => {
  const valid = { timeZone: 'Europe/London', weeklyHours: { mon: [['09:00', '17:00']] }, holidays: [] };
  const problems: Array<[string, unknown, RegExp]> = [
    ['not an object', 'office hours', /calendar must be an object/],
    ['unknown zone', { ...valid, timeZone: 'Mars/Olympus_Mons' }, /timeZone/],
    ['missing zone', { weeklyHours: valid.weeklyHours, holidays: [] }, /timeZone/],
    ['bad HH:MM', { ...valid, weeklyHours: { mon: [['9:00', '17:00']] } }, /weeklyHours\.mon\[0\] start/],
    ['24:00 as a start', { ...valid, weeklyHours: { mon: [['24:00', '24:00']] } }, /weeklyHours\.mon\[0\] start/],
    ['bad end', { ...valid, weeklyHours: { tue: [['09:00', '25:00']] } }, /weeklyHours\.tue\[0\] end/],
    ['end before start', { ...valid, weeklyHours: { wed: [['18:00', '09:00']] } }, /weeklyHours\.wed\[0\] end 09:00 must be after start 18:00/],
    ['empty shift', { ...valid, weeklyHours: { wed: [['09:00', '09:00']] } }, /weeklyHours\.wed\[0\]/],
    ['overlapping shifts', { ...valid, weeklyHours: { thu: [['13:00', '18:00'], ['09:00', '13:30']] } }, /weeklyHours\.thu has overlapping shifts 09:00-13:30 and 13:00-18:00/],
    ['no hours at all', { ...valid, weeklyHours: { mon: [], sat: [] } }, /weeklyHours has no working hours/],
    ['unknown weekday', { ...valid, weeklyHours: { funday: [['09:00', '17:00']] } }, /weeklyHours\.funday/],
    ['bad holiday', { ...valid, holidays: ['2026-02-30'] }, /holidays\[0\]/],
    ['misspelt field', { ...valid, holiday: [] }, /holiday is not a calendar field/],
  ];

  it.each(problems)('names the field for %s', (_name, input, message) => {
    expect(() => validateBusinessCalendar(input)).toThrow(message);
  });

  it('returns a normalised copy: shifts sorted, holidays sorted and unique, holidays optional', () => {
    expect(
      validateBusinessCalendar({
        timeZone: 'Europe/London',
        weeklyHours: { fri: [['13:00', '24:00'], ['09:00', '13:00']] },
        holidays: ['2026-12-25', '2026-01-01', '2026-12-25'],
      }),
    ).toEqual({
      timeZone: 'Europe/London',
      weeklyHours: { fri: [['09:00', '13:00'], ['13:00', '24:00']] },
      holidays: ['2026-01-01', '2026-12-25'],
    });
    expect(validateBusinessCalendar({ timeZone: 'UTC', weeklyHours: { sun: [['00:00', '24:00']] } }).holidays).toEqual([]);
  });
});

describe('validateBusinessCalendar: each refusal and its message', () => {
  const valid = { timeZone: 'UTC', weeklyHours: { mon: [['09:00', '17:00']] }, holidays: [] };
  const refusals: Array<[string, unknown, string]> = [
    ['null', null, 'Invalid business calendar: calendar must be an object'],
    ['a list', [], 'Invalid business calendar: calendar must be an object'],
    ['an unknown zone', { ...valid, timeZone: 'Mars/Olympus_Mons' }, `Invalid business calendar: timeZone must be an IANA time zone such as 'Europe/London', got "Mars/Olympus_Mons"`],
    ['no weeklyHours', { timeZone: 'UTC', holidays: [] }, 'Invalid business calendar: weeklyHours must be an object keyed by mon..sun'],
    ['null weeklyHours', { ...valid, weeklyHours: null }, 'Invalid business calendar: weeklyHours must be an object keyed by mon..sun'],
    ['weeklyHours as a list', { ...valid, weeklyHours: [['09:00', '17:00']] }, 'Invalid business calendar: weeklyHours must be an object keyed by mon..sun'],
    ['an unknown weekday', { ...valid, weeklyHours: { funday: [] } }, 'Invalid business calendar: weeklyHours.funday is not a weekday (mon..sun)'],
    ['a day that is not a list', { ...valid, weeklyHours: { mon: '09:00-17:00' } }, "Invalid business calendar: weeklyHours.mon must be a list of ['HH:MM', 'HH:MM'] shifts"],
    ['a shift that is not a pair', { ...valid, weeklyHours: { mon: ['09:00-17:00'] } }, "Invalid business calendar: weeklyHours.mon[0] must be a pair ['HH:MM', 'HH:MM']"],
    ['a shift that is a two-letter string', { ...valid, weeklyHours: { mon: ['ab'] } }, "Invalid business calendar: weeklyHours.mon[0] must be a pair ['HH:MM', 'HH:MM']"],
    ['a shift of three times', { ...valid, weeklyHours: { mon: [['09:00', '12:00', '17:00']] } }, "Invalid business calendar: weeklyHours.mon[0] must be a pair ['HH:MM', 'HH:MM']"],
    ['a start with a leading digit', { ...valid, weeklyHours: { mon: [['009:00', '17:00']] } }, `Invalid business calendar: weeklyHours.mon[0] start must be 'HH:MM', got "009:00"`],
    ['a start with a trailing digit', { ...valid, weeklyHours: { mon: [['09:001', '17:00']] } }, `Invalid business calendar: weeklyHours.mon[0] start must be 'HH:MM', got "09:001"`],
    // Equal starts overlap; they are reported in the order given.
    ['two shifts starting together', { ...valid, weeklyHours: { thu: [['09:00', '12:00'], ['09:00', '10:00']] } }, 'Invalid business calendar: weeklyHours.thu has overlapping shifts 09:00-12:00 and 09:00-10:00'],
    ['holidays that are not a list', { ...valid, holidays: '2026-12-25' }, "Invalid business calendar: holidays must be a list of 'YYYY-MM-DD' dates"],
    ['a date that does not exist', { ...valid, holidays: ['2026-12-25', '2026-02-30'] }, `Invalid business calendar: holidays[1] must be a real date 'YYYY-MM-DD', got "2026-02-30"`],
  ];

  it.each(refusals)('%s', (_name, input, message) => {
    expect(() => validateBusinessCalendar(input)).toThrow(new Error(message));
  });

  it('skips a weekday given as undefined', () => {
    expect(validateBusinessCalendar({ ...valid, weeklyHours: { mon: [['09:00', '17:00']], tue: undefined } }).weeklyHours).toEqual({ mon: [['09:00', '17:00']] });
  });
});

describe('argument checks name the argument', () => {
  const invalid = new Date(NaN);
  it.each([
    ['at', () => isWithinBusinessHours(london, invalid)],
    ['start', () => addBusinessMinutes(london, invalid, 1)],
    ['from', () => businessMinutesBetween(london, invalid, at('2026-11-30T10:00:00Z'))],
    ['to', () => businessMinutesBetween(london, at('2026-11-30T10:00:00Z'), invalid)],
  ])('%s', (name, run) => {
    expect(run).toThrow(new RangeError(`${name} must be a valid Date`));
  });

  it('minutes', () => {
    expect(() => addBusinessMinutes(null, at('2026-11-30T10:00:00Z'), -1)).toThrow(new RangeError('addBusinessMinutes: minutes must be a finite number >= 0, got -1'));
  });
});

describe('edges', () => {
  it('a reversed range is 0 minutes on a 24x7 clock too', () => {
    expect(businessMinutesBetween(null, at('2026-11-28T12:00:00Z'), at('2026-11-28T10:00:00Z'))).toBe(0);
  });

  it('local midnight is inside a shift that opens at midnight', () => {
    const allWeek = validateBusinessCalendar({ timeZone: 'UTC', weeklyHours: { sun: [['00:00', '24:00']], mon: [['00:00', '24:00']] } });
    expect(isWithinBusinessHours(allWeek, at('2026-11-30T00:00:00Z'))).toBe(true); // a Monday
  });
});

describe('more edges', () => {
  it.each([['x2026-12-25'], ['2026-12-25x'], ['2026-13-01'], ['2026-00-10'], ['0050-01-01']])('refuses the holiday %s', (date) => {
    expect(() => validateBusinessCalendar({ timeZone: 'UTC', weeklyHours: { mon: [['09:00', '17:00']] }, holidays: [date] })).toThrow(
      new Error(`Invalid business calendar: holidays[0] must be a real date 'YYYY-MM-DD', got "${date}"`),
    );
  });

  it('an instant that is not a Date is refused as invalid, not crashed on', () => {
    expect(() => isWithinBusinessHours(london, null as unknown as Date)).toThrow(new RangeError('at must be a valid Date'));
    expect(() => isWithinBusinessHours(london, {} as Date)).toThrow(new RangeError('at must be a valid Date'));
  });

  it('finds a deadline years ahead on a calendar open one minute a week', () => {
    const rare = validateBusinessCalendar({ timeZone: 'UTC', weeklyHours: { mon: [['09:00', '09:01']] } });
    // 200 Mondays: about 1,400 days, more than the closed-days bound, though no week is closed.
    expect(add(rare, '2026-11-30T00:00:00Z', 200)).toBe(new Date(Date.UTC(2026, 10, 30, 9, 1) + 199 * 7 * 86_400_000).toISOString());
  });

  it('gives up only after more than 3 × 366 closed days in a row', () => {
    const closedFor = (days: number) =>
      validateBusinessCalendar({
        timeZone: 'UTC',
        weeklyHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]])),
        holidays: Array.from({ length: days }, (_, i) => new Date(Date.UTC(2027, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)),
      });
    expect(add(closedFor(1098), '2027-01-01T00:00:00Z', 1)).toBe(new Date(Date.UTC(2027, 0, 1) + 1098 * 86_400_000 + 60_000).toISOString());
    expect(() => add(closedFor(1099), '2027-01-01T00:00:00Z', 1)).toThrow(/no working hours for 1098 days in a row/);
  });

  it('maps a skipped London time to the transition (a zone east of UTC)', () => {
    // London 2026-03-29: 01:00 GMT jumps to 02:00 BST at 01:00Z, so 01:30 never happens.
    expect(new Date(fromWallClockMs('Europe/London', Date.UTC(2026, 2, 29, 1, 30))).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });
});
