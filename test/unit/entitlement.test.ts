import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHANNELS, type Channel } from '../../domain/case';
import type { EntitlementTerms } from '../../domain/case-context';
import { chooseEntitlement, termsToConsume } from '../../domain/entitlement';

const TODAY = '2026-05-15';

const entitlement = (id: string, overrides: Partial<EntitlementTerms> = {}): EntitlementTerms => ({
  id,
  name: `Entitlement ${id}`,
  allocationType: 'cases',
  remainingTerms: 15,
  startDate: '2026-01-01',
  endDate: '2026-12-31',
  status: 'active',
  slaPolicyId: `sla-${id}`,
  isDefault: false,
  channels: [
    { channel: 'email', remainingTerms: null },
    { channel: 'phone', remainingTerms: null },
  ],
  ...overrides,
});

const choose = (list: EntitlementTerms[], channel: Channel = 'email') => chooseEntitlement(list, channel, TODAY);

describe('chooseEntitlement', () => {
  it('the canonical gold contract: 15 cases, emailed in', () => {
    expect(choose([entitlement('gold')])).toEqual({ kind: 'entitled', entitlementId: 'gold', allocationType: 'cases', slaPolicyId: 'sla-gold' });
  });

  it.each<[string, EntitlementTerms[], Channel, string]>([
    ['dates are inclusive: starts today', [entitlement('a', { startDate: TODAY })], 'email', 'entitled a'],
    ['dates are inclusive: ends today', [entitlement('a', { endDate: TODAY })], 'email', 'entitled a'],
    ['minutes: any time left is enough', [entitlement('a', { allocationType: 'minutes', remainingTerms: 0.5 })], 'email', 'entitled a'],
    ['cases: a fraction of a case is not', [entitlement('a', { remainingTerms: 0.5 })], 'email', 'exhausted a'],
    ['used up', [entitlement('a', { remainingTerms: 0 })], 'email', 'exhausted a'],
    ['status expired', [entitlement('a', { status: 'expired' })], 'email', 'expired a'],
    ['past its end date though still active', [entitlement('a', { endDate: '2026-05-14' })], 'email', 'expired a'],
    ['no entitlement at all', [], 'email', 'none'],
    ['no entitlement covers the channel', [entitlement('a')], 'web', 'none'],
    ['drafts are ignored', [entitlement('a', { status: 'draft' })], 'email', 'none'],
    ['cancelled ones are ignored', [entitlement('a', { status: 'cancelled', endDate: '2026-01-31' })], 'email', 'none'],
    ['not started yet: no contract yet', [entitlement('a', { startDate: '2026-06-01' })], 'email', 'none'],
    ['not started yet, but an older one expired', [entitlement('new', { startDate: '2026-06-01' }), entitlement('old', { status: 'expired' })], 'email', 'expired old'],
    ['exhausted wins over expired', [entitlement('old', { status: 'expired' }), entitlement('used', { remainingTerms: 0 })], 'email', 'exhausted used'],
    ['a usable one wins over exhausted and expired', [entitlement('used', { remainingTerms: 0 }), entitlement('old', { status: 'expired' }), entitlement('ok')], 'email', 'entitled ok'],
    ['an expired contract covering another channel does not count', [entitlement('old', { status: 'expired', channels: [{ channel: 'phone', remainingTerms: null }] })], 'email', 'none'],
  ])('%s', (_name, list, channel, expected) => {
    const decision = choose(list, channel);
    expect(decision.kind === 'none' ? 'none' : `${decision.kind} ${decision.entitlementId}`).toBe(expected);
  });

  it('uses the channel’s own remaining allowance when it has one', () => {
    const split = entitlement('a', {
      remainingTerms: 10,
      channels: [
        { channel: 'phone', remainingTerms: 0 },
        { channel: 'email', remainingTerms: 3 },
        { channel: 'web', remainingTerms: null },
      ],
    });
    expect(choose([split], 'phone')).toEqual({ kind: 'exhausted', entitlementId: 'a', slaPolicyId: 'sla-a' });
    expect(choose([split], 'email').kind).toBe('entitled');
    expect(choose([split], 'web').kind).toBe('entitled'); // shares the total of 10
    const totalUsed = entitlement('b', { remainingTerms: 0, channels: [{ channel: 'email', remainingTerms: 2 }] });
    expect(choose([totalUsed]).kind).toBe('entitled');
  });

  it('prefers the default entitlement, then the one ending soonest, then the lowest id', () => {
    const later = entitlement('later', { endDate: '2026-12-31' });
    const sooner = entitlement('sooner', { endDate: '2026-06-30' });
    const fallback = entitlement('default', { endDate: '2027-12-31', isDefault: true });
    const pick = (list: EntitlementTerms[]) => {
      const decision = choose(list);
      return decision.kind === 'entitled' ? decision.entitlementId : decision.kind;
    };
    expect(pick([later, sooner, fallback])).toBe('default');
    expect(pick([later, sooner])).toBe('sooner');
    expect(pick([entitlement('b'), entitlement('a')])).toBe('a');
    // An exhausted default does not block a usable one.
    expect(pick([{ ...fallback, remainingTerms: 0 }, later])).toBe('later');
  });

  it('reports the most recently ended contract when several expired', () => {
    const list = [entitlement('2024', { endDate: '2024-12-31' }), entitlement('2025', { endDate: '2025-12-31' })];
    expect(choose(list)).toEqual({ kind: 'expired', entitlementId: '2025', slaPolicyId: 'sla-2025' });
  });

  const entitlementArb = fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd'),
    name: fc.constant('e'),
    allocationType: fc.constantFrom('cases' as const, 'minutes' as const),
    remainingTerms: fc.constantFrom(0, 0.5, 1, 14),
    startDate: fc.constantFrom('2026-01-01', '2026-05-15', '2026-06-01'),
    endDate: fc.constantFrom('2025-12-31', '2026-05-15', '2026-12-31'),
    status: fc.constantFrom('draft' as const, 'active' as const, 'expired' as const, 'cancelled' as const),
    slaPolicyId: fc.option(fc.constant('sla'), { nil: null }),
    isDefault: fc.boolean(),
    channels: fc.uniqueArray(
      fc.record({ channel: fc.constantFrom(...CHANNELS), remainingTerms: fc.option(fc.constantFrom(0, 1, 5), { nil: null }) }),
      { selector: (c) => c.channel, maxLength: 3 },
    ),
  });

  it('only ever names an entitlement that covers the channel, and only entitles an active one in date', () => {
    fc.assert(
      fc.property(fc.array(entitlementArb, { maxLength: 5 }), fc.constantFrom(...CHANNELS), (list, channel) => {
        const decision = chooseEntitlement(list, channel, TODAY);
        if (decision.kind === 'none') {
          expect(list.some((e) => e.status === 'active' && e.startDate <= TODAY && TODAY <= e.endDate && e.channels.some((c) => c.channel === channel))).toBe(false);
          return;
        }
        const named = list.filter((e) => e.id === decision.entitlementId && e.channels.some((c) => c.channel === channel));
        expect(named.length).toBeGreaterThan(0);
        if (decision.kind === 'entitled') {
          expect(named.some((e) => e.status === 'active' && e.startDate <= TODAY && TODAY <= e.endDate)).toBe(true);
        }
      }),
    );
  });

  it('does not depend on the order of the array', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entitlementArb, { selector: (e) => e.id, maxLength: 4 }), fc.constantFrom(...CHANNELS), (list, channel) => {
        expect(chooseEntitlement([...list].reverse(), channel, TODAY)).toEqual(chooseEntitlement(list, channel, TODAY));
      }),
    );
  });
});

describe('termsToConsume', () => {
  it.each<[string, 'cases' | 'minutes', number, number, number]>([
    ['first resolution of a case', 'cases', 1, 0, 1],
    ['resolved again after reopening: the same incident', 'cases', 2, 0, 0],
    ['third episode', 'cases', 3, 45, 0],
    ['minutes worked', 'minutes', 1, 30, 30],
    ['a started minute counts', 'minutes', 1, 30.2, 31],
    ['float noise does not add a minute', 'minutes', 1, 0.1 * 3 * 100, 30],
    ['minutes on a later episode are charged too', 'minutes', 2, 12, 12],
    ['nothing left to charge', 'minutes', 2, 0, 0],
    ['never negative', 'minutes', 1, -5, 0],
  ])('%s', (_name, allocationType, episode, minutes, expected) => {
    expect(termsToConsume(allocationType, episode, minutes)).toBe(expected);
  });

  it('rejects an episode that is not a whole number from 1, and a non-finite number of minutes', () => {
    expect(() => termsToConsume('cases', 0, 0)).toThrow(/episode/);
    expect(() => termsToConsume('minutes', 1.5, 3)).toThrow(/episode/);
    expect(() => termsToConsume('minutes', 1, Number.NaN)).toThrow(/minutesNotYetCharged/);
  });
});

/** Every order of a list: a comparator fault shows in at least one. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('chooseEntitlement: boundaries and order', () => {
  it('a draft that ended long ago is not reported as expired', () => {
    expect(choose([entitlement('a', { status: 'draft', endDate: '2025-12-31' })])).toEqual({ kind: 'none' });
    expect(choose([entitlement('a', { status: 'cancelled', endDate: '2025-12-31' })])).toEqual({ kind: 'none' });
  });

  it('cases: exactly one case left is enough', () => {
    expect(choose([entitlement('a', { remainingTerms: 1 })]).kind).toBe('entitled');
  });

  it('minutes: none left is exhausted', () => {
    expect(choose([entitlement('a', { allocationType: 'minutes', remainingTerms: 0 })])).toEqual({ kind: 'exhausted', entitlementId: 'a', slaPolicyId: 'sla-a' });
  });

  it('usable: the default, then the one ending soonest, then the lowest id, whatever the order', () => {
    const list = [entitlement('late', { endDate: '2026-12-31' }), entitlement('soon-b', { endDate: '2026-06-30' }), entitlement('soon-a', { endDate: '2026-06-30' })];
    for (const order of permutations(list)) expect(choose(order)).toMatchObject({ kind: 'entitled', entitlementId: 'soon-a' });
    const withDefault = [...list, entitlement('default', { endDate: '2027-12-31', isDefault: true })];
    for (const order of permutations(withDefault)) expect(choose(order)).toMatchObject({ kind: 'entitled', entitlementId: 'default' });
  });

  it('exhausted: the same order picks the one to report, whatever the order given', () => {
    const used = (id: string, endDate: string, isDefault = false) => entitlement(id, { remainingTerms: 0, endDate, isDefault });
    const list = [used('late', '2026-12-31'), used('soon-b', '2026-06-30'), used('soon-a', '2026-06-30')];
    for (const order of permutations(list)) expect(choose(order)).toMatchObject({ kind: 'exhausted', entitlementId: 'soon-a' });
    for (const order of permutations([...list, used('default', '2027-12-31', true)])) expect(choose(order)).toMatchObject({ kind: 'exhausted', entitlementId: 'default' });
  });

  it('expired: the default, then the latest end, then the lowest id, whatever the order', () => {
    const old = (id: string, endDate: string, isDefault = false) => entitlement(id, { status: 'expired', endDate, isDefault });
    const list = [old('older', '2025-06-30'), old('recent-b', '2025-12-31'), old('recent-a', '2025-12-31')];
    for (const order of permutations(list)) expect(choose(order)).toMatchObject({ kind: 'expired', entitlementId: 'recent-a' });
    for (const order of permutations([...list, old('default', '2024-12-31', true)])) expect(choose(order)).toMatchObject({ kind: 'expired', entitlementId: 'default' });
    const defaults = [old('d-older', '2025-01-31', true), old('d-recent', '2025-11-30', true), old('plain', '2025-12-31')];
    for (const order of permutations(defaults)) expect(choose(order)).toMatchObject({ kind: 'expired', entitlementId: 'd-recent' });
  });
});
