import { describe, expect, it } from 'vitest';
import type { SlaKpiTarget, SlaPolicyTerms } from '../../domain/case-context';
import type { EntitlementDecision } from '../../domain/entitlement';
import { chooseSlaPolicy, kpiTarget } from '../../domain/sla-policy';

const policy = (id: string, overrides: Partial<SlaPolicyTerms> = {}): SlaPolicyTerms => ({
  id,
  name: `Policy ${id}`,
  appliesWhenNoEntitlement: false,
  calendar: null,
  pauseOn: ['on_hold'],
  kpis: [],
  ...overrides,
});

const target = (
  kpi: SlaKpiTarget['kpi'],
  priority: SlaKpiTarget['priority'],
  customerTier: SlaKpiTarget['customerTier'],
  warnAfterMinutes: number,
  failAfterMinutes: number,
): SlaKpiTarget => ({ kpi, priority, customerTier, warnAfterMinutes, failAfterMinutes });

describe('chooseSlaPolicy', () => {
  const gold = policy('gold');
  const noContract = policy('no-contract', { appliesWhenNoEntitlement: true });
  const policies = [gold, noContract];
  const entitled = (slaPolicyId: string | null): EntitlementDecision => ({ kind: 'entitled', entitlementId: 'e1', allocationType: 'cases', slaPolicyId });

  it.each<[string, EntitlementDecision, string | null]>([
    ['entitled: the entitlement’s own policy', entitled('gold'), 'gold'],
    ['entitled without a policy: the no-contract one', entitled(null), 'no-contract'],
    ['entitled to a policy that was not loaded: the no-contract one', entitled('missing'), 'no-contract'],
    ['no entitlement', { kind: 'none' }, 'no-contract'],
    ['exhausted: the contract no longer applies', { kind: 'exhausted', entitlementId: 'e1', slaPolicyId: 'gold' }, 'no-contract'],
    ['expired: the contract no longer applies', { kind: 'expired', entitlementId: 'e1', slaPolicyId: 'gold' }, 'no-contract'],
  ])('%s', (_name, decision, expected) => {
    expect(chooseSlaPolicy(policies, decision)?.id ?? null).toBe(expected);
  });

  it('is null when nothing applies', () => {
    expect(chooseSlaPolicy([gold], { kind: 'none' })).toBeNull();
    expect(chooseSlaPolicy([], entitled('gold'))).toBeNull();
  });

  it('picks the lowest id among several no-contract policies, whatever their order', () => {
    const other = policy('a-other', { appliesWhenNoEntitlement: true });
    expect(chooseSlaPolicy([noContract, other], { kind: 'none' })?.id).toBe('a-other');
    expect(chooseSlaPolicy([other, noContract], { kind: 'none' })?.id).toBe('a-other');
  });
});

describe('kpiTarget', () => {
  const standard = policy('standard', {
    kpis: [
      target('first_response', null, null, 240, 480),
      target('first_response', null, 'gold', 10, 15),
      target('first_response', 'urgent', null, 30, 60),
      target('first_response', 'urgent', 'gold', 5, 10),
      target('resolve', null, null, 1440, 2880),
    ],
  });

  it.each<[string, SlaKpiTarget['kpi'], SlaKpiTarget['priority'] & string, SlaKpiTarget['customerTier'] & string, number | null]>([
    ['gold: first contact within 15 minutes', 'first_response', 'normal', 'gold', 15],
    ['priority and tier both set win', 'first_response', 'urgent', 'gold', 10],
    ['priority only beats tier only', 'first_response', 'urgent', 'silver', 60],
    ['nothing specific: the general row', 'first_response', 'low', 'standard', 480],
    ['another KPI', 'resolve', 'urgent', 'gold', 2880],
  ])('%s', (_name, kpi, priority, tier, fail) => {
    expect(kpiTarget(standard, kpi, priority, tier)?.failAfterMinutes ?? null).toBe(fail);
  });

  it('returns both the warning and the failure time', () => {
    expect(kpiTarget(standard, 'first_response', 'high', 'gold')).toEqual({ warnAfterMinutes: 10, failAfterMinutes: 15 });
  });

  it('priority only beats tier only whatever the row order', () => {
    const reversed = policy('r', { kpis: [...standard.kpis].reverse() });
    expect(kpiTarget(reversed, 'first_response', 'urgent', 'silver')?.failAfterMinutes).toBe(60);
    expect(kpiTarget(reversed, 'first_response', 'urgent', 'gold')?.failAfterMinutes).toBe(10);
  });

  it('is null when no row applies', () => {
    const goldOnly = policy('g', { kpis: [target('first_response', null, 'gold', 10, 15)] });
    expect(kpiTarget(goldOnly, 'first_response', 'normal', 'standard')).toBeNull();
    expect(kpiTarget(goldOnly, 'resolve', 'normal', 'gold')).toBeNull();
  });

  it('takes the stricter of two equally specific rows, whatever their order', () => {
    const rows = [target('resolve', 'high', null, 100, 200), target('resolve', 'high', null, 50, 120)];
    expect(kpiTarget(policy('d', { kpis: rows }), 'resolve', 'high', 'gold')).toEqual({ warnAfterMinutes: 50, failAfterMinutes: 120 });
    expect(kpiTarget(policy('d', { kpis: [...rows].reverse() }), 'resolve', 'high', 'gold')).toEqual({ warnAfterMinutes: 50, failAfterMinutes: 120 });
  });
});

describe('kpiTarget: the most specific row wins over a stricter general one', () => {
  const both = target('first_response', 'urgent', 'gold', 50, 100);
  const priorityOnly = target('first_response', 'urgent', null, 40, 90);
  const tierOnly = target('first_response', null, 'gold', 30, 80);
  const neither = target('first_response', null, null, 20, 70);

  /** Every order of a list: a comparator fault shows in at least one. */
  const permutations = <T,>(items: readonly T[]): T[][] =>
    items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
  const pick = (rows: SlaKpiTarget[]) => kpiTarget(policy('p', { kpis: rows }), 'first_response', 'urgent', 'gold');

  it.each<[string, SlaKpiTarget[], SlaKpiTarget]>([
    ['priority and tier over priority only', [both, priorityOnly], both],
    ['priority only over tier only', [priorityOnly, tierOnly], priorityOnly],
    ['tier only over neither', [tierOnly, neither], tierOnly],
    ['priority and tier over all the others', [both, priorityOnly, tierOnly, neither], both],
    ['priority only over tier only and neither', [priorityOnly, tierOnly, neither], priorityOnly],
  ])('%s, whatever the order', (_name, rows, expected) => {
    for (const order of permutations(rows)) expect(pick(order)).toEqual({ warnAfterMinutes: expected.warnAfterMinutes, failAfterMinutes: expected.failAfterMinutes });
  });

  it('a more specific row wins even with the same warning and a later failure', () => {
    const specific = target('first_response', 'urgent', null, 10, 60);
    const general = target('first_response', null, null, 10, 30);
    for (const order of permutations([specific, general])) expect(pick(order)).toEqual({ warnAfterMinutes: 10, failAfterMinutes: 60 });
  });

  it('of two equally specific rows with the same failure, the earlier warning wins', () => {
    const early = target('first_response', 'urgent', null, 5, 60);
    const late = target('first_response', 'urgent', null, 15, 60);
    for (const order of permutations([early, late])) expect(pick(order)).toEqual({ warnAfterMinutes: 5, failAfterMinutes: 60 });
  });
});
