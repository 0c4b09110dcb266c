import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, CHANNELS, PRIORITIES, STAGES } from '../../domain/case';
import { ACTIVITY_TYPES, RESOLUTION_TYPES } from '../../domain/case-commands';
import { activityWords, channelWords, localTime, minutesWords, priorityWords, relativeTime, resolutionWords, slaWords, stageWords, statusWords } from '../../web/desk/src/lib/format';

/** The desk shows words, never codes, and deadlines relative to now. */
describe('the web desk formats', () => {
  it('has words for every status, priority, stage and SLA state the API knows', () => {
    for (const status of CASE_STATUSES) expect(statusWords(status)).not.toContain('_');
    for (const priority of PRIORITIES) expect(priorityWords(priority)).toMatch(/^[A-Z][a-z]+$/);
    for (const stage of STAGES) expect(stageWords(stage)).toMatch(/^[A-Z][a-z]+$/);
    expect(statusWords('waiting_for_customer')).toBe('Waiting for customer');
    expect(slaWords('in_progress')).toBe('On track');
    expect(slaWords('nearing_noncompliance')).toBe('At risk');
  });

  it('has words for every resolution type, channel and activity type (the timeline never shows problem_solved)', () => {
    for (const type of RESOLUTION_TYPES) expect(resolutionWords(type)).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
    for (const channel of CHANNELS) expect(channelWords(channel)).toMatch(/^[A-Z]/);
    for (const type of ACTIVITY_TYPES) expect(activityWords(type)).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/);
    expect(resolutionWords('problem_solved')).toBe('Problem solved');
    expect(channelWords('iot')).toBe('Device (IoT)');
  });

  it('says time spent in hours and minutes', () => {
    expect(minutesWords(0)).toBe('0 min');
    expect(minutesWords(25)).toBe('25 min');
    expect(minutesWords(60)).toBe('1 h');
    expect(minutesWords(65)).toBe('1 h 05 min');
  });

  it('says deadlines relative to now, in minutes, hours or days', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(relativeTime('2026-11-29T12:12:00Z', now)).toMatch(/^in 12 min/);
    expect(relativeTime('2026-11-29T09:00:00Z', now)).toMatch(/^3 hr\.? ago$/);
    expect(relativeTime('2026-12-01T12:00:00Z', now)).toMatch(/^in 2 days$/);
    expect(relativeTime(null, now)).toBe('—');
    expect(localTime(null)).toBe('—');
  });
});
