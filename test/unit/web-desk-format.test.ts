import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, PRIORITIES, STAGES } from '../../domain/case';
import { localTime, priorityWords, relativeTime, slaWords, stageWords, statusWords } from '../../web/desk/src/lib/format';

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

  it('says deadlines relative to now, in minutes, hours or days', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(relativeTime('2026-11-29T12:12:00Z', now)).toMatch(/^in 12 min/);
    expect(relativeTime('2026-11-29T09:00:00Z', now)).toMatch(/^3 hr\.? ago$/);
    expect(relativeTime('2026-12-01T12:00:00Z', now)).toMatch(/^in 2 days$/);
    expect(relativeTime(null, now)).toBe('—');
    expect(localTime(null)).toBe('—');
  });
});
