import { describe, expect, it } from 'vitest';
import { dueInWords, notificationActivity } from '../../bot/proactive';

describe('proactive chat texts', () => {
  const now = new Date('2026-11-30T14:03:00Z');

  it('says when an SLA deadline is due in words and clock time, not as a raw timestamp', () => {
    const warning = notificationActivity('sla_warning', 'CAS-01000', 'Printer offline', { kpi: 'first_response', dueAt: '2026-11-30T14:08:00.000Z', message: 'The first response of CAS-01000 is due 2026-11-30T14:08:00.000Z' }, now);
    expect(warning.text).toBe('⚠️ SLA warning on CAS-01000 (Printer offline): the first response is due in 5 min (14:08 UTC). Type "show CAS-01000" to work it.');
    expect(warning.text).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('counts hours and days, and says "now" once the deadline has come', () => {
    expect(dueInWords('2026-11-30T16:33:00Z', now)).toBe('in 2 h 30 min (16:33 UTC)');
    expect(dueInWords('2026-12-01T09:00:00Z', now)).toBe('in 18 h 57 min (09:00 UTC on 2026-12-01)');
    expect(dueInWords('2026-11-30T14:00:00Z', now)).toBe('now (14:00 UTC)');
    expect(dueInWords('not a date', now)).toBe('soon');
  });
});
