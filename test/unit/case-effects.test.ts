import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createCaseEffectsActivities, type EffectActivities, type EffectCall } from '../../activities/case-effects.activities';
import { batchSummary } from '../../workflows/summaries';

/** The write activities, each recording that it ran; `refuse` and `fail` name the ones that throw. */
function writes(ran: string[], behaviour: { refuse?: string; fail?: string } = {}): EffectActivities {
  const write = (name: string) => (): Promise<unknown> => {
    ran.push(name);
    if (behaviour.refuse === name) return Promise.reject(ApplicationFailure.nonRetryable('the database rejected the input: bad product', 'InvalidActivityInput'));
    if (behaviour.fail === name) return Promise.reject(new Error('connection terminated'));
    return Promise.resolve(name === 'applyResolution' ? { charged: true, remainingTerms: 14 } : undefined);
  };
  return {
    recordCase: write('recordCase'),
    recordKpiInstance: write('recordKpiInstance'),
    recordCaseActivity: write('recordCaseActivity'),
    enqueueNotification: write('enqueueNotification'),
    applyResolution: write('applyResolution'),
    sendSurvey: write('sendSurvey'),
    recordSurveyResponse: write('recordSurveyResponse'),
    linkArticle: write('linkArticle'),
  };
}

const record = { activity: 'recordCase', input: { caseNumber: 'CAS-01000', version: 3, status: 'active', stage: 'identify' } } as unknown as EffectCall;
const kpi = { activity: 'recordKpiInstance', input: { caseNumber: 'CAS-01000', kpi: 'first_response', status: 'succeeded', version: 3 } } as unknown as EffectCall;
const resolution = { activity: 'applyResolution', input: { caseNumber: 'CAS-01000', episode: 1, charge: { entitlementId: 'e', channel: 'email', terms: 1 } } } as unknown as EffectCall;

describe('performCaseEffects: the writes pending at once, in one local activity', () => {
  it('performs every write in order and lists each with its input and result, for the history', async () => {
    const ran: string[] = [];
    const { writes: done } = await createCaseEffectsActivities(writes(ran)).performCaseEffects({ calls: [record, kpi, resolution] });
    expect(ran).toEqual(['recordCase', 'recordKpiInstance', 'applyResolution']);
    expect(done).toEqual([record, kpi, { ...resolution, result: { charged: true, remainingTerms: 14 } }]);
  });

  it('stops at a write the database refuses for good, reporting it; the writes after it are not tried', async () => {
    const ran: string[] = [];
    const { writes: done } = await createCaseEffectsActivities(writes(ran, { refuse: 'recordCase' })).performCaseEffects({ calls: [record, kpi] });
    expect(ran).toEqual(['recordCase']);
    expect(done).toEqual([{ ...record, refused: 'the database rejected the input: bad product' }]);
  });

  it('fails the attempt on anything else, so the whole batch is retried (every write is idempotent)', async () => {
    const ran: string[] = [];
    await expect(createCaseEffectsActivities(writes(ran, { fail: 'recordKpiInstance' })).performCaseEffects({ calls: [record, kpi, resolution] })).rejects.toThrow('connection terminated');
    expect(ran).toEqual(['recordCase', 'recordKpiInstance']);
  });

  it('refuses for good a call naming no write activity', async () => {
    const bogus = { activity: 'dropCases', input: {} } as unknown as EffectCall;
    await expect(createCaseEffectsActivities(writes([])).performCaseEffects({ calls: [bogus] })).rejects.toMatchObject({ nonRetryable: true });
  });

  it('is summarised in one line for the Temporal UI, naming each write and no typed text', () => {
    expect(batchSummary([record, kpi, resolution])).toBe(
      '3 writes: record case CAS-01000 v3: active, identify · record SLA first_response: succeeded (v3) · apply resolution 1, charging 1 term(s)',
    );
    expect(batchSummary(Array.from({ length: 20 }, () => record)).length).toBe(200);
  });
});
