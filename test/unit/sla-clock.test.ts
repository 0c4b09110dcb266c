import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../domain/business-calendar';
import {
  cancelClock,
  dueEvents,
  elapsedMinutes,
  isRunning,
  KPI_STATUSES,
  markEvent,
  nextWakeUp,
  pauseClock,
  resumeClock,
  retargetClock,
  startClock,
  succeedClock,
  type KpiClock,
} from '../../domain/sla-clock';

const T0 = '2026-03-02T10:00:00.000Z'; // a Monday
const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const target = { warnAfterMinutes: 10, failAfterMinutes: 15 };
const started = (): KpiClock => startClock('first_response', target, null, T0);

/** Mon-Fri 09:00-17:00 UTC. */
const officeHours: BusinessCalendar = {
  timeZone: 'UTC',
  weeklyHours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
  holidays: [],
};

describe('KPI statuses', () => {
  it('are the six statuses', () => {
    expect(KPI_STATUSES).toEqual(['in_progress', 'nearing_noncompliance', 'succeeded', 'noncompliant', 'paused', 'cancelled']);
  });
});

describe('startClock', () => {
  it('runs from now and plans the warning and the failure', () => {
    expect(started()).toEqual({
      kpi: 'first_response',
      warnAfterMinutes: 10,
      failAfterMinutes: 15,
      status: 'in_progress',
      elapsedBefore: 0,
      runningSince: T0,
      warned: false,
      failed: false,
      warningAt: at(10),
      failureAt: at(15),
      succeededAt: null,
      pausedAt: null,
    });
    expect(isRunning(started())).toBe(true);
  });

  it('counts business minutes in the calendar', () => {
    const friday = '2026-03-06T16:50:00.000Z';
    const clock = startClock('resolve', target, officeHours, friday);
    expect(clock.warningAt).toBe('2026-03-06T17:00:00.000Z');
    expect(clock.failureAt).toBe('2026-03-09T09:05:00.000Z');
  });
});

describe('elapsedMinutes', () => {
  it('adds the running stretch to the minutes before it', () => {
    expect(elapsedMinutes({ ...started(), elapsedBefore: 3 }, null, at(4))).toBe(7);
  });

  it('is the minutes before while stopped', () => {
    expect(elapsedMinutes({ ...started(), elapsedBefore: 3, runningSince: null }, null, at(4))).toBe(3);
  });
});

describe('pauseClock', () => {
  it('stops the clock and drops the planned deadlines', () => {
    const paused = pauseClock(started(), null, at(4));
    expect(paused).toMatchObject({ status: 'paused', elapsedBefore: 4, runningSince: null, warningAt: null, failureAt: null, pausedAt: at(4) });
    expect(isRunning(paused)).toBe(false);
  });

  it('keeps a deadline that has passed, for reports', () => {
    const warned = markEvent(started(), 'warning');
    expect(pauseClock(warned, null, at(12))).toMatchObject({ warningAt: at(10), failureAt: null });
    const failed = markEvent(warned, 'failure');
    expect(pauseClock(failed, null, at(16))).toMatchObject({ warningAt: at(10), failureAt: at(15) });
  });

  it('leaves a stopped clock alone', () => {
    const paused = pauseClock(started(), null, at(4));
    expect(pauseClock(paused, null, at(8))).toBe(paused);
  });
});

describe('resumeClock', () => {
  it('plans the remaining minutes from the resume instant', () => {
    const resumed = resumeClock(pauseClock(started(), null, at(4)), null, at(30));
    expect(resumed).toMatchObject({ status: 'in_progress', elapsedBefore: 4, runningSince: at(30), pausedAt: null, warningAt: at(36), failureAt: at(41) });
  });

  it('comes back nearing noncompliance once warned, noncompliant once failed', () => {
    const warned = markEvent(started(), 'warning');
    expect(resumeClock(pauseClock(warned, null, at(12)), null, at(20)).status).toBe('nearing_noncompliance');
    const failed = markEvent(warned, 'failure');
    expect(resumeClock(pauseClock(failed, null, at(16)), null, at(20)).status).toBe('noncompliant');
  });

  it('leaves a clock that is not paused alone', () => {
    const running = started();
    expect(resumeClock(running, null, at(5))).toBe(running);
    const succeeded = succeedClock(running, null, at(5));
    expect(resumeClock(succeeded, null, at(6))).toBe(succeeded);
  });
});

describe('retargetClock', () => {
  it('keeps the minutes elapsed and re-plans a running clock', () => {
    const retargeted = retargetClock(started(), { warnAfterMinutes: 20, failAfterMinutes: 30 }, null, at(5));
    expect(retargeted).toMatchObject({ elapsedBefore: 5, runningSince: at(5), warnAfterMinutes: 20, failAfterMinutes: 30, warningAt: at(20), failureAt: at(30) });
  });

  it('makes a deadline already passed due now, not in the past', () => {
    const retargeted = retargetClock(started(), { warnAfterMinutes: 2, failAfterMinutes: 4 }, null, at(8));
    expect(retargeted).toMatchObject({ warningAt: at(8), failureAt: at(8) });
  });

  it('keeps a deadline already reached', () => {
    const warned = markEvent(started(), 'warning');
    expect(retargetClock(warned, { warnAfterMinutes: 20, failAfterMinutes: 30 }, null, at(12))).toMatchObject({ warningAt: at(10), failureAt: at(30) });
    const failed = markEvent(warned, 'failure');
    expect(retargetClock(failed, { warnAfterMinutes: 20, failAfterMinutes: 30 }, null, at(16))).toMatchObject({ warningAt: at(10), failureAt: at(15) });
  });

  it('sets new targets on a paused clock without planning', () => {
    const paused = pauseClock(started(), null, at(4));
    const retargeted = retargetClock(paused, { warnAfterMinutes: 20, failAfterMinutes: 30 }, null, at(8));
    expect(retargeted).toEqual({ ...paused, warnAfterMinutes: 20, failAfterMinutes: 30 });
    expect(resumeClock(retargeted, null, at(10))).toMatchObject({ warningAt: at(26), failureAt: at(36) });
  });

  it('leaves a stopped clock alone', () => {
    const succeeded = succeedClock(started(), null, at(5));
    expect(retargetClock(succeeded, { warnAfterMinutes: 20, failAfterMinutes: 30 }, null, at(6))).toBe(succeeded);
  });
});

describe('succeedClock', () => {
  it('stops the clock as succeeded', () => {
    expect(succeedClock(started(), null, at(5))).toMatchObject({ status: 'succeeded', elapsedBefore: 5, runningSince: null, succeededAt: at(5), pausedAt: null });
  });

  it('a clock that failed stays noncompliant, and is not met twice', () => {
    const failed = markEvent(started(), 'failure');
    const late = succeedClock(failed, null, at(20));
    expect(late).toMatchObject({ status: 'noncompliant', succeededAt: at(20), elapsedBefore: 20 });
    expect(succeedClock(late, null, at(25))).toBe(late);
  });

  it('may succeed while paused', () => {
    const paused = pauseClock(started(), null, at(4));
    expect(succeedClock(paused, null, at(9))).toMatchObject({ status: 'succeeded', elapsedBefore: 4, pausedAt: null, succeededAt: at(9) });
  });

  it('leaves a succeeded or cancelled clock alone', () => {
    const succeeded = succeedClock(started(), null, at(5));
    expect(succeedClock(succeeded, null, at(6))).toBe(succeeded);
    const cancelled = cancelClock(started(), null, at(5));
    expect(succeedClock(cancelled, null, at(6))).toBe(cancelled);
  });
});

describe('cancelClock', () => {
  it('stops the clock as cancelled', () => {
    const paused = pauseClock(started(), null, at(4));
    expect(cancelClock(started(), null, at(5))).toMatchObject({ status: 'cancelled', elapsedBefore: 5, runningSince: null, pausedAt: null, succeededAt: null });
    expect(cancelClock(paused, null, at(9))).toMatchObject({ status: 'cancelled', elapsedBefore: 4, pausedAt: null });
  });

  it('leaves a succeeded or cancelled clock alone, and one that was met late', () => {
    const succeeded = succeedClock(started(), null, at(5));
    expect(cancelClock(succeeded, null, at(6))).toBe(succeeded);
    const cancelled = cancelClock(started(), null, at(5));
    expect(cancelClock(cancelled, null, at(6))).toBe(cancelled);
    const late = succeedClock(markEvent(started(), 'failure'), null, at(20));
    expect(cancelClock(late, null, at(21))).toBe(late);
  });
});

describe('dueEvents', () => {
  it('nothing before the warning', () => {
    expect(dueEvents(started(), at(9))).toEqual([]);
  });

  it('the warning at its instant', () => {
    expect(dueEvents(started(), at(10))).toEqual(['warning']);
  });

  it('both, in order, once the failure is due', () => {
    expect(dueEvents(started(), at(15))).toEqual(['warning', 'failure']);
  });

  it('not again once marked', () => {
    const warned = markEvent(started(), 'warning');
    expect(dueEvents(warned, at(12))).toEqual([]);
    expect(dueEvents(warned, at(15))).toEqual(['failure']);
    expect(dueEvents(markEvent(warned, 'failure'), at(20))).toEqual([]);
  });

  it('none on a stopped clock, nor without a planned instant', () => {
    expect(dueEvents({ ...started(), runningSince: null }, at(20))).toEqual([]);
    expect(dueEvents({ ...started(), warningAt: null, failureAt: null }, at(20))).toEqual([]);
  });
});

describe('markEvent', () => {
  it('a warning: nearing noncompliance', () => {
    expect(markEvent(started(), 'warning')).toMatchObject({ warned: true, failed: false, status: 'nearing_noncompliance' });
  });

  it('a warning after the failure keeps it noncompliant', () => {
    expect(markEvent({ ...started(), failed: true, status: 'noncompliant' }, 'warning')).toMatchObject({ warned: true, failed: true, status: 'noncompliant' });
  });

  it('a failure: noncompliant, and warned too', () => {
    expect(markEvent(started(), 'failure')).toMatchObject({ warned: true, failed: true, status: 'noncompliant' });
  });
});

describe('nextWakeUp', () => {
  it('the warning, then the failure, then nothing', () => {
    const clock = started();
    expect(nextWakeUp(clock)).toBe(at(10));
    const warned = markEvent(clock, 'warning');
    expect(nextWakeUp(warned)).toBe(at(15));
    expect(nextWakeUp(markEvent(warned, 'failure'))).toBeNull();
  });

  it('nothing on a stopped clock, though its deadlines are kept', () => {
    expect(nextWakeUp(pauseClock(started(), null, at(1)))).toBeNull();
    const succeeded = succeedClock(started(), null, at(1));
    expect(succeeded.warningAt).toBe(at(10));
    expect(nextWakeUp(succeeded)).toBeNull();
    expect(nextWakeUp(cancelClock(started(), null, at(1)))).toBeNull();
  });

  it('skips an instant that is not planned', () => {
    expect(nextWakeUp({ ...started(), warningAt: null })).toBe(at(15));
    expect(nextWakeUp({ ...started(), warningAt: null, failureAt: null })).toBeNull();
  });
});
